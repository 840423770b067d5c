//! Running a search on a searcher: the query built from what was typed and
//! the filters, the top results with highlighted title and snippet, the
//! exact total, and the facet counts. No database here: the service turns
//! facet paths into labels.
//!
//! Every typed word must match (in the title, body or as a code); when that
//! finds nothing and there were several words, the search is run again
//! with any word matching, and says so. Filters never change the order.
//! Facet counts are "disjunctive" for kind and status: each counts as if its
//! own choice were not made, so the other kinds stay visible and choosable.
use std::ops::Bound;

use tantivy::collector::{Collector, Count, FilterCollector, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use super::document::{date_of_day, named_facet};
use super::facet_count::{FacetCounter, FacetTotals};
use super::query::{Phrase, SearchText, Word};
use super::schema::{Fields, NO_END, NO_VALUE, REFERENCE_BOOST, TITLE_BOOST};
use crate::types::{EXPIRING_WITHIN_DAYS, Highlighted, SearchKind, SearchSort, SearchStatus};

/// Common words left out of the words every result must have (they stay in
/// quoted phrases). Only when a query is nothing but these are they sought.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of",
    "on", "or", "the", "to", "with",
];

/// How much a typo match weighs next to an exact title match (a typo match
/// scores a constant, so this is its whole score).
const TYPO_WEIGHT: f32 = 0.5;
/// How much words found side by side, as typed, add (see [`text_query`]).
const ADJACENT_BOOST: f32 = 2.0;
/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 220;
/// How many owners and footprints a facet lists (the most frequent).
const FACET_VALUES: usize = 12;

/// What narrows a search, already checked.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub kind: Option<SearchKind>,
    pub status: SearchStatus,
    /// `/cpv/45/453`: the code and everything below it.
    pub cpv: Option<Facet>,
    pub owner: Option<String>,
    pub footprint: Option<String>,
    pub sme_only: bool,
    pub min_value_pence: Option<i64>,
    pub max_value_pence: Option<i64>,
    /// Only frameworks and lots whose eligibility has one of these terms.
    pub eligible: Option<Vec<String>>,
}

/// One search to run.
#[derive(Clone, Debug)]
pub struct Request {
    pub text: SearchText,
    pub filters: Filters,
    pub sort: SearchSort,
    pub offset: usize,
    pub limit: usize,
    /// Today as a day number: what "live" and "expiring" are measured from.
    pub today: i64,
}

/// A result as the index holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub kind: SearchKind,
    pub id: uuid::Uuid,
    pub title: Highlighted,
    pub subtitle: String,
    pub snippet: Highlighted,
    pub reference: Option<String>,
    pub end: Option<time::Date>,
    pub value_pence: Option<i64>,
}

/// Counts per status (live includes expiring).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub live: u64,
    pub expiring: u64,
    pub expired: u64,
}

/// What a search found.
#[derive(Debug)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub kinds: Vec<(SearchKind, u64)>,
    pub statuses: StatusCounts,
    /// (child facet, count) under each root: owner, footprint, sme, and the
    /// CPV level below the chosen prefix.
    pub owners: Vec<(String, u64)>,
    pub footprints: Vec<(String, u64)>,
    pub sme: u64,
    /// (code prefix, count): the CPV level below the chosen one.
    pub cpv: Vec<(String, u64)>,
    /// Not every word matched in any result, so any word was enough.
    pub relaxed: bool,
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// Title and body matches of analysed terms: one term, or a phrase of several.
fn text_match(fields: &Fields, terms: &[String]) -> Vec<Box<dyn Query>> {
    let on = |field, boost| -> Option<Box<dyn Query>> {
        let query: Box<dyn Query> = match terms {
            [] => return None,
            [one] => term_query(Term::from_field_text(field, one)),
            many => Box::new(PhraseQuery::new(
                many.iter()
                    .map(|t| Term::from_field_text(field, t))
                    .collect(),
            )),
        };
        Some(boosted(query, boost))
    };
    [on(fields.title, TITLE_BOOST), on(fields.body, 1.0)]
        .into_iter()
        .flatten()
        .collect()
}

