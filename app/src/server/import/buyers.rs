//! Which organisation a published buyer is.
//!
//! One rule for every importer, in order: an identifier seen before (an
//! OCDS party id, a GSS code); else the name, compared normalised, against
//! every known name of every organisation (mySociety's name variants, the
//! official and short names, and names seen in earlier imports); else, for
//! a name ending "Council" or "MBC", the same name without that ending;
//! else a joint purchase ("Chorley Council and South Ribble Borough
//! Council", "Coventry - Solihull - Warwickshire") when every part is a
//! known council; else a new organisation of the kind its name shows (NHS
//! body, police, fire, university, school, housing association, town or
//! parish council, central government, other). Buyers are never dropped.
use std::collections::HashMap;

use uuid::Uuid;

use super::{BuyerParty, Identifier};

/// Lowercase words without punctuation or a leading "the"; `&` reads "and"
/// (also when a publisher wrote it as the HTML entity `&amp;`).
pub fn normalise_name(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .replace("&amp;", " and ")
        .replace("&#039;", "'")
        .replace('&', " and ")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    words.join(" ")
}

/// Endings that only say "a council": `Dudley MBC` and `Dudley Metropolitan
/// Borough Council` both mean the council mySociety calls `Dudley`.
const COUNCIL_ENDINGS: &[&str] = &[
    "city and county council",
    "metropolitan borough council",
    "metropolitan district council",
    "royal borough council",
    "borough council",
    "district council",
    "county council",
    "city council",
    "county borough council",
    "council",
    "mbc",
    "bc",
    "dc",
    "cc",
];

/// Openings that only say "the council of": `The Council of the Borough of
/// Kirklees`, `Borough Council of Gateshead` mean `Kirklees`, `Gateshead`.
const COUNCIL_OPENINGS: &[&str] = &[
    "council of the royal borough of ",
    "council of the city and county of ",
    "council of the borough of ",
    "council of the city of ",
    "council of the county of ",
    "borough council of ",
    "city council of ",
    "county council of ",
    "council of ",
];

/// The name without a council ending or opening, when it has one.
fn without_council_words(normalised: &str) -> Option<&str> {
    COUNCIL_ENDINGS
        .iter()
        .find_map(|ending| {
            normalised
                .strip_suffix(ending)
                .map(str::trim_end)
                .filter(|rest| !rest.is_empty() && rest.len() + 1 < normalised.len())
        })
        .or_else(|| {
            COUNCIL_OPENINGS
                .iter()
                .find_map(|opening| normalised.strip_prefix(opening))
                .filter(|rest| !rest.is_empty())
        })
}

/// The name without parenthesised asides: `Coventry City Council (COV)`,
/// `Kent County Council (t/a LASER)`.
fn without_asides(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The parts of a name that may be several bodies (a joint purchase) or a
/// body and its department or agent (`Hertfordshire County Council -
/// Children's Services`, `LGSS on behalf of Cambridgeshire County
/// Council`), or nothing when it has no separator.
pub fn joint_parts(name: &str) -> Vec<String> {
    let mut parts = vec![name.replace("&amp;", "&")];
    for separator in [
        " on behalf of ",
        " t/a ",
        " and ",
        " & ",
        " - ",
        " – ",
        " — ",
        ",",
        "/",
        ";",
        ". ",
    ] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(separator).map(str::to_owned).collect::<Vec<_>>())
            .collect();
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 { parts } else { Vec::new() }
}

