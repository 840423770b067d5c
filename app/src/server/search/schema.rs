//! The index's one schema: every field a search document has, what it is
//! for, and the analyzers that read text into terms.
//!
//! | field | kind | role |
//! |---|---|---|
//! | `key` | raw, stored | `kind:uuid`, the term a document is deleted by |
//! | `kind`, `id` | stored | which record a hit is |
//! | `title` | English text, stored | the name; matches weigh [`TITLE_BOOST`] times a body match |
//! | `body` | English text | description, summary, lot titles, buyer and supplier names |
//! | `excerpt` | stored | the body's opening ([`EXCERPT_CHARS`]): snippets come from here, so a hit reads and highlights a kilobyte, not the whole body |
//! | `reference` | code, stored | the record's own reference (RM6187, a notice id, a company number) |
//! | `codes` | code | related codes: CPV codes, call-off references, OCIDs |
//! | `subtitle` | stored | owner, buyer or supplier name shown under the title |
//! | `facets` | hierarchical facet | `/kind/…`, `/owner/…`, `/footprint/…`, `/cpv/45/453/4531/…`, `/sme/yes` |
//! | `eligible` | raw | who may use a framework or lot: `all`, `buyer_type:MD`, `region:…`, `nation:…`, `footprint:…` |
//! | `end_day` | i64 fast | last day (days since 1970), [`NO_END`] when open-ended: status and "ending soonest" |
//! | `newest_day` | i64 fast | the record's own date (published, awarded or started): "newest" |
//! | `value` | i64 fast | value in pence, [`NO_VALUE`] when unknown: range filter and sort |
//!
//! English text is lowercased, folded to ASCII and stemmed (Porter's English
//! stemmer), so "collection" finds "collections" and "café" finds "cafe".
//! Codes are kept whole and lowercased, so `RM6187` is one term.
use tantivy::IndexSettings;
use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    TokenizerManager,
};

/// The analyzer of English text fields.
pub const ENGLISH: &str = "pc_english";
/// The analyzer of codes: whole and lowercased.
pub const CODE: &str = "pc_code";

/// How much of the body is kept for snippets (characters).
pub const EXCERPT_CHARS: usize = 1_000;

/// How much more a title match weighs than a body match.
pub const TITLE_BOOST: f32 = 3.0;
/// How much more a record's own reference weighs than a body match: typing
/// RM6187 should put that framework before its call-offs.
pub const REFERENCE_BOOST: f32 = 8.0;
/// `end_day` of a record with no end (a framework without dates, a supplier).
pub const NO_END: i64 = i64::MAX;
/// `value` of a record with no value, below every real value.
pub const NO_VALUE: i64 = -1;

/// The schema's fields, looked up once.
#[derive(Clone, Debug)]
pub struct Fields {
    pub key: Field,
    pub kind: Field,
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub excerpt: Field,
    pub reference: Field,
    pub codes: Field,
    pub subtitle: Field,
    pub facets: Field,
    pub eligible: Field,
    pub end_day: Field,
    pub newest_day: Field,
    pub value: Field,
}

/// The field of titles (English, stemmed).
pub const TITLE: &str = "title";
/// The field of descriptive text (English, stemmed).
pub const BODY: &str = "body";

/// Builds the schema and returns it with its fields.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let english = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ENGLISH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let code = code_options();
    let fields = Fields {
        key: builder.add_text_field("key", STRING | STORED),
        kind: builder.add_text_field("kind", STORED),
        id: builder.add_text_field("id", STORED),
        title: builder.add_text_field(TITLE, english.clone().set_stored()),
        body: builder.add_text_field(BODY, english),
        excerpt: builder.add_text_field("excerpt", STORED),
        reference: builder.add_text_field("reference", code.clone().set_stored()),
        codes: builder.add_text_field("codes", code),
        subtitle: builder.add_text_field("subtitle", STORED),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
        eligible: builder.add_text_field("eligible", STRING),
        // Numbers are read from their columns only (status while counting,
        // the value range through tantivy's fast-field range query, the
        // sorts): indexing each value as a term too was a tenth of a
        // 10^6-document build.
        end_day: builder.add_i64_field("end_day", FAST | STORED),
        newest_day: builder.add_i64_field("newest_day", FAST),
        value: builder.add_i64_field("value", FAST | STORED),
    };
    (builder.build(), fields)
}

/// Text options of code fields.
fn code_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(CODE)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// Words of this many bytes or more (pasted hashes, URLs) are not indexed.
pub const LONGEST_WORD_BYTES: usize = 40;

/// The English analyzer: words of letters and digits, lowercased, folded
/// to ASCII, stemmed. Tokens over 40 bytes (pasted hashes, URLs) are dropped.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(super::stem::CachedEnglishStemmer)
        .build()
}