/// A code, whole: the record's own reference weighs most.
fn code_match(fields: &Fields, code: &str) -> Vec<Box<dyn Query>> {
    vec![
        boosted(
            term_query(Term::from_field_text(fields.reference, code)),
            REFERENCE_BOOST,
        ),
        term_query(Term::from_field_text(fields.codes, code)),
    ]
}

/// Whether the index knows a (plain, unstemmed) word well: such a word is
/// taken as typed, not as a possible typo. Made by [`known_words`].
pub type KnownWord<'a> = dyn Fn(&str) -> bool + 'a;

/// A word in at least one document in this many is known well.
const KNOWN_WORD_SHARE: u64 = 1_000;
/// …and in at least this many documents, however small the index.
const KNOWN_WORD_MIN_DOCS: u64 = 5;

/// Known words of the index `searcher` reads: a word found in at least one
/// document in [`KNOWN_WORD_SHARE`] is a word, not a typo. Expanding it to
/// its one-edit neighbours would only add noise ("waste" to "paste") and
/// the cost of matching them.
pub fn known_words<'a>(searcher: &'a Searcher, fields: &'a Fields) -> Box<KnownWord<'a>> {
    let threshold = (searcher.num_docs() / KNOWN_WORD_SHARE).max(KNOWN_WORD_MIN_DOCS);
    Box::new(move |word: &str| {
        searcher
            .doc_freq(&Term::from_field_text(fields.plain, word))
            .is_ok_and(|n| n >= threshold)
    })
}

/// What one typed word matches.
fn word_query(fields: &Fields, word: &Word, known: &KnownWord) -> Option<Box<dyn Query>> {
    let mut options = text_match(fields, &super::schema::english_terms(&word.text));
    options.extend(code_match(fields, &word.text));
    if word.fuzzy {
        for plain in super::schema::plain_terms(&word.text)
            .into_iter()
            .filter(|plain| !known(plain))
        {
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(fields.plain, &plain), 1, true);
            options.push(boosted(Box::new(fuzzy), TYPO_WEIGHT));
        }
    }
    (!options.is_empty()).then(|| any_of(options))
}

/// What one phrase matches.
fn phrase_query(fields: &Fields, phrase: &Phrase) -> Option<Box<dyn Query>> {
    let mut options = text_match(
        fields,
        &super::schema::english_terms(&phrase.words.join(" ")),
    );
    if let Some(code) = &phrase.code {
        options.extend(code_match(fields, code));
    }
    (!options.is_empty()).then(|| any_of(options))
}

/// The text part of a search, `None` when nothing was typed. `every` makes
/// each word required; otherwise any will do.
pub fn text_query(
    fields: &Fields,
    text: &SearchText,
    every: bool,
    known: &KnownWord,
) -> Option<Box<dyn Query>> {
    let content: Vec<&Word> = text
        .words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.text.as_str()))
        .collect();
    let words: Vec<&Word> = if content.is_empty() && text.phrases.is_empty() {
        text.words.iter().collect()
    } else {
        content
    };
    let occur = if every { Occur::Must } else { Occur::Should };
    // Several words typed together are usually one name for one need
    // ("home care", "insurance services"): records that have them side by
    // side rank higher. This only adds to the score; it never excludes.
    let together = (words.len() > 1).then(|| {
        let joined: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let terms = super::schema::english_terms(&joined.join(" "));
        boosted(any_of(text_match(fields, &terms)), ADJACENT_BOOST)
    });
    let clauses: Vec<(Occur, Box<dyn Query>)> = words
        .into_iter()
        .filter_map(|w| word_query(fields, w, known))
        .chain(text.phrases.iter().filter_map(|p| phrase_query(fields, p)))
        .map(|q| (occur, q))
        .collect();
    if clauses.is_empty() {
        return None;
    }
    let mut clauses = clauses;
    clauses.extend(together.map(|q| (Occur::Should, q)));
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// A filter: matches without scoring.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn facet_query(fields: &Fields, facet: &Facet) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_facet(fields.facets, facet),
        IndexRecordOption::Basic,
    ))
}

