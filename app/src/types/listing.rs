//! Public lists with filters: what the visitor chose, the choices each filter
//! offers and the page of results. One shape for every list, so one filter
//! panel renders them all and pagination links keep the filters.
use serde::{Deserialize, Serialize};

use super::{FieldError, Page};

/// How a filter is asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FilterKind {
    /// A select whose first option means "any"; (value, label) pairs.
    Select(Vec<(String, String)>),
    /// One checkbox; its checked value is `yes`.
    Checkbox,
    /// Free text.
    Search,
}

/// One filter of a list and the value the visitor chose ("" for any).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// The query-string name, also the input's id.
    pub name: String,
    pub label: String,
    pub kind: FilterKind,
    pub value: String,
}

/// The value a checkbox filter sends when ticked.
pub const CHECKED: &str = "yes";

/// A page of a filtered list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub filters: Vec<Filter>,
    pub page: Page<T>,
    /// Set when a filter value was not one of its choices; the page shows it
    /// in an error summary, returns 400 and lists nothing.
    pub error: Option<FieldError>,
}

impl<T> Listing<T> {
    /// The chosen filters as query pairs, for pagination links.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.filters
            .iter()
            .filter(|f| !f.value.is_empty())
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect()
    }

    /// The chosen value of one filter ("" when none).
    pub fn value_of(&self, name: &str) -> &str {
        self.filters
            .iter()
            .find(|f| f.name == name)
            .map_or("", |f| f.value.as_str())
    }

    /// "Showing 1 to 50 of 120 contracts", or `none` when nothing matches.
    pub fn shown(&self, plural: &str, none: &str) -> String {
        if self.page.total_items == 0 {
            none.to_owned()
        } else {
            format!(
                "Showing {} to {} of {} {plural}",
                self.page.first_item_number(),
                self.page.last_item_number(),
                self.page.total_items
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(values: &[(&str, &str)], total: u64) -> Listing<u8> {
        Listing {
            filters: values
                .iter()
                .map(|(name, value)| Filter {
                    name: (*name).into(),
                    label: (*name).into(),
                    kind: FilterKind::Search,
                    value: (*value).into(),
                })
                .collect(),
            page: Page {
                items: vec![0; total.min(50) as usize],
                page: 1,
                per_page: 50,
                total_items: total,
            },
            error: None,
        }
    }

    #[test]
    fn only_chosen_filters_travel_in_links() {
        let l = listing(&[("council", "E08000003"), ("ending", "")], 3);
        assert_eq!(
            l.query_pairs(),
            vec![("council".to_owned(), "E08000003".to_owned())]
        );
        assert_eq!(l.value_of("council"), "E08000003");
        assert_eq!(l.value_of("ending"), "");
        assert_eq!(l.value_of("missing"), "");
    }

    #[test]
    fn the_count_reads_as_a_sentence() {
        assert_eq!(
            listing(&[], 120).shown("contracts", "None"),
            "Showing 1 to 50 of 120 contracts"
        );
        assert_eq!(listing(&[], 0).shown("contracts", "None"), "None");
    }
}
