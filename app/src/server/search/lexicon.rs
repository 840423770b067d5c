//! What the index's title and body dictionaries hold, as the typo rules
//! ask it ([`Lexicon`]): which stems exist, and which words are known well.
//!
//! A typo asks whether each of its ~450 one-edit variants' stems exists,
//! and almost none does. Asking tantivy's term dictionaries (an FST per
//! field and segment) costs a walk of up to four FSTs for each miss, which
//! was about half of a typo's 0.3 ms of lookups. So each segment's title
//! and body terms are also kept as a set of hashes ([`SegmentTerms`],
//! worked out once per segment by the warmer): a miss is one probe a
//! segment, and only what the set holds (the real stems, and the rare
//! hash that merely collides) is confirmed in the dictionaries.
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::sync::Arc;

use foldhash::fast::FixedState;
use tantivy::{InvertedIndexReader, Searcher, SegmentReader, Term};

use super::schema::{BODY, Fields, TITLE};
use super::segment_cache::SegmentCache;

/// A word in at least one document in this many is known well.
const KNOWN_WORD_SHARE: u64 = 1_000;
/// …and in at least this many documents, however small the index.
const KNOWN_WORD_MIN_DOCS: u64 = 5;

/// The hash a term is kept under (fixed seed: the same in every process).
fn term_hash(term: &[u8]) -> u64 {
    FixedState::default().hash_one(term)
}

/// The hashes of every term of one segment's title and body dictionaries.
pub(super) struct SegmentTerms {
    hashes: HashSet<u64, FixedState>,
}

impl SegmentTerms {
    /// Reads the segment's title and body dictionaries (a schema without
    /// them, as in some tests, has none).
    fn collect(reader: &SegmentReader) -> tantivy::Result<Self> {
        let mut hashes = HashSet::with_hasher(FixedState::default());
        for name in [TITLE, BODY] {
            let Ok(field) = reader.schema().get_field(name) else {
                continue;
            };
            let dictionary = reader.inverted_index(field)?;
            let terms = dictionary.terms();
            hashes.reserve(terms.num_terms());
            let mut stream = terms.stream()?;
            while stream.advance() {
                hashes.insert(term_hash(stream.key()));
            }
        }
        Ok(SegmentTerms { hashes })
    }

    /// False when no title or body of the segment has `stem`; true when
    /// one may (a hash can collide: confirm in the dictionaries).
    fn may_have(&self, stem: &str) -> bool {
        self.hashes.contains(&term_hash(stem.as_bytes()))
    }

    /// How many distinct hashes the set holds.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.hashes.len()
    }
}

/// Each segment's term set ([`super::segment_cache::SegmentWarmer`] reads
/// a new segment's when a reader reloads).
pub(super) static TERMS: SegmentCache<SegmentTerms> = SegmentCache::new();

/// The term set of `reader`'s segment, read now when no warmer has.
pub(super) fn terms(reader: &SegmentReader) -> tantivy::Result<Arc<SegmentTerms>> {
    TERMS.get_or_build(reader, SegmentTerms::collect)
}

/// One segment as the lexicon asks it.
struct SegmentLexicon {
    /// `None` when the set could not be read: the dictionaries answer alone.
    terms: Option<Arc<SegmentTerms>>,
    /// Its body and title dictionaries, opened once per search: a typo
    /// asks them about its variants, and opening a field's inverted index
    /// for every question cost a sixth of such a search.
    dictionaries: Vec<Arc<InvertedIndexReader>>,
}

/// What the title and body dictionaries hold, for one search.
pub struct Lexicon<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    segments: Vec<SegmentLexicon>,
    /// Documents a word must be in to be known well.
    well_known: u64,
}

