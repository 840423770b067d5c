//! One page of a list, the same way for every list: one page size, pages
//! past the end clamped to the last, and the wire [`Page`] built once.
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, Select};

use crate::types::Page;

/// Rows per page on every list.
pub const PER_PAGE: u64 = 50;

/// One page of `query` (which must be fully ordered); a page past the end
/// shows the last page rather than an empty table. Returns (rows, page, total).
pub async fn fetch_page<E, C>(
    db: &C,
    query: Select<E>,
    page: u64,
) -> Result<(Vec<E::Model>, u64, u64), DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let paginator = query.paginate(db, PER_PAGE);
    let total_items = paginator.num_items().await?;
    let page = page.clamp(1, total_items.div_ceil(PER_PAGE).max(1));
    let rows = paginator.fetch_page(page - 1).await?;
    Ok((rows, page, total_items))
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
