//! GOV.UK pagination: previous/next links and page numbers, built as plain
//! links so it works without JavaScript.
use leptos::prelude::*;

/// The page numbers to show: first, last, and the current page with its
/// neighbours; `None` marks a gap drawn as an ellipsis.
pub fn page_window(current: u64, last: u64) -> Vec<Option<u64>> {
    let mut shown: Vec<u64> = [1, current.saturating_sub(1), current, current + 1, last]
        .into_iter()
        .filter(|p| (1..=last).contains(p))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut window = Vec::new();
    for (i, page) in shown.iter().enumerate() {
        if i > 0 && page - shown[i - 1] > 1 {
            window.push(None);
        }
        window.push(Some(*page));
    }
    window
}

/// `path?query&page=N`, with the query pairs percent-encoded.
pub fn page_href(path: &str, query: &[(String, String)], page: u64) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in query {
        serializer.append_pair(key, value);
    }
    if page > 1 {
        serializer.append_pair("page", &page.to_string());
    }
    let query = serializer.finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[component]
pub fn Pagination(
    #[prop(into)] path: String,
    /// Query pairs to keep on every link (the active filters).
    query: Vec<(String, String)>,
    current: u64,
    last: u64,
) -> impl IntoView {
    if last <= 1 {
        return ().into_any();
    }
    let href = move |page: u64| page_href(&path, &query, page);
    let previous = (current > 1).then(|| {
        view! {
            <div class="govuk-pagination__prev">
                <a class="govuk-link govuk-pagination__link" href=href(current - 1) rel="prev">
                    <span class="govuk-pagination__link-title">
                        "Previous"<span class="govuk-visually-hidden">" page"</span>
                    </span>
                </a>
            </div>
        }
    });
    let next = (current < last).then(|| {
        view! {
            <div class="govuk-pagination__next">
                <a class="govuk-link govuk-pagination__link" href=href(current + 1) rel="next">
                    <span class="govuk-pagination__link-title">
                        "Next"<span class="govuk-visually-hidden">" page"</span>
                    </span>
                </a>
            </div>
        }
    });
    let items = page_window(current, last)
        .into_iter()
        .map(|entry| match entry {
            None => view! { <li class="govuk-pagination__item govuk-pagination__item--ellipsis">"⋯"</li> }.into_any(),
            Some(page) if page == current => view! {
                <li class="govuk-pagination__item govuk-pagination__item--current">
                    <a class="govuk-link govuk-pagination__link" href=href(page) aria-label=format!("Page {page}") aria-current="page">
                        {page}
                    </a>
                </li>
            }
            .into_any(),
            Some(page) => view! {
                <li class="govuk-pagination__item">
                    <a class="govuk-link govuk-pagination__link" href=href(page) aria-label=format!("Page {page}")>
                        {page}
                    </a>
                </li>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <nav class="govuk-pagination" aria-label="Pagination">
            {previous}
            <ul class="govuk-pagination__list">{items}</ul>
            {next}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_ends_and_neighbours() {
        assert_eq!(page_window(1, 1), vec![Some(1)]);
        assert_eq!(page_window(1, 8), vec![Some(1), Some(2), None, Some(8)]);
        assert_eq!(
            page_window(5, 8),
            vec![Some(1), None, Some(4), Some(5), Some(6), None, Some(8)]
        );
        assert_eq!(page_window(3, 4), vec![Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn links_keep_filters_and_encode_them() {
        let query = vec![("region".to_owned(), "Yorkshire and The Humber".to_owned())];
        assert_eq!(
            page_href("/councils", &query, 2),
            "/councils?region=Yorkshire+and+The+Humber&page=2"
        );
        assert_eq!(
            page_href("/councils", &query, 1),
            "/councils?region=Yorkshire+and+The+Humber"
        );
        assert_eq!(page_href("/councils", &[], 1), "/councils");
    }
}
