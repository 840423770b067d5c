//! What a visitor typed in the search box, read into words and phrases —
//! the pure core the index query is built from (issue 12).
//!
//! The reading never fails: quotes that do not pair up, field syntax
//! (`title:`), operators and overlong text are read as plain words, and
//! [`SearchText::notes`] says what was done so the page can tell the
//! visitor. Words of five letters or more tolerate one typo; words with
//! digits (RM6187, 45233141, 509_23) are codes and must match exactly.

/// Longest query read; the rest is left out (and the visitor told).
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words and phrases searched for; the rest are left out.
pub const MAX_CLAUSES: usize = 32;
/// Words this long or longer match with one edit (a typo).
pub const FUZZY_FROM_CHARS: usize = 5;

/// One word to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Lowercased.
    pub text: String,
    /// One edit allowed (a plain word of [`FUZZY_FROM_CHARS`] or more).
    pub fuzzy: bool,
}

/// Words that must appear together, in order ("refuse collection", or a
/// hyphenated word such as g-cloud).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    pub words: Vec<String>,
    /// A joined word with a digit (RM1557.13, 509/23), lowercased as
    /// written: it is also looked up whole as a code.
    pub code: Option<String>,
}

/// Why the query was not read exactly as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    UnpairedQuote,
    FieldSyntax,
    TooLong,
    TooManyWords,
}

impl Note {
    /// What the results page says.
    pub fn message(self) -> &'static str {
        match self {
            Note::UnpairedQuote => {
                "A quotation mark had no partner, so those words were searched for separately"
            }
            Note::FieldSyntax => {
                "Searches like \"title:\" are not supported, so the words were searched for as typed; use the filters to narrow the results"
            }
            Note::TooLong => "Only the first 500 characters of the search were used",
            Note::TooManyWords => "Only the first 32 words and phrases of the search were used",
        }
    }
}

/// A query, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchText {
    pub words: Vec<Word>,
    pub phrases: Vec<Phrase>,
    pub notes: Vec<Note>,
}

impl SearchText {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// Lowercase alphanumeric pieces (`509_23` stays whole: an owner's reference).
fn pieces(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Characters that join the parts of one written word: g-cloud, rm1557.10,
/// and/or, council's.
fn joins_a_word(c: char) -> bool {
    matches!(c, '-' | '.' | '/' | '\'' | '\u{2019}')
}

/// A word with a digit is a code (exact); other words of five characters
/// or more tolerate a typo.
fn word(text: String) -> Word {
    let is_code = text.chars().any(|c| c.is_ascii_digit());
    let fuzzy = !is_code && text.chars().count() >= FUZZY_FROM_CHARS;
    Word { text, fuzzy }
}

/// `title:` or `cpv:` at the start of a word: field syntax.
fn is_field_syntax(chunk: &str) -> bool {
    chunk
        .split_once(':')
        .is_some_and(|(before, _)| !before.is_empty() && before.chars().all(char::is_alphabetic))
}

/// Adds one word (or, when it has several parts, one phrase), up to
/// [`MAX_CLAUSES`]. `written` is the word as typed, when it was one word.
fn add(parts: Vec<String>, written: Option<&str>, out: &mut SearchText, clauses: &mut usize) {
    if parts.is_empty() {
        return;
    }
    *clauses += 1;
    if *clauses > MAX_CLAUSES {
        return;
    }
    if parts.len() == 1 {
        out.words.extend(parts.into_iter().map(word));
    } else {
        let code = written
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            });
        out.phrases.push(Phrase { words: parts, code });
    }
}

/// Reads what was typed. Never fails; see [`Note`].
pub fn read(typed: &str) -> SearchText {
    let mut out = SearchText::default();
    let mut text: String = typed.chars().take(MAX_QUERY_CHARS).collect();
    if typed.chars().nth(MAX_QUERY_CHARS).is_some() {
        out.notes.push(Note::TooLong);
        // Cut at a space, not through a word.
        if let Some(cut) = text.rfind(char::is_whitespace) {
            text.truncate(cut);
        }
    }
    // Curly quotes are quotes too.
    text = text.replace(['\u{201c}', '\u{201d}'], "\"");
    if text.matches('"').count() % 2 == 1 {
        out.notes.push(Note::UnpairedQuote);
        text = text.replace('"', " ");
    }
    let mut clauses = 0;
    // Split on quotes: odd segments were inside a pair, and are phrases.
    for (index, segment) in text.split('"').enumerate() {
        if index % 2 == 1 {
            add(pieces(segment), None, &mut out, &mut clauses);
            continue;
        }
        for chunk in segment.split_whitespace() {
            if is_field_syntax(chunk) && !out.notes.contains(&Note::FieldSyntax) {
                out.notes.push(Note::FieldSyntax);
            }
            let written_words =
                chunk.split(|c: char| !(c.is_alphanumeric() || c == '_' || joins_a_word(c)));
            for written in written_words {
                add(pieces(written), Some(written), &mut out, &mut clauses);
            }
        }
    }
    if clauses > MAX_CLAUSES {
        out.notes.push(Note::TooManyWords);
    }
    dedup(&mut out);
    out
}