fn range(field: tantivy::schema::Field, low: Bound<i64>, high: Bound<i64>) -> Box<dyn Query> {
    let term = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
        Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(term(low), term(high)))
}

/// Whether a record ending on day `end` has `status` on day `today`: the
/// one statement of the status rule (the filter and the counts use it).
pub fn status_admits(status: SearchStatus, today: i64, end: i64) -> bool {
    match status {
        SearchStatus::Any => true,
        SearchStatus::Live => end >= today,
        SearchStatus::ExpiringSoon => end >= today && end <= today + EXPIRING_WITHIN_DAYS,
        SearchStatus::Expired => end < today,
    }
}

/// The filters as query clauses, but for status (applied while collecting,
/// so its counts come from the same pass) and, with `with_kind` false, kind
/// (for the kind counts).
fn filter_clauses(
    fields: &Fields,
    filters: &Filters,
    with_kind: bool,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out = Vec::new();
    if with_kind && let Some(kind) = filters.kind {
        out.push(filter(facet_query(
            fields,
            &named_facet("kind", kind.as_str()),
        )));
    }
    if let Some(cpv) = &filters.cpv {
        out.push(filter(facet_query(fields, cpv)));
    }
    if let Some(owner) = &filters.owner {
        out.push(filter(facet_query(fields, &named_facet("owner", owner))));
    }
    if let Some(footprint) = &filters.footprint {
        out.push(filter(facet_query(
            fields,
            &named_facet("footprint", footprint),
        )));
    }
    if filters.sme_only {
        out.push(filter(facet_query(fields, &named_facet("sme", "yes"))));
    }
    if filters.min_value_pence.is_some() || filters.max_value_pence.is_some() {
        let low = filters.min_value_pence.unwrap_or(0).max(0);
        let high = filters
            .max_value_pence
            .map_or(Bound::Unbounded, Bound::Included);
        out.push(filter(range(fields.value, Bound::Included(low), high)));
    }
    if let Some(terms) = &filters.eligible {
        let usable = Term::from_field_text;
        let kinds = any_of(
            [SearchKind::Framework, SearchKind::Lot]
                .into_iter()
                .map(|k| facet_query(fields, &named_facet("kind", k.as_str())))
                .collect(),
        );
        out.push(filter(kinds));
        let allowed: Box<dyn Query> = if terms.is_empty() {
            Box::new(EmptyQuery)
        } else {
            Box::new(TermSetQuery::new(
                terms.iter().map(|t| usable(fields.eligible, t)),
            ))
        };
        out.push(filter(allowed));
    }
    out
}

