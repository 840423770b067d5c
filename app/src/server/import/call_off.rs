//! Call-offs: whether a notice says it calls off a framework, and which
//! framework reference its title or description names.
//!
//! Contracts Finder states a call-off only as free text ("Call-off from a
//! framework agreement", procedure type `CallOffFromFrameworkAgreement`);
//! the framework itself is usually named, if at all, in the title or
//! description: a CCS number (RM6187, RM 1557.11, RM1043iv) or another
//! owner's reference (ESPO 509_23, YPO 000848, NEPO 207). The reference is
//! matched to a catalogue framework when written; an unmatched one is kept
//! as text, so the call-off is still flagged.
use std::sync::LazyLock;

use regex::Regex;

/// CCS agreement numbers: RM, optional space or hyphen, three or four
/// digits, then an optional iteration (`.11`, `iv`).
static CCS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bRM[ -]?(\d{3,4})((?:\.\d{1,2})|(?:[ivx]{1,4}\b))?").expect("valid pattern")
});

/// Public buying organisations' own references: the owner's name, then a
/// number that may carry `_`, `/` or `-`.
static OTHER_OWNERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(ESPO|YPO|NEPO|CPC|NOE CPC|LHC|Procurement Hub|Fusion21|EN:Procure|Scape|TPPL|PfH|KCS|CCS)\s*(?:framework\s*)?(?:no\.?\s*|number\s*|ref(?:erence)?\.?\s*)?(\d[\d_/-]*\d|\d)\b",
    )
    .expect("valid pattern")
});

/// The free-text markers of a call-off in Contracts Finder and OCDS
/// `procurementMethodDetails`.
pub fn says_call_off(procedure: &str) -> bool {
    let p: String = procedure
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    p.contains("calloffframework")
        || p.contains("callofffromaframework")
        || p.contains("calloffframeworkagreement")
        || p.contains("callofffromframework")
}

/// The first framework reference named in `texts`, canonicalised
/// (`RM 6187` → `RM6187`, `rm1557.11` → `RM1557.11`, `espo 509_23` →
/// `ESPO 509_23`).
pub fn framework_reference<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let texts: Vec<&str> = texts.into_iter().collect();
    for text in &texts {
        if let Some(found) = CCS.captures(text) {
            let suffix = found
                .get(2)
                .map(|m| m.as_str().to_ascii_lowercase())
                .unwrap_or_default();
            return Some(format!("RM{}{suffix}", &found[1]));
        }
    }
    for text in &texts {
        if let Some(found) = OTHER_OWNERS.captures(text) {
            return Some(format!("{} {}", found[1].to_ascii_uppercase(), &found[2]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ccs_numbers_in_their_published_spellings() {
        assert_eq!(
            framework_reference(["Call off under RM 6187 Management Consultancy"]),
            Some("RM6187".into())
        );
        assert_eq!(
            framework_reference(["G-Cloud 11 (rm1557.11) hosting"]),
            Some("RM1557.11".into())
        );
        assert_eq!(
            framework_reference(["DOS RM1043iv lot 1"]),
            Some("RM1043iv".into())
        );
        // A word that merely starts with RM is not a reference.
        assert_eq!(framework_reference(["RMB Group storage 2020"]), None);
        assert_eq!(framework_reference(["Form RM12"]), None);
    }

    #[test]
    fn other_owners_references() {
        assert_eq!(
            framework_reference(["as permitted under the ESPO 509_23 framework."]),
            Some("ESPO 509_23".into())
        );
        assert_eq!(
            framework_reference(["Rock salt", "call-off from YPO framework 000848"]),
            Some("YPO 000848".into())
        );
        // A CCS number anywhere wins over another owner's reference.
        assert_eq!(
            framework_reference(["ESPO 509_23", "via RM6102"]),
            Some("RM6102".into())
        );
    }

    #[test]
    fn call_off_markers() {
        assert!(says_call_off("Call-off from a framework agreement"));
        assert!(says_call_off("CallOffFromFrameworkAgreement"));
        assert!(says_call_off("Call off from a Framework Agreement"));
        assert!(!says_call_off("CallOffFromDynamicPurchasingSystem"));
        assert!(!says_call_off("Open"));
    }
}