/// The kind of a public body that is not a known council, from its name:
/// (`org_type`, `org_type_name`).
pub fn kind_of(name: &str) -> (&'static str, &'static str) {
    let n = format!(" {} ", normalise_name(name));
    let has = |words: &[&str]| words.iter().any(|w| n.contains(&format!(" {w} ")));
    if has(&[
        "nhs",
        "ccg",
        "clinical commissioning",
        "hospital",
        "hospitals",
        "ambulance",
        "foundation trust",
        "health",
        "healthcare",
        "integrated care",
        "partnership foundation trust",
    ]) {
        ("NHS", "NHS body")
    } else if has(&["police", "constabulary", "crime commissioner", "crime"]) {
        ("POL", "Police")
    } else if has(&["fire", "fire and rescue"]) {
        ("FIRE", "Fire and rescue")
    } else if has(&["university", "college", "institute of technology"]) {
        ("UNI", "University or college")
    } else if has(&[
        "school",
        "schools",
        "academy",
        "academies",
        "multi academy",
        "learning trust",
        "education trust",
    ]) {
        ("SCH", "School or academy trust")
    } else if has(&["housing", "homes", "housing association"]) {
        ("HA", "Housing body")
    } else if has(&["town council", "parish council", "community council"]) {
        ("TPC", "Town, parish or community council")
    } else if has(&[
        "ministry",
        "department",
        "hm",
        "agency",
        "executive",
        "cabinet office",
        "office",
        "commission",
        "government",
        "court",
        "courts",
    ]) {
        ("CG", "Government department or agency")
    } else if has(&["council"]) {
        ("OC", "Other council")
    } else {
        ("OTH", "Other public body")
    }
}

/// What a buyer resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Known organisations (several for a joint purchase).
    Known(Vec<Uuid>),
    /// A body never seen: create it with this kind.
    New {
        name: String,
        org_type: &'static str,
        org_type_name: &'static str,
    },
}

/// Every known way to name an organisation, built once per import run and
/// grown as new bodies are made.
#[derive(Clone, Debug, Default)]
pub struct BuyerIndex {
    by_identifier: HashMap<(String, String), Uuid>,
    by_name: HashMap<String, Uuid>,
    /// Organisations that are councils (current or former) or strategic
    /// authorities: only these may make up a joint purchase.
    councils: std::collections::HashSet<Uuid>,
}

impl BuyerIndex {
    pub fn add_identifier(&mut self, scheme: &str, value: &str, id: Uuid) {
        self.by_identifier
            .entry((scheme.to_uppercase(), value.to_owned()))
            .or_insert(id);
    }

    /// A name this organisation is known by (first one wins).
    pub fn add_name(&mut self, name: &str, id: Uuid) {
        let key = normalise_name(name);
        if !key.is_empty() {
            self.by_name.entry(key).or_insert(id);
        }
    }

    pub fn mark_council(&mut self, id: Uuid) {
        self.councils.insert(id);
    }

    fn by_name(&self, name: &str) -> Option<Uuid> {
        let lookup = |name: &str| {
            let key = normalise_name(name);
            self.by_name.get(&key).copied().or_else(|| {
                without_council_words(&key).and_then(|short| self.by_name.get(short).copied())
            })
        };
        lookup(name).or_else(|| {
            let bare = without_asides(name);
            (bare.len() < name.len()).then(|| lookup(&bare)).flatten()
        })
    }

