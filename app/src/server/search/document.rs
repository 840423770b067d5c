//! A search document as plain data, and how it becomes a tantivy document.
//! [`super::load`] builds these from the database; everything here is pure.
use tantivy::TantivyDocument;
use tantivy::schema::Facet;
use time::Date;
use uuid::Uuid;

use super::schema::{EXCERPT_CHARS, Fields, NO_END, NO_VALUE};
use crate::server::changes::DocumentKind;

/// One thing search can find.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchDocument {
    pub kind: Option<DocumentKind>,
    pub id: Uuid,
    pub title: String,
    /// Owner, buyer or supplier: shown under the title.
    pub subtitle: String,
    /// Everything else worth finding the record by.
    pub body: Vec<String>,
    /// The record's own reference.
    pub reference: Option<String>,
    /// Related codes (CPV codes, call-off references, OCIDs).
    pub codes: Vec<String>,
    pub cpv: Vec<String>,
    pub owner: Option<String>,
    pub footprints: Vec<String>,
    pub sme: bool,
    /// Eligibility terms (see the schema): only frameworks and lots have them.
    pub eligible: Vec<String>,
    pub end: Option<Date>,
    pub newest: Option<Date>,
    pub value_pence: Option<i64>,
}

/// The term a document is stored and deleted under.
pub fn key(kind: DocumentKind, id: Uuid) -> String {
    format!("{}:{id}", kind.as_str())
}

/// Days since 1970-01-01, the unit of the date fields.
pub fn day_number(date: Date) -> i64 {
    i64::from(date.to_julian_day()) - i64::from(EPOCH_JULIAN_DAY)
}

/// The date of a day number.
pub fn date_of_day(day: i64) -> Option<Date> {
    i32::try_from(day + i64::from(EPOCH_JULIAN_DAY))
        .ok()
        .and_then(|j| Date::from_julian_day(j).ok())
}

/// Julian day number of 1970-01-01.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// The facet path of a CPV code: one level per significant digit past the
/// division, so `45312000` is `/cpv/45/453/4531/45312` and a filter on
/// `/cpv/45` or `/cpv/45/453` includes it. Trailing zeros are not levels
/// (`45000000` is the division itself). `None` for what is not a code.
pub fn cpv_facet(code: &str) -> Option<Facet> {
    let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 8 {
        return None;
    }
    let significant = digits.trim_end_matches('0');
    let depth = significant.len().max(2);
    let mut path = vec!["cpv".to_owned()];
    path.extend((2..=depth).map(|n| digits[..n].to_owned()));
    Some(Facet::from_path(path))
}

/// The facet of a CPV prefix typed in a filter (`45`, `4531`, `45310000`).
pub fn cpv_prefix_facet(prefix: &str) -> Option<Facet> {
    let digits = prefix.trim();
    if digits.len() < 2 || digits.len() > 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{digits:0<8}");
    cpv_facet(&padded)
}

/// A facet under `root` with one free-text level (an owner, a footprint code).
pub fn named_facet(root: &str, name: &str) -> Facet {
    Facet::from_path([root, name])
}

/// The tantivy document of `doc`.
pub fn to_tantivy(fields: &Fields, doc: &SearchDocument) -> TantivyDocument {
    let kind = doc.kind.unwrap_or(DocumentKind::Framework);
    let mut out = TantivyDocument::default();
    out.add_text(fields.key, key(kind, doc.id));
    out.add_text(fields.kind, kind.as_str());
    out.add_text(fields.id, doc.id.to_string());
    out.add_text(fields.title, &doc.title);
    let mut excerpt = String::new();
    for part in doc.body.iter().filter(|p| !p.trim().is_empty()) {
        out.add_text(fields.body, part);
        if excerpt.len() < EXCERPT_CHARS {
            if !excerpt.is_empty() {
                excerpt.push(' ');
            }
            excerpt.push_str(part.trim());
        }
    }
    if let Some((cut, _)) = excerpt.char_indices().nth(EXCERPT_CHARS) {
        excerpt.truncate(cut);
    }
    if !excerpt.is_empty() {
        out.add_text(fields.excerpt, excerpt);
    }
    if let Some(reference) = &doc.reference {
        out.add_text(fields.reference, reference);
    }
    for code in &doc.codes {
        out.add_text(fields.codes, code);
    }
    if !doc.subtitle.is_empty() {
        out.add_text(fields.subtitle, &doc.subtitle);
    }
    out.add_facet(fields.facets, named_facet("kind", kind.as_str()));
    if let Some(owner) = &doc.owner {
        out.add_facet(fields.facets, named_facet("owner", owner));
    }
    for footprint in &doc.footprints {
        out.add_facet(fields.facets, named_facet("footprint", footprint));
    }
    for facet in doc.cpv.iter().filter_map(|c| cpv_facet(c)) {
        out.add_facet(fields.facets, facet);
    }
    if doc.sme {
        out.add_facet(fields.facets, named_facet("sme", "yes"));
    }
    for term in &doc.eligible {
        out.add_text(fields.eligible, term);
    }
    out.add_i64(fields.end_day, doc.end.map_or(NO_END, day_number));
    if let Some(newest) = doc.newest {
        out.add_i64(fields.newest_day, day_number(newest));
    }
    out.add_i64(fields.value, doc.value_pence.unwrap_or(NO_VALUE));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn cpv_codes_become_paths_of_their_significant_digits() {
        assert_eq!(
            cpv_facet("45312000").unwrap().to_path_string(),
            "/cpv/45/453/4531/45312"
        );
        assert_eq!(cpv_facet("45000000").unwrap().to_path_string(), "/cpv/45");
        assert_eq!(
            cpv_facet("90511100").unwrap().to_path_string(),
            "/cpv/90/905/9051/90511/905111"
        );
        assert_eq!(cpv_facet("4531").map(|f| f.to_path_string()), None);
        assert_eq!(cpv_facet("abcdefgh").map(|f| f.to_path_string()), None);
    }

    #[test]
    fn a_prefix_filter_is_the_facet_of_its_ancestor() {
        let prefix = cpv_prefix_facet("4531").unwrap();
        let code = cpv_facet("45312000").unwrap();
        assert!(prefix.is_prefix_of(&code));
        assert!(!cpv_prefix_facet("4532").unwrap().is_prefix_of(&code));
        assert_eq!(cpv_prefix_facet("45310000"), cpv_prefix_facet("4531"));
        assert_eq!(cpv_prefix_facet("4"), None);
        assert_eq!(cpv_prefix_facet("45a"), None);
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day_number(date!(1970 - 01 - 01)), 0);
        assert_eq!(day_number(date!(1970 - 01 - 02)), 1);
        let d = date!(2027 - 03 - 31);
        assert_eq!(date_of_day(day_number(d)), Some(d));
    }
}
