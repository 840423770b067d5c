//! English stemming with a memory of the stems already worked out.
//!
//! Stemming was a fifth of the work of indexing: every word of every title
//! and description goes through Porter's algorithm, yet text repeats its
//! words ("the", "services", "council"...). Searching stems too: each
//! search marks its snippets with a fresh copy of the analyzer, which
//! stems every word of the page's titles and excerpts. So the stems made
//! are remembered once for the process ([`STEMS`], bounded by
//! [`REMEMBERED`]), shared by the indexing threads and every search. The
//! stems are the algorithm's own, so nothing about matching changes.
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use dashmap::DashMap;
use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Stems kept before starting again: about 10 MB at most, far more than
/// the distinct words of the catalogue's text.
const REMEMBERED: usize = 200_000;

/// Word → stem. Sharded locks: readers on different cores rarely meet.
struct Memory {
    stems: DashMap<Box<str>, Box<str>, foldhash::fast::FixedState>,
    /// Stems added since the memory last started again.
    added: AtomicUsize,
}

static STEMS: LazyLock<Memory> = LazyLock::new(|| Memory {
    stems: DashMap::with_hasher(foldhash::fast::FixedState::default()),
    added: AtomicUsize::new(0),
});

/// The filter: English stems, remembered.
#[derive(Clone, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: None,
        }
    }
}

pub struct CachedStemmerStream<T> {
    tail: T,
    /// Made on the first word not remembered.
    stemmer: Option<Stemmer>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = STEMS.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(&stem);
            return true;
        }
        let stemmer = self
            .stemmer
            .get_or_insert_with(|| Stemmer::new(Algorithm::English));
        let stem = stemmer.stem(&token.text).into_owned();
        let word = std::mem::replace(&mut token.text, stem);
        if STEMS.added.fetch_add(1, Ordering::Relaxed) >= REMEMBERED {
            // Two threads may both start again: harmless, a stem is a stem.
            STEMS.stems.clear();
            STEMS.added.store(0, Ordering::Relaxed);
        }
        STEMS
            .stems
            .insert(word.into_boxed_str(), token.text.as_str().into());
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Whether the stem of `word` is remembered (for tests).
#[cfg(test)]
fn remembered(word: &str) -> bool {
    STEMS.stems.contains_key(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{
        Language, LowerCaser, SimpleTokenizer, Stemmer as Theirs, TextAnalyzer,
    };

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn stems_are_tantivys_own_whether_remembered_or_not() {
        let text = "Refuse collections and collecting refuse: vehicles, vehicle \
                    maintenance, maintaining highways; the councils' housing repairs";
        let ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedEnglishStemmer)
            .build();
        let theirs = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Theirs::new(Language::English))
            .build();
        let expected = tokens(theirs, text);
        assert!(expected.contains(&"vehicl".to_owned()));
        // Twice: the second time (a fresh copy of the analyzer, as each
        // search makes) every stem is remembered.
        assert_eq!(tokens(ours.clone(), text), expected);
        assert!(remembered("collections") && remembered("maintaining"));
        assert_eq!(tokens(ours, text), expected);
    }
}
