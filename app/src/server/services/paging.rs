//! One page of a list, the same way for every list: one page size, pages
//! past the end clamped to the last, and the wire [`Page`] built once.
use sea_orm::{ConnectionTrait, DbErr, PaginatorTrait, SelectorTrait};

use crate::types::Page;

/// Rows per page on every list.
pub const PER_PAGE: u64 = 50;

/// One page of `query` (a select or a selector of some columns; it must be
/// fully ordered); a page past the end
/// shows the last page rather than an empty table. Returns (rows, page, total).
pub async fn fetch_page<'db, C, Q>(
    db: &'db C,
    query: Q,
    page: u64,
) -> Result<(Vec<<Q::Selector as SelectorTrait>::Item>, u64, u64), DbErr>
where
    C: ConnectionTrait,
    Q: PaginatorTrait<'db, C>,
    Q::Selector: Send + Sync + 'db,
{
    let paginator = query.paginate(db, PER_PAGE);
    let total_items = paginator.num_items().await?;
    let page = page.clamp(1, total_items.div_ceil(PER_PAGE).max(1));
    let rows = paginator.fetch_page(page - 1).await?;
    Ok((rows, page, total_items))
}

/// One page of rows already in memory (in their order), clamped as
/// [`fetch_page`] clamps. Returns (rows, page).
pub fn slice_page<T: Clone>(rows: &[T], page: u64) -> (Vec<T>, u64) {
    let total = rows.len() as u64;
    let page = page.clamp(1, total.div_ceil(PER_PAGE).max(1));
    let start = ((page - 1) * PER_PAGE) as usize;
    let end = (start + PER_PAGE as usize).min(rows.len());
    (rows[start.min(end)..end].to_vec(), page)
}

/// The wire page for rows fetched by [`fetch_page`].
pub fn page_of<T>(items: Vec<T>, page: u64, total_items: u64) -> Page<T> {
    Page {
        items,
        page,
        per_page: PER_PAGE,
        total_items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_rows_in_memory_are_clamped_like_database_pages() {
        let rows: Vec<u64> = (1..=120).collect();
        assert_eq!(slice_page(&rows, 1), ((1..=50).collect(), 1));
        assert_eq!(slice_page(&rows, 3), ((101..=120).collect(), 3));
        // Past the end: the last page; before the start: the first.
        assert_eq!(slice_page(&rows, 9).1, 3);
        assert_eq!(slice_page(&rows, 0).1, 1);
        assert_eq!(slice_page::<u64>(&[], 4), (Vec::new(), 1));
    }
}