impl<'a> Lexicon<'a> {
    pub fn of(searcher: &'a Searcher, fields: &'a Fields) -> Self {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| SegmentLexicon {
                terms: terms(segment).ok(),
                dictionaries: [fields.body, fields.title]
                    .into_iter()
                    .filter_map(|field| segment.inverted_index(field).ok())
                    .collect(),
            })
            .collect();
        Lexicon {
            searcher,
            fields,
            segments,
            well_known: (searcher.num_docs() / KNOWN_WORD_SHARE).max(KNOWN_WORD_MIN_DOCS),
        }
    }

    /// Whether any document has `stem` in its title or body. Asked of
    /// hundreds of variants a typo: a segment whose term set lacks the
    /// stem is passed over; otherwise its dictionaries say (no postings
    /// read).
    pub fn has(&self, stem: &str) -> bool {
        self.segments.iter().any(|segment| {
            segment.terms.as_ref().is_none_or(|t| t.may_have(stem))
                && segment.dictionaries.iter().any(|dictionary| {
                    matches!(dictionary.terms().get(stem.as_bytes()), Ok(Some(_)))
                })
        })
    }

    /// Whether a word (its stem) is in at least one document in
    /// [`KNOWN_WORD_SHARE`] (and [`KNOWN_WORD_MIN_DOCS`]): such a word is a
    /// word, not a typo, and expanding it to its neighbours would only add
    /// noise ("waste" to "paste") and the cost of matching them.
    pub fn knows_well(&self, stem: &str) -> bool {
        let in_docs = |field| {
            self.searcher
                .doc_freq(&Term::from_field_text(field, stem))
                .unwrap_or(0)
        };
        in_docs(self.fields.body).max(in_docs(self.fields.title)) >= self.well_known
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::search::document::{SearchDocument, to_tantivy};
    use crate::server::search::schema;
    use tantivy::Index;

    /// A product-schema index of `titles` (body "… services"), one segment
    /// a title, and its fields.
    fn index(titles: &[&str]) -> (Searcher, Fields) {
        let (schema_def, fields) = schema::build();
        let index = Index::create_in_ram(schema_def);
        schema::register(index.tokenizers());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        for title in titles {
            let doc = SearchDocument {
                title: (*title).into(),
                body: vec!["cleaning services".into()],
                reference: Some("RM6100".into()),
                ..Default::default()
            };
            writer.add_document(to_tantivy(&fields, &doc)).unwrap();
            writer.commit().unwrap();
        }
        (index.reader().unwrap().searcher(), fields)
    }

    /// Every title and body term of every segment, from the dictionaries.
    fn dictionary_terms(searcher: &Searcher, fields: &Fields) -> Vec<String> {
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            for field in [fields.title, fields.body] {
                let index = segment.inverted_index(field).unwrap();
                let mut stream = index.terms().stream().unwrap();
                while stream.advance() {
                    out.push(String::from_utf8(stream.key().to_vec()).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn the_lexicon_has_exactly_the_title_and_body_stems_of_every_segment() {
        let (searcher, fields) = index(&["Rock salt supply", "Gritting vehicles"]);
        assert_eq!(searcher.segment_readers().len(), 2);
        let lexicon = Lexicon::of(&searcher, &fields);
        let stems = dictionary_terms(&searcher, &fields);
        for stem in [
            "rock", "salt", "suppli", "grit", "vehicl", "clean", "servic",
        ] {
            assert!(stems.iter().any(|s| s == stem), "{stem} indexed");
        }
        for stem in &stems {
            assert!(lexicon.has(stem), "{stem} is in a title or body");
        }
        // Words as typed (unstemmed), near misses and a code are not stems
        // of a title or body.
        for absent in ["gritting", "vehicles", "salts", "sal", "rm6100", ""] {
            assert!(!lexicon.has(absent), "{absent:?} is no stem");
        }
        // Each segment's set holds its own terms only.
        let mut sizes: Vec<usize> = searcher
            .segment_readers()
            .iter()
            .map(|segment| terms(segment).unwrap().len())
            .collect();
        sizes.sort_unstable();
        assert_eq!(
            sizes,
            [4, 5],
            "grit vehicl clean servic; rock salt suppli clean servic"
        );
    }

    #[test]
    fn a_segment_whose_set_lacks_a_stem_is_not_asked_for_it() {
        let (searcher, fields) = index(&["Rock salt supply"]);
        let mut lexicon = Lexicon::of(&searcher, &fields);
        assert!(lexicon.has("salt"));
        // The set is what is asked first: one without "salt" (as if the
        // dictionary had gained it unseen) answers no for the segment.
        lexicon.segments[0].terms = Some(Arc::new(SegmentTerms {
            hashes: HashSet::with_hasher(FixedState::default()),
        }));
        assert!(!lexicon.has("salt"));
        // A set that holds a stem's hash (as a collision would) is not
        // believed: the dictionaries confirm.
        let mut colliding = HashSet::with_hasher(FixedState::default());
        colliding.insert(term_hash(b"pepper"));
        lexicon.segments[0].terms = Some(Arc::new(SegmentTerms { hashes: colliding }));
        assert!(!lexicon.has("pepper"));
        // Without a set, the dictionaries answer alone.
        lexicon.segments[0].terms = None;
        assert!(lexicon.has("salt"));
        assert!(!lexicon.has("pepper"));
    }

    #[test]
    fn a_word_is_known_well_from_its_share_of_documents() {
        // Five documents is the least a known word needs in a small index.
        let (searcher, fields) = index(&["Gritting", "Gritting", "Gritting", "Gritting", "Salt"]);
        let lexicon = Lexicon::of(&searcher, &fields);
        assert!(lexicon.knows_well("clean"), "in every body");
        assert!(!lexicon.knows_well("grit"), "in four documents");
        assert!(!lexicon.knows_well("salt"));
    }
}