fn combine(text: Option<Box<dyn Query>>, filters: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    let mut clauses = filters;
    match text {
        Some(text) => clauses.push((Occur::Must, text)),
        None => clauses.push((Occur::Must, Box::new(AllQuery))),
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Counts documents by the status their `end_day` gives them today.
struct StatusCounter {
    today: i64,
}

struct SegmentStatusCounter {
    today: i64,
    end_day: tantivy::columnar::Column<i64>,
    counts: StatusCounts,
}

impl Collector for StatusCounter {
    type Fruit = StatusCounts;
    type Child = SegmentStatusCounter;

    fn for_segment(
        &self,
        _segment: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentStatusCounter {
            today: self.today,
            end_day: reader.fast_fields().i64("end_day")?,
            counts: StatusCounts::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<StatusCounts>) -> tantivy::Result<StatusCounts> {
        Ok(parts
            .into_iter()
            .fold(StatusCounts::default(), |a, b| StatusCounts {
                live: a.live + b.live,
                expiring: a.expiring + b.expiring,
                expired: a.expired + b.expired,
            }))
    }
}

impl SegmentCollector for SegmentStatusCounter {
    type Fruit = StatusCounts;

    fn collect(&mut self, doc: u32, _score: tantivy::Score) {
        let end = self.end_day.first(doc).unwrap_or(NO_END);
        let has = |status| status_admits(status, self.today, end);
        self.counts.live += u64::from(has(SearchStatus::Live));
        self.counts.expiring += u64::from(has(SearchStatus::ExpiringSoon));
        self.counts.expired += u64::from(has(SearchStatus::Expired));
    }

    fn harvest(self) -> StatusCounts {
        self.counts
    }
}

/// What one pass over the matches collects.
struct Pass {
    addresses: Vec<DocAddress>,
    total: usize,
    counts: FacetTotals,
    statuses: StatusCounts,
}

/// One pass over `query`'s matches: status counts of them all; of those
/// with the chosen status, the page of results (ranked by `top`), the exact
/// count and the facet counts.
fn pass<T, K>(
    searcher: &Searcher,
    query: &dyn Query,
    request: &Request,
    facets: FacetCounter,
    top: T,
) -> tantivy::Result<Pass>
where
    T: Collector<Fruit = Vec<(K, DocAddress)>>,
{
    let (status, today) = (request.filters.status, request.today);
    let chosen = FilterCollector::new(
        "end_day".to_owned(),
        move |end: i64| status_admits(status, today, end),
        (top, Count, facets),
    );
    let (statuses, (ranked, total, counts)) =
        searcher.search(query, &(StatusCounter { today }, chosen))?;
    Ok(Pass {
        addresses: ranked.into_iter().map(|(_, a)| a).collect(),
        total,
        counts,
        statuses,
    })
}

/// [`pass`] with the order the request asks for.
fn ranked_pass(
    searcher: &Searcher,
    query: &dyn Query,
    request: &Request,
    has_text: bool,
    facets: FacetCounter,
) -> tantivy::Result<Pass> {
    let window = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
    let by_field = match (request.sort, has_text) {
        (SearchSort::Relevance, true) => None,
        // Without words to rank by, newest first.
        (SearchSort::Relevance, false) | (SearchSort::Newest, _) => {
            Some(("newest_day", Order::Desc))
        }
        (SearchSort::EndingSoonest, _) => Some(("end_day", Order::Asc)),
        (SearchSort::Value, _) => Some(("value", Order::Desc)),
    };
    match by_field {
        None => pass(searcher, query, request, facets, window.order_by_score()),
        Some((field, order)) => pass(
            searcher,
            query,
            request,
            facets,
            window.order_by_fast_field::<i64>(field, order),
        ),
    }
}

fn highlighted(snippet: &Snippet) -> Highlighted {
    let text = snippet.fragment();
    let mut parts = Vec::new();
    let mut at = 0;
    for range in snippet.highlighted() {
        if range.start > at {
            parts.push((text[at..range.start].to_owned(), false));
        }
        parts.push((text[range.clone()].to_owned(), true));
        at = range.end;
    }
    if at < text.len() {
        parts.push((text[at..].to_owned(), false));
    }
    Highlighted(parts)
}

fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_owned))
}

