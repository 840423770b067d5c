//! English stemming with a memory of the stems already worked out.
//!
//! Stemming was a fifth of the work of indexing: every word of every title
//! and description goes through Porter's algorithm, yet text repeats its
//! words ("the", "services", "council"...). Each analyzer keeps the stems
//! it has made (bounded, see [`REMEMBERED`]), so a word is stemmed once per
//! indexing thread rather than once per occurrence. The stems are the
//! algorithm's own, so nothing about matching changes.
use std::collections::HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Stems kept before starting again: about 10 MB at most, far more than
/// the distinct words of the catalogue's text.
const REMEMBERED: usize = 200_000;

/// The filter: English stems, remembered.
#[derive(Clone, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: HashMap::new(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    /// word → stem, for this analyzer (each indexing thread has its own).
    stems: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.stems.len() > REMEMBERED {
            self.stems.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: None,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut HashMap<String, String>,
    /// Made on the first word not remembered.
    stemmer: Option<Stemmer>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.stems.get(&token.text) {
            Some(stem) => {
                token.text.clear();
                token.text.push_str(stem);
            }
            None => {
                let stemmer = self
                    .stemmer
                    .get_or_insert_with(|| Stemmer::new(Algorithm::English));
                let stem = stemmer.stem(&token.text).into_owned();
                let word = std::mem::replace(&mut token.text, stem.clone());
                self.stems.insert(word, stem);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
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
        let mut analyzer = ours;
        // Twice through one analyzer: the second time every stem is remembered.
        for _ in 0..2 {
            assert_eq!(tokens(analyzer.clone(), text), expected);
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {}
        }
    }
}
