//! Marking a results page's matches: the best passage of a title or an
//! excerpt, with the words that match the search marked.
//!
//! It chooses and marks exactly what tantivy's `SnippetGenerator` does (a
//! test compares the two on real notices' text), at a fraction of the
//! cost. The generator runs every word of the text through the field's
//! whole analyzer — lowercasing into a fresh token, folding, stemming,
//! then lowercasing the stem again into a new string to look it up — and a
//! page has twenty titles and twenty kilobyte excerpts, so that was the
//! largest fixed cost of a search. Here a word is analysed only when it
//! can match: an English stem begins with its word's first letter (the
//! stemmer rewrites endings only), so a word whose first letter begins no
//! searched stem is passed over after one comparison.
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher};

use super::schema::LONGEST_WORD_BYTES;
use crate::types::Highlighted;

/// What to mark in one field's text, for one search.
pub struct Marker {
    /// The searched stems in this field, each weighing as tantivy's
    /// generator weighs it: 1 / (1 + the documents that have it). A stem
    /// no document has is left out, as there.
    stems: Vec<(String, Score)>,
    /// The first characters of `stems`.
    first_chars: Vec<char>,
    analyzer: TextAnalyzer,
    /// Longest passage, in bytes of the text (tantivy counts bytes too).
    max_bytes: usize,
}

/// A run of words no longer than the passage limit.
struct Passage {
    score: Score,
    start: usize,
    end: usize,
    marked: Vec<Range<usize>>,
}

impl Passage {
    fn starting_at(start: usize) -> Self {
        Passage {
            score: 0.0,
            start,
            end: start,
            marked: Vec::new(),
        }
    }
}

impl Marker {
    /// The marker of `field` for `query`, whose terms in that field are the
    /// stems to mark, analysing words as the index analyses the field.
    pub fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        max_bytes: usize,
    ) -> tantivy::Result<Self> {
        let mut terms = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.push(term.clone());
            }
        });
        terms.sort();
        terms.dedup();
        let mut stems = Vec::new();
        for term in terms {
            let Some(text) = term.value().as_str().map(str::to_owned) else {
                continue;
            };
            let in_docs = searcher.doc_freq(&term)?;
            if in_docs > 0 {
                stems.push((text, 1.0 / (1.0 + in_docs as Score)));
            }
        }
        let analyzer = searcher.index().tokenizer_for_field(field)?;
        Ok(Self::of_stems(stems, analyzer, max_bytes))
    }

    fn of_stems(stems: Vec<(String, Score)>, analyzer: TextAnalyzer, max_bytes: usize) -> Self {
        let mut first_chars: Vec<char> =
            stems.iter().filter_map(|(s, _)| s.chars().next()).collect();
        first_chars.sort_unstable();
        first_chars.dedup();
        Marker {
            stems,
            first_chars,
            analyzer,
            max_bytes,
        }
    }

    /// The weight of `word` (a whole word of the text) if its stem is
    /// searched. `analyzer` is made on the first word that needs it.
    fn weight(&self, word: &str, analyzer: &mut Option<TextAnalyzer>) -> Option<Score> {
        let first = word.chars().next()?;
        // An ASCII first letter is the stem's first letter once lowercased;
        // any other (É, ß, ...) may fold to something else, so it is analysed.
        if first.is_ascii() && !self.first_chars.contains(&first.to_ascii_lowercase()) {
            return None;
        }
        let analyzer = analyzer.get_or_insert_with(|| self.analyzer.clone());
        let mut stream = analyzer.token_stream(word);
        let token = stream.next()?;
        self.stems
            .iter()
            .find(|(stem, _)| *stem == token.text)
            .map(|(_, weight)| *weight)
    }

    /// The best passage of `text` (the one whose marked words weigh most,
    /// the earliest of equals) with its matches marked; empty when nothing
    /// in `text` matches.
    pub fn mark(&self, text: &str) -> Highlighted {
        let mut analyzer = None;
        let mut best: Option<Passage> = None;
        let mut passage = Passage::starting_at(0);
        let mut keep = |passage: Passage| {
            if passage.score > 0.0 && best.as_ref().is_none_or(|b| passage.score > b.score) {
                best = Some(passage);
            }
        };
        for word in words(text) {
            if word.end - passage.start > self.max_bytes {
                keep(std::mem::replace(
                    &mut passage,
                    Passage::starting_at(word.start),
                ));
            }
            passage.end = word.end;
            if let Some(weight) = self.weight(&text[word.clone()], &mut analyzer) {
                passage.score += weight;
                passage.marked.push(word);
            }
        }
        keep(passage);
        let Some(best) = best else {
            return Highlighted::default();
        };
        let mut parts = Vec::with_capacity(best.marked.len() * 2 + 1);
        let mut at = best.start;
        for marked in best.marked {
            if marked.start > at {
                parts.push((text[at..marked.start].to_owned(), false));
            }
            at = marked.end;
            parts.push((text[marked].to_owned(), true));
        }
        if at < best.end {
            parts.push((text[at..best.end].to_owned(), false));
        }
        Highlighted(parts)
    }
}