/// The words of a query as typed, for typo correction ([`super::typo`]):
/// as [`english_analyzer`], without stemming.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The code analyzer: the whole value, lowercased.
pub fn code_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Segments of more documents than this are not merged further by the
/// applier's writer: it merges the small segments its commits make, and
/// leaves alone the large ones a rebuild balanced across the cores
/// ([`super::applier::balance_segments`]), which merging would make one
/// again (one segment is read by one thread).
pub const MERGE_BELOW_DOCS: usize = 50_000;

/// How the applier's writer merges segments (see [`MERGE_BELOW_DOCS`]).
pub fn merge_policy() -> Box<dyn tantivy::merge_policy::MergePolicy> {
    let mut policy = tantivy::merge_policy::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MERGE_BELOW_DOCS);
    Box::new(policy)
}

/// Bytes of stored documents kept together in the document store.
const DOCSTORE_BLOCK_BYTES: usize = 4_096;

/// How an index keeps its stored fields: uncompressed, in small blocks. A
/// results page reads 20 documents from all over the index, each from its
/// own block. Compressed (LZ4, 16 KiB blocks), each read decompressed a
/// whole block into fresh memory, which was most of what a small query
/// cost beyond its repeat (0.58 against 0.29 ms for "weed spraying" in the
/// benchmark's mix; uncompressed 0.41 ms). The stored fields are a title,
/// an excerpt and a few names: keeping them plain costs disk (the 10^6
/// benchmark index 687 to 1,058 MiB), read through the page cache.
pub fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: tantivy::store::Compressor::None,
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

/// A new, empty index of `schema` in `dir`, with [`index_settings`].
pub fn create_in_dir(dir: &std::path::Path, schema: Schema) -> tantivy::Result<tantivy::Index> {
    tantivy::Index::builder()
        .schema(schema)
        .settings(index_settings())
        .create_in_dir(dir)
}

/// Readies an index for use: its analyzers, and a search pool with a
/// thread per core, so one search collects its segments side by side (the
/// latency of one search, not throughput, is what this buys).
pub fn prepare(index: &mut tantivy::Index) -> tantivy::Result<()> {
    register(index.tokenizers());
    index.set_default_multithread_executor()
}

/// Registers the analyzers on an index's tokenizer manager.
pub fn register(tokenizers: &TokenizerManager) {
    tokenizers.register(ENGLISH, english_analyzer());
    tokenizers.register(CODE, code_analyzer());
}

/// The terms `text` becomes in an English field: what a query word must be
/// turned into before it is looked up.
pub fn english_terms(text: &str) -> Vec<String> {
    terms(english_analyzer(), text)
}

/// The words `text` becomes before stemming.
pub fn plain_terms(text: &str) -> Vec<String> {
    terms(plain_analyzer(), text)
}

fn terms(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_text_is_lowercased_folded_and_stemmed() {
        assert_eq!(
            english_terms("Refuse Collections, Café"),
            ["refus", "collect", "cafe"]
        );
        // The stem of a word and of its plural agree, so either finds the other.
        assert_eq!(english_terms("vehicles"), english_terms("vehicle"));
    }

    #[test]
    fn codes_stay_whole() {
        assert_eq!(terms(code_analyzer(), "RM1557.13"), ["rm1557.13"]);
        assert_eq!(plain_terms("Spraying Cafés"), ["spraying", "cafes"]);
    }

    #[test]
    fn every_field_is_in_the_schema() {
        let (schema, fields) = build();
        assert_eq!(schema.get_field("title").ok(), Some(fields.title));
        assert_eq!(schema.get_field("value").ok(), Some(fields.value));
        assert_eq!(schema.get_field("excerpt").ok(), Some(fields.excerpt));
        // Only the excerpt of the body is kept: the body is indexed, not stored.
        assert!(!schema.get_field_entry(fields.body).is_stored());
        assert_eq!(schema.fields().count(), 14);
    }

    #[test]
    fn a_new_index_stores_its_documents_uncompressed() {
        let dir = std::env::temp_dir().join(format!("pc-schema-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let (schema, fields) = build();
        let index = create_in_dir(&dir, schema).unwrap();
        register(index.tokenizers());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let mut doc = tantivy::TantivyDocument::default();
        doc.add_text(fields.title, "Rock salt");
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        // The settings are the index's own: a reopened index keeps them.
        let reopened = tantivy::Index::open_in_dir(&dir).unwrap();
        assert_eq!(
            reopened.settings().docstore_compression,
            tantivy::store::Compressor::None
        );
        assert_eq!(reopened.settings().docstore_blocksize, DOCSTORE_BLOCK_BYTES);
        let searcher = reopened.reader().unwrap().searcher();
        let stored: tantivy::TantivyDocument =
            searcher.doc(tantivy::DocAddress::new(0, 0)).unwrap();
        use tantivy::schema::Value;
        assert_eq!(
            stored.get_first(fields.title).and_then(|v| v.as_str()),
            Some("Rock salt")
        );
        drop((searcher, reopened, writer, index));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