/// The same word or phrase twice is looked for once.
fn dedup(out: &mut SearchText) {
    let mut seen = std::collections::HashSet::new();
    out.words.retain(|w| seen.insert(w.text.clone()));
    let mut seen = std::collections::HashSet::new();
    out.phrases.retain(|p| seen.insert(p.words.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(parsed: &SearchText) -> Vec<(&str, bool)> {
        parsed
            .words
            .iter()
            .map(|w| (w.text.as_str(), w.fuzzy))
            .collect()
    }

    fn phrases(parsed: &SearchText) -> Vec<Vec<&str>> {
        parsed
            .phrases
            .iter()
            .map(|p| p.words.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn words_of_five_letters_or_more_tolerate_a_typo_and_codes_do_not() {
        let parsed = read("Weed spraying RM6187 45233141 salt");
        assert_eq!(
            words(&parsed),
            [
                ("weed", false),
                ("spraying", true),
                ("rm6187", false),
                ("45233141", false),
                ("salt", false),
            ]
        );
        assert!(parsed.notes.is_empty());
    }

    #[test]
    fn quoted_and_hyphenated_words_are_phrases() {
        let parsed = read(r#""refuse collection vehicle" g-cloud hosting “rock salt”"#);
        assert_eq!(
            phrases(&parsed),
            [
                vec!["refuse", "collection", "vehicle"],
                vec!["g", "cloud"],
                vec!["rock", "salt"],
            ]
        );
        assert_eq!(words(&parsed), [("hosting", true)]);
        assert_eq!(parsed.phrases[1].code, None, "no digit: not a code");
    }

    #[test]
    fn joined_codes_are_also_kept_whole() {
        let parsed = read("RM1557.13, 509/23");
        let codes: Vec<_> = parsed.phrases.iter().map(|p| p.code.as_deref()).collect();
        assert_eq!(codes, [Some("rm1557.13"), Some("509/23")]);
    }

    #[test]
    fn an_unpaired_quote_falls_back_to_words_and_says_so() {
        let parsed = read(r#""housing management system"#);
        assert_eq!(parsed.notes, [Note::UnpairedQuote]);
        assert_eq!(
            words(&parsed),
            [("housing", true), ("management", true), ("system", true)]
        );
    }

    #[test]
    fn field_syntax_and_operators_are_read_as_words() {
        let parsed = read("title:(vans OR +cars) -minibus* ~ ^2 [a TO b]");
        assert_eq!(parsed.notes, [Note::FieldSyntax]);
        assert!(parsed.words.iter().any(|w| w.text == "title"));
        assert!(parsed.words.iter().any(|w| w.text == "minibus"));
        // Markup is just text to look for; nothing of it survives as syntax.
        let script = read("<script>alert(1)</script>");
        assert_eq!(
            words(&script),
            [("script", true), ("alert", true), ("1", false)]
        );
    }

    #[test]
    fn overlong_queries_are_cut_and_say_so() {
        let long = "procurement ".repeat(1_000);
        let parsed = read(&long);
        assert!(parsed.notes.contains(&Note::TooLong));
        assert_eq!(
            words(&parsed),
            [("procurement", true)],
            "repeats are looked for once"
        );
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        let parsed = super::read(&many);
        assert_eq!(parsed.words.len(), MAX_CLAUSES);
        assert!(parsed.notes.contains(&Note::TooManyWords));
    }

    #[test]
    fn empty_and_punctuation_only_queries_look_for_nothing() {
        assert!(read("").is_empty());
        assert!(read("  \" \" -- :: ").is_empty());
    }

    proptest::proptest! {
        /// Whatever is typed: no panic, at most the clause limit, and
        /// every word and phrase part a non-empty lowercase piece.
        #[test]
        fn any_text_reads_within_limits(typed in ".{0,700}") {
            let parsed = read(&typed);
            proptest::prop_assert!(parsed.words.len() + parsed.phrases.len() <= MAX_CLAUSES);
            for part in parsed.words.iter().map(|w| &w.text).chain(parsed.phrases.iter().flat_map(|p| &p.words)) {
                proptest::prop_assert!(!part.is_empty());
                proptest::prop_assert_eq!(part, &part.to_lowercase());
            }
        }
    }
}