/// The indexed words of `text` as byte ranges: runs of letters and digits,
/// as tantivy's `SimpleTokenizer` splits them, without those too long to
/// be indexed.
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices();
    std::iter::from_fn(move || {
        loop {
            let (start, _) = chars.find(|(_, c)| c.is_alphanumeric())?;
            let end = chars
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(text.len(), |(at, _)| at);
            if end - start < LONGEST_WORD_BYTES {
                return Some(start..end);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::search::schema::{english_analyzer, english_terms};
    use tantivy::snippet::SnippetGenerator;
    use tantivy::tokenizer::TokenStream;

    /// Text of real published notices: a bundled Contracts Finder export
    /// (titles, descriptions, addresses, URLs, odd characters and all).
    fn real_text() -> String {
        let file = crate::server::import::bundled::FILES
            .iter()
            .find(|f| f.name == "contracts_finder_open_2025.csv.gz")
            .expect("bundled file");
        let bytes = crate::server::import::decompressed(file.name, file.gzip.to_vec()).unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// tantivy's generator's marking of `text`, as [`Highlighted`].
    fn theirs(stems: &[(String, Score)], text: &str, max: usize) -> Highlighted {
        let terms = stems.iter().cloned().collect();
        let field = tantivy::schema::Schema::builder().add_text_field("t", tantivy::schema::TEXT);
        let generator = SnippetGenerator::new(terms, english_analyzer(), field, max);
        let snippet = generator.snippet(text);
        let fragment = snippet.fragment();
        let mut parts = Vec::new();
        let mut at = 0;
        for range in snippet.highlighted() {
            if range.start > at {
                parts.push((fragment[at..range.start].to_owned(), false));
            }
            parts.push((fragment[range.clone()].to_owned(), true));
            at = range.end;
        }
        if at < fragment.len() {
            parts.push((fragment[at..].to_owned(), false));
        }
        Highlighted(parts)
    }

    #[test]
    fn every_english_stem_begins_with_its_words_first_letter() {
        // What passing over words by their first letter rests on, over
        // every word of the real notices.
        let text = real_text();
        let mut checked = 0;
        for word in words(&text) {
            let word = &text[word];
            let Some(first) = word.chars().next().filter(char::is_ascii) else {
                continue;
            };
            for stem in english_terms(word) {
                assert_eq!(
                    stem.chars().next(),
                    Some(first.to_ascii_lowercase()),
                    "{word} → {stem}"
                );
                checked += 1;
            }
        }
        assert!(checked > 100_000, "{checked} words");
    }

    #[test]
    fn marks_what_tantivys_snippet_generator_marks() {
        let text = real_text();
        let lines: Vec<&str> = text.lines().collect();
        // Searches of one to three stems, weights as doc frequencies give.
        let searches: Vec<Vec<(String, Score)>> = [
            "cleaning",
            "housing repairs",
            "Café élan",
            "school transport services",
            "Council",
            "mental health",
            "2025 contract",
            "über straße",
            "https",
            "supply delivery",
        ]
        .iter()
        .map(|q| {
            english_terms(q)
                .into_iter()
                .enumerate()
                .map(|(i, s)| (s, 1.0 / (2.0 + i as Score)))
                .collect()
        })
        .collect();
        let mut marked = 0;
        for stems in &searches {
            let ours = Marker::of_stems(stems.clone(), english_analyzer(), 220);
            let long = Marker::of_stems(stems.clone(), english_analyzer(), 1_000);
            for line in &lines {
                let expected = theirs(stems, line, 220);
                marked += usize::from(!expected.0.is_empty());
                assert_eq!(ours.mark(line), expected, "{stems:?} in {line}");
                assert_eq!(long.mark(line), theirs(stems, line, 1_000), "{line}");
            }
        }
        assert!(marked > 1_000, "{marked} lines marked");
    }

    #[test]
    fn words_are_where_the_indexs_tokenizer_finds_them() {
        use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};
        let text = real_text();
        let mut tokenizer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
            .build();
        let mut stream = tokenizer.token_stream(&text);
        let mut theirs = Vec::new();
        while stream.advance() {
            theirs.push(stream.token().offset_from..stream.token().offset_to);
        }
        assert!(theirs.len() > 100_000);
        assert_eq!(words(&text).collect::<Vec<_>>(), theirs);
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_under_forty_bytes() {
        let text = "Ré-roofing, 4x4 vehicles; ".to_owned() + &"a".repeat(40) + " end";
        let found: Vec<&str> = words(&text).map(|r| &text[r]).collect();
        assert_eq!(found, ["Ré", "roofing", "4x4", "vehicles", "end"]);
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" — ").count(), 0);
        assert_eq!(words("ça").map(|r| r.len()).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn nothing_is_marked_when_nothing_matches() {
        let marker = Marker::of_stems(vec![("clean".into(), 0.5)], english_analyzer(), 220);
        assert_eq!(
            marker.mark("Road gritting and salt"),
            Highlighted::default()
        );
        let marked = marker.mark("Cleaning <b>offices</b>");
        assert_eq!(
            marked.0,
            [
                ("Cleaning".to_owned(), true),
                (" <b>offices</b".to_owned(), false)
            ]
        );
    }
}
