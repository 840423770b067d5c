//! English stemming with a memory of the stems already worked out.
//!
//! Stemming was a fifth of the work of indexing: every word of every title
//! and description goes through Porter's algorithm, yet text repeats its
//! words ("the", "services", "council"...). Searching stems too: each
//! search marks its snippets with a fresh copy of the analyzer, which
//! stems every word of the page's titles and excerpts. So the stems made
//! are remembered by each thread for its life ([`STEMS`], bounded by
//! [`REMEMBERED`]). Per thread, not shared: a map shared by every thread
//! (the first version, a sharded `DashMap`) took a lock for every word, and
//! with a search's two threads marking snippets side by side those locks
//! bounced between the cores; its lookups were a fifth of a small search
//! (perf, the search benchmark at 10^4 documents). A word new to a thread
//! costs one stemming, and a thread sees the same few thousand words
//! again and again. The stems are the algorithm's own, so nothing about
//! matching changes.
use std::cell::RefCell;
use std::collections::HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Stems a thread keeps before starting again (each word and its stem
/// about 80 bytes with the table: under 10 MB), more
/// than the distinct words of the catalogue's text.
const REMEMBERED: usize = 100_000;

thread_local! {
    /// Word → stem, for this thread.
    static STEMS: RefCell<HashMap<Box<str>, Box<str>, foldhash::fast::FixedState>> =
        RefCell::new(HashMap::with_hasher(foldhash::fast::FixedState::default()));
}

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
        let stemmer = &mut self.stemmer;
        STEMS.with_borrow_mut(|stems| {
            if let Some(stem) = stems.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            let stemmer = stemmer.get_or_insert_with(|| Stemmer::new(Algorithm::English));
            let stem = stemmer.stem(&token.text).into_owned();
            let word = std::mem::replace(&mut token.text, stem);
            if stems.len() >= REMEMBERED {
                stems.clear();
            }
            stems.insert(word.into_boxed_str(), token.text.as_str().into());
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Whether this thread remembers the stem of `word` (for tests).
#[cfg(test)]
fn remembered(word: &str) -> bool {
    STEMS.with_borrow(|stems| stems.contains_key(word))
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
