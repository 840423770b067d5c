//! Wire types exchanged between server functions and the UI. They compile for
//! wasm as well, so nothing here may depend on sea-orm or tokio.
mod account;
mod catalogue;
pub mod commands;
mod demand;
mod error;
mod forms;
mod imports;
mod intents;
mod listing;
mod reference;
mod search;
pub mod validate;

pub use account::*;
pub use catalogue::*;
pub use demand::*;
pub use error::AppError;
pub use forms::*;
pub use imports::*;
pub use intents::*;
pub use listing::*;
pub use reference::*;
pub use search::*;

use serde::{Deserialize, Serialize};

/// One page of a longer list, with what the pagination component needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// 1-based page number actually shown (requests past the end are clamped).
    pub page: u64,
    pub per_page: u64,
    pub total_items: u64,
}

impl<T> Page<T> {
    pub fn total_pages(&self) -> u64 {
        self.total_items.div_ceil(self.per_page.max(1)).max(1)
    }

    /// 1-based position of the first item on this page (0 when empty).
    pub fn first_item_number(&self) -> u64 {
        if self.items.is_empty() {
            0
        } else {
            (self.page - 1) * self.per_page + 1
        }
    }

    pub fn last_item_number(&self) -> u64 {
        (self.page - 1) * self.per_page + self.items.len() as u64
    }
}

/// Formats a date the GOV.UK way: "7 May 2024".
pub fn format_date(date: &time::Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, page: u64, total: u64) -> Page<u8> {
        Page {
            items: vec![0; items],
            page,
            per_page: 50,
            total_items: total,
        }
    }

    #[test]
    fn page_numbers_describe_the_visible_slice() {
        let last = page(32, 8, 382);
        assert_eq!(last.total_pages(), 8);
        assert_eq!(last.first_item_number(), 351);
        assert_eq!(last.last_item_number(), 382);
        let empty = page(0, 1, 0);
        assert_eq!(empty.total_pages(), 1);
        assert_eq!(empty.first_item_number(), 0);
    }

    #[test]
    fn dates_read_like_govuk_dates() {
        let date = time::macros::date!(2024 - 05 - 07);
        assert_eq!(format_date(&date), "7 May 2024");
    }
}
