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

use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, EnableScoring, Occur,
    PhraseQuery, Query, RangeQuery, Scorer, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, DocSet, Order, Score, Searcher, SeekDangerResult, TantivyDocument, Term,
};

use super::document::{date_of_day, named_facet};
use super::facet_count::FacetTotals;
use super::lexicon::Lexicon;
use super::mark::Marker;
use super::query::{Phrase, SearchText, Word};
use super::schema::{Fields, NO_END, NO_VALUE, REFERENCE_BOOST, TITLE_BOOST};
use super::tally::{Tallied, Tally};
use crate::types::{EXPIRING_WITHIN_DAYS, Highlighted, SearchKind, SearchSort, SearchStatus};

/// Common words left out of the words every result must have (they stay in
/// quoted phrases). Only when a query is nothing but these are they sought.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of",
    "on", "or", "the", "to", "with",
];

/// How much a match of a typo's correction weighs next to the same match
/// of a word typed right.
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

/// What one typed word matches: its stems in the title and body, the word
/// whole as a code, and, for a word of five letters or more the index does
/// not know well, the corrections of one typo ([`super::typo`]), each
/// weighing [`TYPO_WEIGHT`] of what the word as typed would.
fn word_query(fields: &Fields, word: &Word, lexicon: &Lexicon) -> Option<Box<dyn Query>> {
    let stems = super::schema::english_terms(&word.text);
    let mut options = text_match(fields, &stems);
    options.extend(code_match(fields, &word.text));
    if word.fuzzy {
        for plain in super::schema::plain_terms(&word.text) {
            let known = super::schema::english_terms(&plain)
                .iter()
                .any(|stem| lexicon.knows_well(stem));
            if known {
                continue;
            }
            for correction in super::typo::corrections(&plain, |stem| lexicon.has(stem)) {
                options.extend(
                    text_match(fields, std::slice::from_ref(&correction))
                        .into_iter()
                        .map(|q| boosted(q, TYPO_WEIGHT)),
                );
            }
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

/// The text part of a search: what a match must have, and what ranks the
/// matches' best higher when their words stand side by side.
pub struct TextQuery {
    pub matching: Box<dyn Query>,
    /// Several words typed together are usually one name for one need
    /// ("home care", "insurance services"): among the best matches, those
    /// that have them side by side rank higher. It only adds to the score;
    /// it never excludes. Empty for one word. Kept apart (the title's and
    /// the body's), not as one union: a union's scorer reads thousands of
    /// documents ahead on every jump, which is what re-ranking a few
    /// hundred scattered documents must not do.
    pub together: Vec<Box<dyn Query>>,
}

/// The text part of a search, `None` when nothing was typed. `every` makes
/// each word required; otherwise any will do.
pub fn text_query(
    fields: &Fields,
    text: &SearchText,
    every: bool,
    lexicon: &Lexicon,
) -> Option<TextQuery> {
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
    let together = if words.len() > 1 {
        let joined: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let terms = super::schema::english_terms(&joined.join(" "));
        text_match(fields, &terms)
            .into_iter()
            .map(|q| boosted(q, ADJACENT_BOOST))
            .collect()
    } else {
        Vec::new()
    };
    let clauses: Vec<(Occur, Box<dyn Query>)> = words
        .into_iter()
        .filter_map(|w| word_query(fields, w, lexicon))
        .chain(text.phrases.iter().filter_map(|p| phrase_query(fields, p)))
        .map(|q| (occur, q))
        .collect();
    if clauses.is_empty() {
        return None;
    }
    Some(TextQuery {
        matching: Box::new(BooleanQuery::new(clauses)),
        together,
    })
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

/// How many of the best matches [`TextQuery::together`] re-ranks. Scoring
/// word positions is the dearest part of a search, so it is done for
/// these only, not for every match (with 10^5 matches it was most of the
/// time); a match outside them with its words side by side is rare and
/// would have needed a far better score from the words alone.
const RERANK_WINDOW: usize = 200;

/// What the pass over the matches found.
struct Pass {
    addresses: Vec<DocAddress>,
    total: u64,
    counts: FacetTotals,
    statuses: StatusCounts,
}

impl Pass {
    fn of<F>(addresses: Vec<DocAddress>, found: Tallied<F>) -> Self {
        Pass {
            addresses,
            total: found.total,
            counts: found.counts,
            statuses: found.statuses,
        }
    }
}

/// Adds to each candidate's score what each of `bonuses` scores on it,
/// and sorts again (best first, then index order).
fn rerank(
    searcher: &Searcher,
    bonuses: &[Box<dyn Query>],
    mut ranked: Vec<(Score, DocAddress)>,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let mut in_index_order: Vec<usize> = (0..ranked.len()).collect();
    in_index_order.sort_by_key(|&i| ranked[i].1);
    for bonus in bonuses {
        add_scores(searcher, &**bonus, &mut ranked, &in_index_order)?;
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(ranked)
}

/// Adds `bonus`'s score to each of `ranked` it matches, visiting them in
/// index order (`in_index_order`) so each segment's scorer only moves on.
fn add_scores(
    searcher: &Searcher,
    bonus: &dyn Query,
    ranked: &mut [(Score, DocAddress)],
    in_index_order: &[usize],
) -> tantivy::Result<()> {
    let weight = bonus.weight(EnableScoring::enabled_from_searcher(searcher))?;
    // Each candidate is only asked whether it matches ("seek danger"): a
    // plain seek to a candidate without the phrase would read on to the
    // next document that has it, checking positions all the way.
    // Per segment: its scorer, and the first document it could still match
    // (an answer "not found" may say the next match is further on).
    let mut scorer: Option<(u32, Box<dyn Scorer>, DocId)> = None;
    for &i in in_index_order {
        let address = ranked[i].1;
        let target = address.doc_id;
        let found = match &mut scorer {
            Some((segment, _, next)) if *segment == address.segment_ord && target < *next => {
                continue;
            }
            Some((segment, current, _)) if *segment == address.segment_ord => {
                current.seek_danger(target)
            }
            _ => {
                let reader = searcher.segment_reader(address.segment_ord);
                let (found, fresh) = weight.scorer_danger(reader, target, 1.0)?;
                scorer = Some((address.segment_ord, fresh, target));
                found
            }
        };
        let Some((_, current, next)) = &mut scorer else {
            continue;
        };
        match found {
            SeekDangerResult::Found => {
                ranked[i].0 += current.score();
                *next = target + 1;
            }
            SeekDangerResult::SeekLowerBound(bound) => *next = bound.max(target + 1),
        }
    }
    Ok(())
}

/// One pass over the matches of `text` and the filters (all but the kind,
/// which [`Tally`] applies so the other kinds are counted too): the page of
/// results in the order asked for, the exact total, the status and facet
/// counts.
fn ranked_pass(
    searcher: &Searcher,
    fields: &Fields,
    text: Option<&TextQuery>,
    request: &Request,
    cpv_root: &Facet,
) -> tantivy::Result<Pass> {
    let filters = &request.filters;
    let query = combine(
        text.map(|t| t.matching.box_clone()),
        filter_clauses(fields, filters, false),
    );
    fn tally<T>(request: &Request, cpv_root: &Facet, top: T) -> Tally<T> {
        Tally {
            today: request.today,
            status: request.filters.status,
            kind: request
                .filters
                .kind
                .map(|k| named_facet("kind", k.as_str())),
            roots: vec![
                Facet::from("/owner"),
                Facet::from("/footprint"),
                Facet::from("/sme"),
                cpv_root.clone(),
            ],
            top,
        }
    }
    let page = request.offset..request.offset + request.limit.max(1);
    let by_field = match (request.sort, text.is_some()) {
        (SearchSort::Relevance, true) => None,
        // Without words to rank by, newest first.
        (SearchSort::Relevance, false) | (SearchSort::Newest, _) => {
            Some(("newest_day", Order::Desc))
        }
        (SearchSort::EndingSoonest, _) => Some(("end_day", Order::Asc)),
        (SearchSort::Value, _) => Some(("value", Order::Desc)),
    };
    Ok(match by_field {
        None => {
            let bonuses = text.map_or(&[][..], |t| &t.together[..]);
            let window = if !bonuses.is_empty() {
                page.end.max(RERANK_WINDOW)
            } else {
                page.end
            };
            let mut found = searcher.search(
                &*query,
                &tally(
                    request,
                    cpv_root,
                    TopDocs::with_limit(window).order_by_score(),
                ),
            )?;
            let mut ranked = std::mem::take(&mut found.top);
            if !bonuses.is_empty() {
                ranked = rerank(searcher, bonuses, ranked)?;
            }
            let addresses = ranked
                .into_iter()
                .skip(page.start)
                .take(page.len())
                .map(|(_, a)| a)
                .collect();
            Pass::of(addresses, found)
        }
        Some((field, order)) => {
            let top = TopDocs::with_limit(page.len())
                .and_offset(page.start)
                .order_by_fast_field::<i64>(field, order);
            let mut found = searcher.search(&*query, &tally(request, cpv_root, top))?;
            let addresses = std::mem::take(&mut found.top)
                .into_iter()
                .map(|(_, a)| a)
                .collect();
            Pass::of(addresses, found)
        }
    })
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

/// Runs `request` on `searcher`: one pass over the matches (again with any
/// word enough, when no result has every word).
pub fn run(searcher: &Searcher, fields: &Fields, request: &Request) -> tantivy::Result<Found> {
    let mut relaxed = false;
    let lexicon = Lexicon::of(searcher, fields);
    let mut text = text_query(fields, &request.text, true, &lexicon);
    let cpv_root = request
        .filters
        .cpv
        .clone()
        .unwrap_or_else(|| Facet::from_path(["cpv"]));
    let mut found = ranked_pass(searcher, fields, text.as_ref(), request, &cpv_root)?;
    if found.total == 0 && request.text.words.len() + request.text.phrases.len() > 1 {
        // No result has every word: any word will do, best matches first.
        text = text_query(fields, &request.text, false, &lexicon);
        found = ranked_pass(searcher, fields, text.as_ref(), request, &cpv_root)?;
        relaxed = found.total > 0;
    }
    let Pass {
        addresses,
        total,
        counts,
        statuses,
    } = found;
    let marked: Box<dyn Query> =
        text.map_or_else(|| Box::new(EmptyQuery) as Box<dyn Query>, |t| t.matching);
    let title_marker = Marker::new(searcher, &*marked, fields.title, 1_000)?;
    let body_marker = Marker::new(searcher, &*marked, fields.body, SNIPPET_CHARS)?;
    // Reading the stored documents and marking their snippets is a fifth
    // of a search: the page's results are shared among the cores, as the
    // segments were.
    let hit_of = |address: DocAddress| -> tantivy::Result<Option<Hit>> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let (Some(kind), Some(id)) = (
            stored_text(&doc, fields.kind).and_then(|k| SearchKind::parse(&k)),
            stored_text(&doc, fields.id).and_then(|i| uuid::Uuid::parse_str(&i).ok()),
        ) else {
            return Ok(None);
        };
        let title_text = stored_text(&doc, fields.title).unwrap_or_default();
        let mut title = title_marker.mark(&title_text);
        if title.0.is_empty() {
            title = Highlighted(vec![(title_text, false)]);
        }
        let excerpt = stored_text(&doc, fields.excerpt).unwrap_or_default();
        let mut snippet = body_marker.mark(&excerpt);
        if snippet.0.is_empty() {
            // Nothing matched in the excerpt: its opening instead.
            let opening: String = excerpt.chars().take(SNIPPET_CHARS).collect();
            if !opening.is_empty() {
                snippet = Highlighted(vec![(opening, false)]);
            }
        }
        Ok(Some(Hit {
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
        }))
    };
    let hits: Vec<Hit> = searcher
        .index()
        .search_executor()
        .map(hit_of, addresses.into_iter())?
        .into_iter()
        .flatten()
        .collect();
    let kinds = SearchKind::ALL
        .into_iter()
        .map(|k| {
            let facet = named_facet("kind", k.as_str());
            let count = counts
                .children_of(&Facet::from("/kind"))
                .find(|(f, _)| **f == facet)
                .map_or(0, |(_, c)| c);
            (k, count)
        })
        .collect();
    Ok(Found {
        hits,
        total,
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
        // Alone, and with a word typed right: both words found, so the
        // search needed no relaxing (where "weed" alone would find it).
        assert_eq!(
            ids(&run_on(&docs, &request("spraiyng"))),
            [1],
            "a transposition is one edit"
        );
        let both = run_on(&docs, &request("weed spraiyng"));
        assert_eq!((ids(&both), both.relaxed), (vec![1], false));
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
    fn every_candidate_with_the_words_side_by_side_gets_the_bonus() {
        // The same words, as many of them, in every description: side by
        // side in the even ones, apart in the odd, so only the bonus tells
        // them apart. The last record has them side by side in its title,
        // so the title's phrase is first found far past the first
        // candidates, and each candidate is still asked in turn.
        let mut docs: Vec<SearchDocument> = (1..=12)
            .map(|n| {
                let body = if n % 2 == 0 {
                    "home care adult services"
                } else {
                    "care home adult services"
                };
                doc(n, DocumentKind::Contract, "Adult services", body)
            })
            .collect();
        docs.push(doc(13, DocumentKind::Contract, "Home care", ""));
        let found = ids(&run_on(&docs, &request("home care")));
        assert_eq!(found, [13, 2, 4, 6, 8, 10, 12, 1, 3, 5, 7, 9, 11]);
        // Past the first page the order still holds.
        let mut second = request("home care");
        second.offset = 5;
        second.limit = 4;
        assert_eq!(ids(&run_on(&docs, &second)), [10, 12, 1, 3]);
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
        // Statuses count the chosen kind's matches only.
        assert_eq!(found.statuses.live, 1);
    }

    #[test]
    fn counts_and_the_page_are_exact_over_many_batches_of_matches() {
        // Several batches of the tally (and a part batch), with kinds,
        // statuses, footprints and CPV codes varying from match to match.
        let kinds = [
            DocumentKind::Contract,
            DocumentKind::Framework,
            DocumentKind::Lot,
        ];
        let n = 3 * super::super::tally::BATCH as u128 + 7;
        let docs: Vec<SearchDocument> = (1..=n)
            .map(|i| {
                let mut d = doc(i, kinds[i as usize % 3], "Gritting", "");
                // One in four ended, the others open-ended.
                if i % 4 == 0 {
                    d.end = Some(date!(2020 - 01 - 01));
                }
                d.footprints = vec![["GMCA", "WYCA"][i as usize % 2].into()];
                d.cpv = vec![
                    ["34144431", "44113910", "34144000"][i as usize % 3 / 2 + i as usize % 2]
                        .into(),
                ];
                d
            })
            .collect();
        let expect =
            |keep: &dyn Fn(&SearchDocument) -> bool| docs.iter().filter(|d| keep(d)).count() as u64;
        let live = |d: &SearchDocument| d.end.is_none();
        let contract = |d: &SearchDocument| d.kind == Some(DocumentKind::Contract);
        let (searcher, fields) = index(&docs);

        let found = run(&searcher, &fields, &request("gritting")).unwrap();
        assert_eq!(found.total, expect(&live));
        assert_eq!(found.statuses.expired, expect(&|d| !live(d)));
        let count = |found: &Found, name: &str| {
            found
                .footprints
                .iter()
                .find(|(f, _)| f == name)
                .map_or(0, |(_, c)| *c)
        };
        assert_eq!(
            count(&found, "GMCA"),
            expect(&|d| live(d) && d.footprints[0] == "GMCA")
        );
        assert_eq!(
            count(&found, "WYCA"),
            expect(&|d| live(d) && d.footprints[0] == "WYCA")
        );
        let division = |found: &Found, code: &str| {
            found
                .cpv
                .iter()
                .find(|(c, _)| c == code)
                .map_or(0, |(_, c)| *c)
        };
        assert_eq!(
            division(&found, "34"),
            expect(&|d| live(d) && d.cpv[0].starts_with("34"))
        );
        assert_eq!(
            division(&found, "44"),
            expect(&|d| live(d) && d.cpv[0].starts_with("44"))
        );

        let mut r = request("gritting");
        r.filters.kind = Some(SearchKind::Contract);
        r.filters.status = SearchStatus::Any;
        r.limit = 1_000;
        let found = run(&searcher, &fields, &r).unwrap();
        assert_eq!(found.total, expect(&contract));
        let mut page = ids(&found);
        page.sort();
        let every_contract: Vec<u128> = docs
            .iter()
            .filter(|d| contract(d))
            .map(|d| d.id.as_u128())
            .collect();
        assert_eq!(
            page, every_contract,
            "the page has every match of the kind, once"
        );
        let kind_count = |k| found.kinds.iter().find(|(kind, _)| *kind == k).unwrap().1;
        assert_eq!(
            kind_count(SearchKind::Lot),
            expect(&|d| d.kind == Some(DocumentKind::Lot))
        );
        assert_eq!(
            count(&found, "GMCA"),
            expect(&|d| contract(d) && d.footprints[0] == "GMCA")
        );
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