    /// The organisation(s) a buyer names, or the new body to create.
    pub fn resolve(&self, party: &BuyerParty) -> Resolved {
        if let Some(id) = party
            .identifiers
            .iter()
            .find_map(|Identifier { scheme, value }| {
                self.by_identifier.get(&(scheme.clone(), value.clone()))
            })
        {
            return Resolved::Known(vec![*id]);
        }
        if let Some(id) = self.by_name(&party.name) {
            return Resolved::Known(vec![id]);
        }
        // Parts: every part a council is a joint purchase; exactly one
        // council among other words is that council (a department, an
        // agent buying on its behalf).
        let parts = joint_parts(&without_asides(&party.name));
        let mut councils: Vec<Uuid> = Vec::new();
        let mut all_councils = !parts.is_empty();
        for part in &parts {
            match self.by_name(part).filter(|id| self.councils.contains(id)) {
                Some(id) if !councils.contains(&id) => councils.push(id),
                Some(_) => {}
                None => all_councils = false,
            }
        }
        if councils.len() == 1 || (all_councils && councils.len() > 1) {
            return Resolved::Known(councils);
        }
        let (org_type, org_type_name) = kind_of(&party.name);
        Resolved::New {
            name: party.name.clone(),
            org_type,
            org_type_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(name: &str) -> BuyerParty {
        BuyerParty {
            name: name.into(),
            identifiers: Vec::new(),
        }
    }

    fn index() -> (BuyerIndex, [Uuid; 4]) {
        let ids = [1, 2, 3, 4].map(Uuid::from_u128);
        let mut index = BuyerIndex::default();
        for (name, id) in [
            ("Chorley", ids[0]),
            ("Chorley Council", ids[0]),
            ("South Ribble Borough Council", ids[1]),
            ("Dudley", ids[2]),
            ("Brighton and Hove", ids[3]),
        ] {
            index.add_name(name, id);
            index.mark_council(id);
        }
        index.add_identifier("GB-CFS", "18525", ids[2]);
        (index, ids)
    }

    #[test]
    fn names_identifiers_and_council_endings() {
        let (index, ids) = index();
        assert_eq!(
            index.resolve(&party("CHORLEY COUNCIL")),
            Resolved::Known(vec![ids[0]])
        );
        assert_eq!(
            index.resolve(&party("Dudley MBC")),
            Resolved::Known(vec![ids[2]])
        );
        assert_eq!(
            index.resolve(&party("Dudley Metropolitan Borough Council")),
            Resolved::Known(vec![ids[2]])
        );
        assert_eq!(
            index.resolve(&party("Brighton & Hove City Council")),
            Resolved::Known(vec![ids[3]])
        );
        let by_id = BuyerParty {
            name: "Some other spelling".into(),
            identifiers: vec![Identifier::new("gb-cfs", "18525").unwrap()],
        };
        assert_eq!(index.resolve(&by_id), Resolved::Known(vec![ids[2]]));
    }

    #[test]
    fn joint_buyers_are_every_named_council() {
        let (index, ids) = index();
        assert_eq!(
            index.resolve(&party("Chorley Council and South Ribble Borough Council")),
            Resolved::Known(vec![ids[0], ids[1]])
        );
        assert_eq!(
            index.resolve(&party("Chorley - Dudley")),
            Resolved::Known(vec![ids[0], ids[2]])
        );
        // Two councils among unknown words: not a purchase by either alone.
        assert!(matches!(
            index.resolve(&party("Chorley Council, Dudley MBC and Nowhere Council")),
            Resolved::New { .. }
        ));
        // One council among other words: that council's department or agent.
        for name in [
            "Chorley Council - Children's Services",
            "LGSS on behalf of Chorley Council",
            "Chorley Council (CHO)",
            "Legal, Democratic Services, Chorley Council,",
            "The Council of the Borough of Dudley",
            "Brighton &amp; Hove City Council",
        ] {
            assert!(
                matches!(index.resolve(&party(name)), Resolved::Known(ref ids) if ids.len() == 1),
                "{name}"
            );
        }
    }

    #[test]
    fn other_bodies_are_kept_with_their_kind() {
        let (index, _) = index();
        let kind = |name: &str| match index.resolve(&party(name)) {
            Resolved::New { org_type, .. } => org_type,
            Resolved::Known(_) => "known",
        };
        assert_eq!(kind("Midlands Partnership Foundation Trust"), "NHS");
        assert_eq!(kind("NHS Dorset CCG"), "NHS");
        assert_eq!(
            kind("Office of the Police and Crime Commissioner for Kent"),
            "POL"
        );
        assert_eq!(kind("West Midlands Fire Service"), "FIRE");
        assert_eq!(kind("University of Leeds"), "UNI");
        assert_eq!(kind("Harris Federation Academy Trust"), "SCH");
        assert_eq!(kind("Clarion Housing Group"), "HA");
        assert_eq!(kind("Ministry of Justice"), "CG");
        assert_eq!(kind("Hebden Royd Town Council"), "TPC");
        assert_eq!(kind("Castle Pool Community Partnership"), "OTH");
    }
}