fn stored_i64(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<i64> {
    doc.get_first(field).and_then(|v| v.as_i64())
}

/// The children of `root` in `counts`, most frequent first, at most `limit`.
fn children(counts: &FacetTotals, root: &Facet, limit: usize) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = counts
        .children_of(root)
        .filter_map(|(facet, count)| {
            facet
                .to_path()
                .last()
                .map(|name| ((*name).to_owned(), count))
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(limit);
    out
}

/// Counts of owners, footprints, SME, the CPV level below `cpv_root`, and
/// (unless a kind is chosen: then they need their own pass) kinds.
fn facet_counter(cpv_root: &Facet, with_kinds: bool) -> FacetCounter {
    let mut roots: Vec<Facet> = ["/owner", "/footprint", "/sme"]
        .into_iter()
        .map(Facet::from)
        .collect();
    if with_kinds {
        roots.push(Facet::from("/kind"));
    }
    roots.push(cpv_root.clone());
    FacetCounter::new(roots)
}

/// Runs `request` on `searcher`: one pass over the matches, and a second
/// for the kind counts only when a kind is chosen (they leave it out).
pub fn run(searcher: &Searcher, fields: &Fields, request: &Request) -> tantivy::Result<Found> {
    let mut relaxed = false;
    let known = known_words(searcher, fields);
    let mut text = text_query(fields, &request.text, true, &*known);
    let has_text = text.is_some();
    let filters = &request.filters;
    let cpv_root = filters
        .cpv
        .clone()
        .unwrap_or_else(|| Facet::from_path(["cpv"]));
    let kind_chosen = filters.kind.is_some();
    let query_of = |text: &Option<Box<dyn Query>>, with_kind: bool| {
        combine(
            text.as_ref().map(|q| q.box_clone()),
            filter_clauses(fields, filters, with_kind),
        )
    };
    let mut query = query_of(&text, true);
    let mut found = ranked_pass(
        searcher,
        &*query,
        request,
        has_text,
        facet_counter(&cpv_root, !kind_chosen),
    )?;
    if found.total == 0 && request.text.words.len() + request.text.phrases.len() > 1 {
        // No result has every word: any word will do, best matches first.
        text = text_query(fields, &request.text, false, &*known);
        query = query_of(&text, true);
        found = ranked_pass(
            searcher,
            &*query,
            request,
            has_text,
            facet_counter(&cpv_root, !kind_chosen),
        )?;
        relaxed = found.total > 0;
    }
    let Pass {
        addresses,
        total,
        counts,
        statuses,
    } = found;
    let kind_counts = if kind_chosen {
        let (status, today) = (filters.status, request.today);
        let by_kind = FacetCounter::new([Facet::from("/kind")]);
        searcher.search(
            &*query_of(&text, false),
            &FilterCollector::new(
                "end_day".to_owned(),
                move |end: i64| status_admits(status, today, end),
                by_kind,
            ),
        )?
    } else {
        counts.clone()
    };
    let mut title_snippets = SnippetGenerator::create(searcher, &*query, fields.title)?;
    title_snippets.set_max_num_chars(1_000);
    let mut body_snippets = SnippetGenerator::create(searcher, &*query, fields.body)?;
    body_snippets.set_max_num_chars(SNIPPET_CHARS);
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        let (Some(kind), Some(id)) = (
            stored_text(&doc, fields.kind).and_then(|k| SearchKind::parse(&k)),
            stored_text(&doc, fields.id).and_then(|i| uuid::Uuid::parse_str(&i).ok()),
        ) else {
            continue;
        };
        let title_text = stored_text(&doc, fields.title).unwrap_or_default();
        let mut title = highlighted(&title_snippets.snippet(&title_text));
        if title.0.is_empty() {
            title = Highlighted(vec![(title_text, false)]);
        }
        let excerpt = stored_text(&doc, fields.excerpt).unwrap_or_default();
        let mut snippet = highlighted(&body_snippets.snippet(&excerpt));
        if snippet.0.is_empty() {
            // Nothing matched in the excerpt: its opening instead.
            let opening: String = excerpt.chars().take(SNIPPET_CHARS).collect();
            if !opening.is_empty() {
                snippet = Highlighted(vec![(opening, false)]);
            }
        }
        hits.push(Hit {
            kind,
            id,
            title,
            subtitle: stored_text(&doc, fields.subtitle).unwrap_or_default(),
            snippet,
            reference: stored_text(&doc, fields.reference),
            end: stored_i64(&doc, fields.end_day)
                .filter(|d| *d != NO_END)
                .and_then(date_of_day),
            value_pence: stored_i64(&doc, fields.value).filter(|v| *v != NO_VALUE),
        });
    }
    let kinds = SearchKind::ALL
        .into_iter()
        .map(|k| {
            let facet = named_facet("kind", k.as_str());
            let count = kind_counts
                .children_of(&Facet::from("/kind"))
                .find(|(f, _)| **f == facet)
                .map_or(0, |(_, c)| c);
            (k, count)
        })
        .collect();
    Ok(Found {
        hits,
        total: total as u64,
        kinds,
        statuses,
        owners: children(&counts, &Facet::from("/owner"), FACET_VALUES),
        footprints: children(&counts, &Facet::from("/footprint"), FACET_VALUES),
        sme: children(&counts, &Facet::from("/sme"), 1)
            .first()
            .map_or(0, |(_, c)| *c),
        cpv: children(&counts, &cpv_root, usize::MAX),
        relaxed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::changes::DocumentKind;
    use crate::server::search::document::{SearchDocument, day_number, to_tantivy};
    use crate::server::search::{query, schema};
    use tantivy::Index;
    use time::macros::date;
    use uuid::Uuid;

    const TODAY: time::Date = date!(2026 - 12 - 05);

    fn doc(n: u128, kind: DocumentKind, title: &str, body: &str) -> SearchDocument {
        SearchDocument {
            kind: Some(kind),
            id: Uuid::from_u128(n),
            title: title.into(),
            body: vec![body.into()],
            ..Default::default()
        }
    }

    fn index(docs: &[SearchDocument]) -> (Searcher, Fields) {
        let (schema_def, fields) = schema::build();
        let index = Index::create_in_ram(schema_def);
        schema::register(index.tokenizers());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for d in docs {
            writer.add_document(to_tantivy(&fields, d)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), fields)
    }

    fn request(text: &str) -> Request {
        Request {
            text: query::read(text),
            filters: Filters::default(),
            sort: SearchSort::Relevance,
            offset: 0,
            limit: 20,
            today: day_number(TODAY),
        }
    }

    fn ids(found: &Found) -> Vec<u128> {
        found.hits.iter().map(|h| h.id.as_u128()).collect()
    }

    fn run_on(docs: &[SearchDocument], request: &Request) -> Found {
        let (searcher, fields) = index(docs);
        run(&searcher, &fields, request).unwrap()
    }

    #[test]
    fn title_matches_outrank_body_matches_and_words_are_stemmed() {
        let docs = [
            doc(
                1,
                DocumentKind::Contract,
                "Grounds maintenance",
                "including refuse collection vehicles",
            ),
            doc(
                2,
                DocumentKind::Framework,
                "Refuse collection vehicle",
                "supply of vehicles",
            ),
            doc(
                3,
                DocumentKind::Contract,
                "Library books",
                "children's books",
            ),
        ];
        let found = run_on(&docs, &request("refuse collection vehicles"));
        assert_eq!(ids(&found), [2, 1]);
        assert_eq!(found.total, 2);
    }

    #[test]
    fn one_typo_is_forgiven_in_words_of_five_letters_or_more() {
        let docs = [
            doc(1, DocumentKind::Contract, "Weed spraying", "highways"),
            doc(2, DocumentKind::Contract, "Road salt", "winter"),
        ];
        assert_eq!(ids(&run_on(&docs, &request("sprayimg"))), [1]);
        assert_eq!(
            ids(&run_on(&docs, &request("weed spraiyng"))),
            [1],
            "a transposition is one edit"
        );
        // Four letters: exact only.
        assert!(run_on(&docs, &request("wead")).hits.is_empty());
        assert!(
            run_on(&docs, &request("spryimgg")).hits.is_empty(),
            "two edits is too many"
        );
    }

    #[test]
    fn a_word_the_index_knows_well_is_taken_as_typed() {
        // "waste" is in five documents (the least a known word needs in a
        // small index), "paste" in one: "waste" is a word, not a typo of it.
        let mut docs: Vec<SearchDocument> = (1..=5)
            .map(|n| doc(n, DocumentKind::Contract, "Waste collection", ""))
            .collect();
        docs.push(doc(6, DocumentKind::Contract, "Paste and adhesives", ""));
        assert_eq!(ids(&run_on(&docs, &request("waste"))), [1, 2, 3, 4, 5]);
        // "paste" is known in one document only: its neighbours still count.
        let paste = ids(&run_on(&docs, &request("paste")));
        assert_eq!(paste[0], 6);
        assert_eq!(paste.len(), 6);
        // A word the index lacks is read as a typo.
        assert_eq!(run_on(&docs, &request("wastr")).total, 5);
    }

    #[test]
    fn words_side_by_side_rank_above_the_same_words_apart() {
        let docs = [
            doc(
                1,
                DocumentKind::Contract,
                "Care services at home and in the community",
                "",
            ),
            doc(2, DocumentKind::Contract, "Home care services", ""),
        ];
        assert_eq!(ids(&run_on(&docs, &request("home care"))), [2, 1]);
    }

    #[test]
    fn quoted_phrases_need_their_words_together() {
        let docs = [
            doc(1, DocumentKind::Contract, "Rock salt supply", ""),
            doc(2, DocumentKind::Contract, "Salt for rock gardens", ""),
        ];
        assert_eq!(ids(&run_on(&docs, &request("\"rock salt\""))), [1]);
        assert_eq!(run_on(&docs, &request("rock salt")).total, 2);
    }

    #[test]
    fn a_reference_finds_its_own_record_before_those_that_mention_it() {
        let mut framework = doc(1, DocumentKind::Framework, "Technology Services 3", "");
        framework.reference = Some("RM6100".into());
        let mut call_off = doc(2, DocumentKind::Contract, "IT support", "");
        call_off.codes = vec!["RM6100".into()];
        let other = doc(3, DocumentKind::Contract, "RM6100 review", "");
        let found = run_on(&[call_off, other, framework], &request("rm6100"));
        assert_eq!(ids(&found)[0], 1);
        assert_eq!(found.total, 3);
    }

    #[test]
    fn a_cpv_prefix_includes_everything_below_it_and_counts_the_next_level() {
        let mut a = doc(1, DocumentKind::Contract, "Resurfacing", "");
        a.cpv = vec!["45233141".into()];
        let mut b = doc(2, DocumentKind::Contract, "Bridge works", "");
        b.cpv = vec!["45221100".into()];
        let mut c = doc(3, DocumentKind::Contract, "Software", "");
        c.cpv = vec!["48000000".into()];
        let docs = [a, b, c];
        let all = run_on(&docs, &request(""));
        assert_eq!(all.cpv, [("45".to_owned(), 2), ("48".to_owned(), 1)]);
        let mut r = request("");
        r.filters.cpv = crate::server::search::document::cpv_prefix_facet("45");
        let found = run_on(&docs, &r);
        assert_eq!(found.total, 2);
        assert_eq!(found.cpv, [("452".to_owned(), 2)]);
        r.filters.cpv = crate::server::search::document::cpv_prefix_facet("4523");
        assert_eq!(ids(&run_on(&docs, &r)), [1]);
    }

    #[test]
    fn ended_records_are_hidden_unless_asked_for_and_statuses_are_counted() {
        let mut ended = doc(1, DocumentKind::Framework, "Road salt 2019", "");
        ended.end = Some(date!(2020 - 01 - 01));
        let mut ending = doc(2, DocumentKind::Framework, "Road salt 2023", "");
        ending.end = Some(date!(2027 - 02 - 01));
        let mut later = doc(3, DocumentKind::Framework, "Road salt 2026", "");
        later.end = Some(date!(2030 - 01 - 01));
        let open = doc(4, DocumentKind::Supplier, "Salt Ltd", "");
        let docs = [ended, ending, later, open];
        let found = run_on(&docs, &request("salt"));
        assert_eq!(found.total, 3);
        assert_eq!(
            found.statuses,
            StatusCounts {
                live: 3,
                expiring: 1,
                expired: 1
            }
        );
        let mut r = request("salt");
        r.filters.status = SearchStatus::Expired;
        assert_eq!(ids(&run_on(&docs, &r)), [1]);
        r.filters.status = SearchStatus::ExpiringSoon;
        assert_eq!(ids(&run_on(&docs, &r)), [2]);
        r.filters.status = SearchStatus::Any;
        assert_eq!(run_on(&docs, &r).total, 4);
        r.sort = SearchSort::EndingSoonest;
        assert_eq!(ids(&run_on(&docs, &r)), [1, 2, 3, 4], "open-ended last");
    }

    #[test]
    fn only_what_a_council_can_use_keeps_eligible_frameworks_and_lots() {
        let mut national = doc(1, DocumentKind::Framework, "Vehicles national", "");
        national.eligible = vec!["all".into()];
        let mut gm = doc(2, DocumentKind::Lot, "Vehicles Greater Manchester", "");
        gm.eligible = vec!["footprint:GMCA".into()];
        let mut wy = doc(3, DocumentKind::Framework, "Vehicles West Yorkshire", "");
        wy.eligible = vec!["footprint:WYCA".into()];
        let contract = doc(4, DocumentKind::Contract, "Vehicles bought", "");
        let docs = [national, gm, wy, contract];
        let mut r = request("vehicles");
        assert_eq!(run_on(&docs, &r).total, 4);
        r.filters.eligible = Some(vec!["all".into(), "footprint:GMCA".into()]);
        let mut found = ids(&run_on(&docs, &r));
        found.sort();
        assert_eq!(found, [1, 2]);
        r.filters.eligible = Some(Vec::new());
        assert_eq!(run_on(&docs, &r).total, 0);
    }

    #[test]
    fn matches_are_marked_and_markup_stays_text() {
        let docs = [doc(
            1,
            DocumentKind::Offer,
            "<script>alert(1)</script> cleaning",
            "Office cleaning <b>services</b> for councils",
        )];
        let found = run_on(&docs, &request("<script> cleaning"));
        let hit = &found.hits[0];
        assert!(hit.title.0.contains(&("script".to_owned(), true)));
        let title: String = hit.title.0.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(title, "<script>alert(1)</script> cleaning");
        assert!(hit.snippet.0.contains(&("cleaning".to_owned(), true)));
    }

    #[test]
    fn when_no_result_has_every_word_any_word_will_do() {
        let docs = [
            doc(1, DocumentKind::Contract, "Housing repairs", ""),
            doc(2, DocumentKind::Contract, "Leisure management", ""),
        ];
        let found = run_on(&docs, &request("housing zebra"));
        assert!(found.relaxed);
        assert_eq!(ids(&found), [1]);
        let strict = run_on(&docs, &request("housing repairs"));
        assert!(!strict.relaxed);
    }

    #[test]
    fn kind_counts_ignore_the_kind_chosen_and_facets_count_the_results() {
        let mut a = doc(1, DocumentKind::Framework, "Salt", "");
        a.owner = Some("ESPO".into());
        let mut b = doc(2, DocumentKind::Contract, "Salt", "");
        b.footprints = vec!["GMCA".into()];
        b.sme = true;
        let docs = [a, b];
        let mut r = request("salt");
        r.filters.kind = Some(SearchKind::Contract);
        let found = run_on(&docs, &r);
        assert_eq!(found.total, 1);
        let count = |k| found.kinds.iter().find(|(kind, _)| *kind == k).unwrap().1;
        assert_eq!(count(SearchKind::Framework), 1);
        assert_eq!(count(SearchKind::Contract), 1);
        assert_eq!(found.footprints, [("GMCA".to_owned(), 1)]);
        assert!(
            found.owners.is_empty(),
            "the framework is not among the results"
        );
        assert_eq!(found.sme, 1);
    }

    #[test]
    fn stop_words_are_not_required_unless_they_are_all_there_is() {
        let docs = [doc(1, DocumentKind::Contract, "Supply of rock salt", "")];
        assert_eq!(run_on(&docs, &request("the rock salt")).total, 1);
        assert_eq!(run_on(&docs, &request("of")).total, 1);
    }

    #[test]
    fn value_ranges_leave_out_unknown_values() {
        let mut cheap = doc(1, DocumentKind::Contract, "Salt", "");
        cheap.value_pence = Some(1_000_000);
        let mut dear = doc(2, DocumentKind::Contract, "Salt", "");
        dear.value_pence = Some(100_000_000);
        let unknown = doc(3, DocumentKind::Contract, "Salt", "");
        let docs = [cheap, dear, unknown];
        let mut r = request("salt");
        r.filters.max_value_pence = Some(5_000_000);
        assert_eq!(ids(&run_on(&docs, &r)), [1]);
        r.filters.max_value_pence = None;
        r.filters.min_value_pence = Some(5_000_000);
        assert_eq!(ids(&run_on(&docs, &r)), [2]);
        r.filters.min_value_pence = None;
        r.sort = SearchSort::Value;
        assert_eq!(ids(&run_on(&docs, &r)), [2, 1, 3]);
    }
}
