//! Framework lists: the pure reader behind `server import frameworks`.
//!
//! Framework agreements, their lots and their suppliers' places are
//! published in several layouts; each file is recognised by its header (or,
//! for JSON, by its shape) and read into one [`FrameworkFile`]:
//!
//! | layout | header it is known by | gives |
//! |---|---|---|
//! | CCS website agreements | `rm_number, title, lots` | title, summary, description, benefits, how to buy, keywords, category, dates, lots (a Python-literal list) |
//! | framework titles | `reference, title, owner` | title and dates, one row per source statement |
//! | framework lots | `reference, lot_number, lot_name` | lots with descriptions |
//! | Data Submission Service lots | `framework_number, lot_number, lot_description` | lots |
//! | Data Submission Service suppliers | `framework_short_name` or `framework_number`, `lot_number, salesforce_id, supplier_name` | supplier places on lots |
//! | Crown Marketplace frameworks | `id, service, live_at, expires_at` | dates and service area |
//! | Crown Marketplace lots | `id, framework_id, number, name` | lots |
//! | DfE "Find a framework" JSON | an array of `{ref, title, supplier, …}` | frameworks of CCS and other owners |
//!
//! A framework is known by its owner and reference (`services::framework_imports`
//! matches them to the catalogue). Text that earlier tools decoded twice
//! (`Â£`, `√Ç¬£`) is repaired, HTML is made plain text, and lot numbers are
//! read the same way everywhere (`Lot 1a` and `1a` are one lot).
use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use time::Date;

use super::csv_rows::{Columns, Row, for_each_row};
use super::{Location, ReadError, call_off, text};

/// Longest framework reference the catalogue stores.
pub const MAX_REFERENCE_CHARS: usize = 64;
/// Longest lot number the catalogue stores.
pub const MAX_LOT_NUMBER_CHARS: usize = 16;
/// Longest framework or lot title the catalogue stores.
pub const MAX_TITLE_CHARS: usize = 400;

/// Which published layout a file is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FrameworkLayout {
    CcsWebsite,
    FrameworkTitles,
    FrameworkLots,
    DssLots,
    DssSuppliers,
    MarketplaceFrameworks,
    MarketplaceLots,
    DfeFrameworks,
}

impl FrameworkLayout {
    pub const ALL: [FrameworkLayout; 8] = [
        FrameworkLayout::DssLots,
        FrameworkLayout::DssSuppliers,
        FrameworkLayout::MarketplaceFrameworks,
        FrameworkLayout::MarketplaceLots,
        FrameworkLayout::FrameworkLots,
        FrameworkLayout::FrameworkTitles,
        FrameworkLayout::DfeFrameworks,
        FrameworkLayout::CcsWebsite,
    ];

    /// How authoritative the layout's statements are: the owner's own
    /// website (2026) above the DfE list (2019), above the titles and lots
    /// compiled from CCS databases, above the Crown Marketplace tables,
    /// above the 2018–19 Data Submission Service seed files. A framework
    /// stated by a more authoritative layout takes from a less
    /// authoritative one only what it lacks, so importing the lists again,
    /// in any order, changes nothing.
    pub fn authority(self) -> u8 {
        match self {
            FrameworkLayout::DssLots | FrameworkLayout::DssSuppliers => 0,
            FrameworkLayout::MarketplaceFrameworks | FrameworkLayout::MarketplaceLots => 1,
            FrameworkLayout::FrameworkLots => 2,
            FrameworkLayout::FrameworkTitles => 3,
            FrameworkLayout::DfeFrameworks => 4,
            FrameworkLayout::CcsWebsite => 5,
        }
    }

    /// The layout a stored label names.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.label() == label)
    }

    pub fn label(self) -> &'static str {
        match self {
            FrameworkLayout::CcsWebsite => "CCS website agreements",
            FrameworkLayout::FrameworkTitles => "framework titles",
            FrameworkLayout::FrameworkLots => "framework lots",
            FrameworkLayout::DssLots => "Data Submission Service lots",
            FrameworkLayout::DssSuppliers => "Data Submission Service supplier places",
            FrameworkLayout::MarketplaceFrameworks => "Crown Marketplace frameworks",
            FrameworkLayout::MarketplaceLots => "Crown Marketplace lots",
            FrameworkLayout::DfeFrameworks => "DfE Find a framework list",
        }
    }
}

/// A lot as a file states it. Some lists (the CCS website) give no number:
/// the writer matches those by title, or numbers them by their place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LotEntry {
    pub number: Option<String>,
    pub title: String,
    pub description: Option<String>,
}

/// What a file says about one framework. `None` means "not stated here":
/// the writer leaves what the catalogue has.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FrameworkEntry {
    /// The first row that named it.
    pub line: u64,
    pub owner: String,
    pub reference: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub benefits: Option<String>,
    pub how_to_buy: Option<String>,
    pub keywords: Option<String>,
    pub category: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub url: Option<String>,
    pub lots: Vec<LotEntry>,
}

/// A supplier's place on a lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlaceEntry {
    pub line: u64,
    pub owner: String,
    pub reference: String,
    pub lot_number: String,
    /// The owner's own key for the supplier (a CCS Salesforce id).
    pub supplier_key: String,
    pub supplier_name: String,
}

/// One framework file, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FrameworkFile {
    pub layout: FrameworkLayout,
    pub frameworks: Vec<FrameworkEntry>,
    pub places: Vec<PlaceEntry>,
    /// Rows or values left out, each naming its line and why.
    pub warnings: Vec<String>,
}

impl FrameworkFile {
    /// Frameworks, lots and places: what the run's summary counts as read.
    pub fn records(&self) -> usize {
        self.frameworks.len()
            + self.frameworks.iter().map(|f| f.lots.len()).sum::<usize>()
            + self.places.len()
    }
}

pub const CCS: &str = "Crown Commercial Service";

/// An owner as the catalogue names it: initials the lists use for a body
/// whose name is longer are spelled out; other names are kept as written.
pub fn canonical_owner(owner: &str) -> String {
    let owner = text::clean(owner).unwrap_or_default();
    let spelled = match owner.to_ascii_uppercase().as_str() {
        "CCS" | "CROWN COMMERCIAL SERVICE" => CCS,
        "DFE" | "DEPARTMENT FOR EDUCATION" => "Department for Education",
        "CPC" => "Crescent Purchasing Consortium",
        "SBS" => "NHS Shared Business Services",
        "KCS" => "KCS Procurement Services",
        _ => return owner,
    };
    spelled.to_owned()
}

/// `Lot 1a`, `lot 2:`, `1.2.2` → `1a`, `2`, `1.2.2`; `None` when nothing is left.
pub fn lot_number(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let without = match trimmed.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("lot") => &trimmed[3..],
        _ => trimmed,
    };
    let number = without.trim_matches(|c: char| c.is_whitespace() || c == ':' || c == '.');
    (!number.is_empty()).then(|| number.to_owned())
}

/// "Lot 3: Electrical Products" → (`3`, "Electrical Products").
static NUMBERED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*lot\s+(\d[0-9a-z.]{0,12})\s*[:\-–—]\s*(\S.*)$").expect("valid pattern")
});

/// Text that an earlier tool read as Mac Roman or Windows-1252 when it was
/// UTF-8 (once or twice over: `Â£`, `√Ç¬£` for `£`) is turned back; text
/// that does not re-encode to valid UTF-8 is left as it is.
pub fn repaired(value: &str) -> String {
    let mut current = value.to_owned();
    // Each layer of mojibake needs one round; three covers every file seen.
    for _ in 0..3 {
        if current.is_ascii() {
            break;
        }
        let undone = [encoding_rs::MACINTOSH, encoding_rs::WINDOWS_1252]
            .into_iter()
            .find_map(|encoding| {
                let (bytes, _, unmappable) = encoding.encode(&current);
                if unmappable {
                    return None;
                }
                String::from_utf8(bytes.into_owned())
                    .ok()
                    .filter(|t| *t != current)
            });
        match undone {
            Some(text) => current = text,
            None => break,
        }
    }
    current
}

static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^<>]*>").expect("valid pattern"));
static BLOCK_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<\s*(br|/p|/li|/div|/h[1-6])\b[^<>]*>").expect("valid pattern")
});

/// Published text as plain text: repaired, HTML tags dropped (block ends
/// become line breaks), entities decoded, spaces tidied; `None` when empty.
pub fn plain(value: &str) -> Option<String> {
    let value = repaired(value);
    let value = if value.contains('<') {
        let broken = BLOCK_END.replace_all(&value, "\n");
        TAG.replace_all(&broken, "").into_owned()
    } else {
        value
    };
    let decoded = html_escape::decode_html_entities(&value);
    let lines: Vec<String> = decoded.lines().filter_map(text::clean).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// One-line published text (titles), at most `max` characters.
fn plain_line(value: &str, max: usize) -> Option<String> {
    plain(value)
        .and_then(|v| text::clean(&v))
        .map(|v| text::at_most(v, max))
}

/// Reads a framework file in any of the layouts above (gzip or plain).
pub fn read(file: &str, bytes: Vec<u8>) -> Result<FrameworkFile, ReadError> {
    let bytes = super::decompressed(file, bytes)?;
    let first = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return read_dfe(file, &bytes);
    }
    let layout = csv_layout(file, &bytes)?;
    let mut reader = Reader::new(layout);
    match layout {
        FrameworkLayout::CcsWebsite => {
            for_each_row(file, &bytes, &WEBSITE, |row| reader.website(row))?
        }
        FrameworkLayout::FrameworkTitles => {
            for_each_row(file, &bytes, &TITLES, |row| reader.title(row))?
        }
        FrameworkLayout::FrameworkLots => {
            for_each_row(file, &bytes, &LOTS, |row| reader.derived_lot(row))?
        }
        FrameworkLayout::DssLots => {
            for_each_row(file, &bytes, &DSS_LOTS, |row| reader.dss_lot(row))?
        }
        FrameworkLayout::DssSuppliers => {
            for_each_row(file, &bytes, &DSS_SUPPLIERS, |row| reader.place(row))?
        }
        FrameworkLayout::MarketplaceFrameworks => {
            for_each_row(file, &bytes, &MARKETPLACE_FRAMEWORKS, |row| {
                reader.marketplace_framework(row)
            })?
        }
        FrameworkLayout::MarketplaceLots => for_each_row(file, &bytes, &MARKETPLACE_LOTS, |row| {
            reader.marketplace_lot(row)
        })?,
        FrameworkLayout::DfeFrameworks => unreachable!("JSON is read above"),
    }
    Ok(reader.finish())
}

const WEBSITE: Columns = Columns::new(
    &["rm_number", "title", "lots"],
    &[
        "start_date",
        "end_date",
        "expected_live_date",
        "summary",
        "description",
        "benefits",
        "how_to_buy",
        "keywords",
        "category",
    ],
);
const TITLES: Columns = Columns::new(
    &["reference", "title", "owner"],
    &["start_date", "end_date", "source_repo"],
);
const LOTS: Columns = Columns::new(
    &["reference", "lot_number", "lot_name"],
    &["lot_description", "owner"],
);
const DSS_LOTS: Columns = Columns::new(&["framework_number", "lot_number", "lot_description"], &[]);
const DSS_SUPPLIERS: Columns = Columns::new(
    &["lot_number", "salesforce_id", "supplier_name"],
    &["framework_short_name", "framework_number"],
);
const MARKETPLACE_FRAMEWORKS: Columns =
    Columns::new(&["id", "service", "live_at", "expires_at"], &[]);
const MARKETPLACE_LOTS: Columns = Columns::new(&["id", "framework_id", "number", "name"], &[]);

/// The layout whose columns the header has (checked in this order: the
/// more specific layouts first).
fn csv_layout(file: &str, bytes: &[u8]) -> Result<FrameworkLayout, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let header: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|h| h.trim().to_owned()).collect())
        .unwrap_or_default();
    let has = |columns: &[&str]| columns.iter().all(|c| header.iter().any(|h| h == c));
    let layouts: [(FrameworkLayout, &[&str]); 7] = [
        (FrameworkLayout::CcsWebsite, &["rm_number", "title", "lots"]),
        (
            FrameworkLayout::FrameworkLots,
            &["reference", "lot_number", "lot_name"],
        ),
        (
            FrameworkLayout::FrameworkTitles,
            &["reference", "title", "owner"],
        ),
        (
            FrameworkLayout::DssSuppliers,
            &["lot_number", "salesforce_id", "supplier_name"],
        ),
        (
            FrameworkLayout::DssLots,
            &["framework_number", "lot_number", "lot_description"],
        ),
        (
            FrameworkLayout::MarketplaceFrameworks,
            &["id", "service", "live_at", "expires_at"],
        ),
        (
            FrameworkLayout::MarketplaceLots,
            &["id", "framework_id", "number", "name"],
        ),
    ];
    layouts
        .iter()
        .find(|(_, columns)| has(columns))
        .map(|(layout, _)| *layout)
        .ok_or_else(|| ReadError {
            file: file.to_owned(),
            location: Some(Location::Line(1)),
            field: None,
            message: "the header row matches no framework layout (the README lists the \
                      columns each layout needs)"
                .into(),
        })
}

/// Accumulates rows into frameworks (kept in the order first met).
struct Reader {
    layout: FrameworkLayout,
    frameworks: BTreeMap<String, FrameworkEntry>,
    order: Vec<String>,
    /// Title statements per reference (framework titles layout).
    titles: BTreeMap<String, Vec<String>>,
    places: Vec<PlaceEntry>,
    warnings: Vec<String>,
}

impl Reader {
    fn new(layout: FrameworkLayout) -> Self {
        Reader {
            layout,
            frameworks: BTreeMap::new(),
            order: Vec::new(),
            titles: BTreeMap::new(),
            places: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The entry for `reference` of `owner`, made on first sight.
    fn entry(
        &mut self,
        row: &Row<'_>,
        column: &str,
        owner: &str,
    ) -> Result<&mut FrameworkEntry, ReadError> {
        let reference = reference(row, column)?;
        let key = reference.to_uppercase();
        if !self.frameworks.contains_key(&key) {
            self.order.push(key.clone());
        }
        Ok(self
            .frameworks
            .entry(key)
            .or_insert_with(|| FrameworkEntry {
                line: row.line,
                owner: canonical_owner(owner),
                reference,
                ..Default::default()
            }))
    }

    fn warn(&mut self, row: &Row<'_>, message: String) {
        self.warnings
            .push(format!("{}, line {}: {message}", row.file, row.line));
    }

    /// Adds a lot unless the framework has that number already (the first
    /// row wins, and the repeat is reported).
    fn add_lot(&mut self, row: &Row<'_>, key_column: &str, lot: LotEntry) -> Result<(), ReadError> {
        let owner = CCS;
        let entry = self.entry(row, key_column, owner)?;
        let repeated = lot
            .number
            .as_ref()
            .is_some_and(|n| entry.lots.iter().any(|l| l.number.as_ref() == Some(n)));
        if repeated {
            let reference = entry.reference.clone();
            let number = lot.number.clone().unwrap_or_default();
            self.warn(
                row,
                format!("lot {number} of {reference} is listed again; the first listing is kept"),
            );
        } else {
            entry.lots.push(lot);
        }
        Ok(())
    }

    fn website(&mut self, row: &Row<'_>) -> Result<(), ReadError> {
        let title = required_title(row, "title")?;
        let lots = python_lots(row.text("lots")).map_err(|(offset, message)| {
            row.error("lots", format!("character {offset}: {message}"))
        })?;
        let start = row
            .date("start_date")
            .or_else(|| row.date("expected_live_date"));
        let end = row.date("end_date");
        let warnings = row.warnings.take();
        let entry = self.entry(row, "rm_number", CCS)?;
        entry.title = Some(title);
        entry.summary = optional(row, "summary");
        entry.description = optional(row, "description");
        entry.benefits = optional(row, "benefits");
        entry.how_to_buy = optional(row, "how_to_buy");
        entry.keywords = optional(row, "keywords");
        entry.category = plain_line(row.text("category"), 100);
        entry.start_date = start;
        entry.end_date = end;
        entry.lots = lots;
        for w in warnings {
            self.warn(row, w);
        }
        Ok(())
    }

    fn title(&mut self, row: &Row<'_>) -> Result<(), ReadError> {
        if row.text("reference").trim().is_empty() {
            let title = row.text("title").trim().to_owned();
            self.warn(
                row,
                format!("\"{title}\" has no reference, and a framework is known by its owner and reference; left out"),
            );
            return Ok(());
        }
        let title = required_title(row, "title")?;
        let owner = row.required("owner")?;
        let (start, end) = (row.date("start_date"), row.date("end_date"));
        let warnings = row.warnings.take();
        let entry = self.entry(row, "reference", &owner)?;
        // Dates come from the first statement that gives them.
        if entry.start_date.is_none() && entry.end_date.is_none() {
            entry.start_date = start;
            entry.end_date = end;
        }
        let key = entry.reference.to_uppercase();
        self.titles.entry(key).or_default().push(title);
        for w in warnings {
            self.warn(row, w);
        }
        Ok(())
    }

    fn derived_lot(&mut self, row: &Row<'_>) -> Result<(), ReadError> {
        let lot = LotEntry {
            number: Some(lot_number_of(row, "lot_number")?),
            title: required_title(row, "lot_name")?,
            description: optional(row, "lot_description"),
        };
        self.add_lot(row, "reference", lot)
    }

    fn dss_lot(&mut self, row: &Row<'_>) -> Result<(), ReadError> {
        let title = required_title(row, "lot_description")?;
        if title.contains("(Duplicate - Removed)") {
            self.warn(
                row,
                "the source marks this lot \"Duplicate - Removed\"; left out".into(),
            );
            return Ok(());
        }
        let lot = LotEntry {
            number: Some(lot_number_of(row, "lot_number")?),
            title,
            description: None,
        };
        self.add_lot(row, "framework_number", lot)
    }

    fn place(&mut self, row: &Row<'_>) -> Result<(), ReadError> {
        let column = if row.text("framework_short_name").trim().is_empty() {
            "framework_number"
        } else {
            "framework_short_name"
        };
        let reference = reference(row, column)?;
        self.places.push(PlaceEntry {
            line: row.line,
            owner: CCS.into(),
            reference,
            lot_number: lot_number_of(row, "lot_number")?,
            supplier_key: row.required("salesforce_id")?,
            supplier_name: required_title(row, "supplier_name")?,
        });
        Ok(())
    }

    fn marketplace_framework(&mut self, row: &Row<'_>) -> Result<(), ReadError> {
        let service = row.required("service")?;
        let (start, end) = (row.date("live_at"), row.date("expires_at"));
        let warnings = row.warnings.take();
        let entry = self.entry(row, "id", CCS)?;
        entry.category = Some(service_label(&service));
        entry.start_date = start;
        entry.end_date = end;
        for w in warnings {
            self.warn(row, w);
        }
        Ok(())
    }

    fn marketplace_lot(&mut self, row: &Row<'_>) -> Result<(), ReadError> {
        let lot = LotEntry {
            number: Some(lot_number_of(row, "number")?),
            title: required_title(row, "name")?,
            description: None,
        };
        self.add_lot(row, "framework_id", lot)
    }

    fn finish(mut self) -> FrameworkFile {
        for (key, titles) in &self.titles {
            if let Some(entry) = self.frameworks.get_mut(key) {
                entry.title = best_title(&entry.reference, titles);
            }
        }
        let frameworks = self
            .order
            .iter()
            .filter_map(|key| self.frameworks.remove(key))
            .collect();
        FrameworkFile {
            layout: self.layout,
            frameworks,
            places: self.places,
            warnings: self.warnings,
        }
    }
}

/// Of several statements of one framework's title, the fullest: a title
/// that repeats the reference in brackets loses the brackets, and a title
/// another one starts with (cut short by its source) gives way to it.
pub fn best_title(reference: &str, titles: &[String]) -> Option<String> {
    let suffix = format!("({reference})");
    titles
        .iter()
        .map(|t| {
            let cut = t.len().saturating_sub(suffix.len());
            match t.get(cut..) {
                Some(end) if cut > 0 && end.eq_ignore_ascii_case(&suffix) => {
                    t[..cut].trim().to_owned()
                }
                _ => t.clone(),
            }
        })
        .filter(|t| !t.is_empty())
        .fold(None, |best: Option<String>, t| match best {
            Some(b) if b.chars().count() >= t.chars().count() => Some(b),
            _ => Some(t),
        })
}

/// "facilities_management" → "Facilities management".
pub fn service_label(service: &str) -> String {
    let spaced = service.trim().replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn reference(row: &Row<'_>, column: &str) -> Result<String, ReadError> {
    let value = row.required(column)?;
    if value.chars().count() > MAX_REFERENCE_CHARS {
        return Err(row.error(
            column,
            format!("is longer than {MAX_REFERENCE_CHARS} characters, the longest reference kept"),
        ));
    }
    Ok(value)
}

fn lot_number_of(row: &Row<'_>, column: &str) -> Result<String, ReadError> {
    let number = lot_number(row.text(column))
        .ok_or_else(|| row.error(column, "is empty, and every row needs it".into()))?;
    if number.chars().count() > MAX_LOT_NUMBER_CHARS {
        return Err(row.error(
            column,
            format!(
                "is longer than {MAX_LOT_NUMBER_CHARS} characters, the longest lot number kept"
            ),
        ));
    }
    Ok(number)
}

fn required_title(row: &Row<'_>, column: &str) -> Result<String, ReadError> {
    plain_line(row.text(column), MAX_TITLE_CHARS)
        .ok_or_else(|| row.error(column, "is empty, and every row needs it".into()))
}

fn optional(row: &Row<'_>, column: &str) -> Option<String> {
    plain(row.text(column))
}

/// A value of the small part of Python's literal syntax the CCS website
/// dump writes its lots in.
#[derive(Debug, PartialEq)]
enum Literal {
    List(Vec<Literal>),
    Dict(Vec<(String, Literal)>),
    Text(String),
    Nothing,
}

/// The CCS website dump's `lots`: a Python list of `{'title': …,
/// 'description': …}` (not JSON: single quotes, `None`). `Err` gives the
/// character offset and what was wrong.
pub fn python_lots(value: &str) -> Result<Vec<LotEntry>, (usize, String)> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    let chars: Vec<char> = value.chars().collect();
    let mut parser = LiteralParser { chars, at: 0 };
    let literal = parser.value(0)?;
    parser.skip_space();
    if parser.at < parser.chars.len() {
        return Err((parser.at, "unexpected text after the list".into()));
    }
    let Literal::List(items) = literal else {
        return Err((0, "is not a list".into()));
    };
    let mut lots = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let Literal::Dict(fields) = item else {
            return Err((0, format!("lot {} is not a dictionary", index + 1)));
        };
        let field = |name: &str| {
            fields.iter().find_map(|(k, v)| match v {
                Literal::Text(t) if k == name => Some(t.as_str()),
                _ => None,
            })
        };
        let Some(title) = field("title").and_then(|t| plain_line(t, MAX_TITLE_CHARS)) else {
            return Err((0, format!("lot {} has no title", index + 1)));
        };
        let description = field("description").and_then(plain);
        // "Lot 3: Electrical Products" carries its number; most list none.
        let lot = match NUMBERED_TITLE.captures(&title) {
            Some(found) => LotEntry {
                number: lot_number(&found[1]),
                title: found[2].trim().to_owned(),
                description,
            },
            None => LotEntry {
                number: None,
                title,
                description,
            },
        };
        lots.push(lot);
    }
    Ok(lots)
}

struct LiteralParser {
    chars: Vec<char>,
    at: usize,
}

/// Deeper nesting than any real list needs is refused (no stack overflow).
const MAX_DEPTH: usize = 16;

impl LiteralParser {
    fn skip_space(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn expect(&mut self, wanted: char) -> Result<(), (usize, String)> {
        self.skip_space();
        if self.chars.get(self.at) == Some(&wanted) {
            self.at += 1;
            Ok(())
        } else {
            Err((self.at, format!("expected {wanted:?}")))
        }
    }

    /// After an item: `,` then maybe the closing bracket, or the bracket.
    fn separator(&mut self, close: char) -> Result<bool, (usize, String)> {
        self.skip_space();
        match self.chars.get(self.at) {
            Some(',') => {
                self.at += 1;
                self.skip_space();
                if self.chars.get(self.at) == Some(&close) {
                    self.at += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(c) if *c == close => {
                self.at += 1;
                Ok(true)
            }
            _ => Err((self.at, format!("expected ',' or {close:?}"))),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Literal, (usize, String)> {
        if depth > MAX_DEPTH {
            return Err((self.at, "nested too deeply".into()));
        }
        self.skip_space();
        match self.chars.get(self.at) {
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.chars.get(self.at) == Some(&']') {
                    self.at += 1;
                    return Ok(Literal::List(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.separator(']')? {
                        return Ok(Literal::List(items));
                    }
                }
            }
            Some('{') => {
                self.at += 1;
                let mut fields = Vec::new();
                self.skip_space();
                if self.chars.get(self.at) == Some(&'}') {
                    self.at += 1;
                    return Ok(Literal::Dict(fields));
                }
                loop {
                    self.skip_space();
                    let key = self.string()?;
                    self.expect(':')?;
                    fields.push((key, self.value(depth + 1)?));
                    if self.separator('}')? {
                        return Ok(Literal::Dict(fields));
                    }
                }
            }
            Some('\'' | '"') => self.string().map(Literal::Text),
            Some('N') if self.chars[self.at..].starts_with(&['N', 'o', 'n', 'e']) => {
                self.at += 4;
                Ok(Literal::Nothing)
            }
            Some(_) => Err((
                self.at,
                "expected a list, a dictionary, a string or None".into(),
            )),
            None => Err((self.at, "the text ends too soon".into())),
        }
    }

    /// A quoted string with Python's escapes.
    fn string(&mut self) -> Result<String, (usize, String)> {
        let start = self.at;
        let quote = match self.chars.get(self.at) {
            Some(q @ ('\'' | '"')) => *q,
            _ => return Err((self.at, "expected a quoted string".into())),
        };
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.chars.get(self.at) else {
                return Err((start, "this string is never closed".into()));
            };
            self.at += 1;
            if c == quote {
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(&escaped) = self.chars.get(self.at) else {
                return Err((start, "this string is never closed".into()));
            };
            self.at += 1;
            let hex_digits = match escaped {
                'x' => 2,
                'u' => 4,
                'U' => 8,
                _ => 0,
            };
            if hex_digits > 0 {
                let digits: String = self
                    .chars
                    .get(self.at..self.at + hex_digits)
                    .map(|d| d.iter().collect())
                    .unwrap_or_default();
                let code = u32::from_str_radix(&digits, 16)
                    .ok()
                    .filter(|_| digits.len() == hex_digits)
                    .and_then(char::from_u32)
                    .ok_or((
                        self.at - 2,
                        "a \\x, \\u or \\U escape is malformed".to_owned(),
                    ))?;
                out.push(code);
                self.at += hex_digits;
                continue;
            }
            out.push(match escaped {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                other => other,
            });
        }
    }
}

/// One entry of the DfE "Find a framework" list.
#[derive(serde::Deserialize)]
struct DfeFramework {
    #[serde(rename = "ref")]
    key: String,
    title: String,
    supplier: String,
    url: Option<String>,
    descr: Option<String>,
    expiry: Option<String>,
}

/// The DfE list names frameworks by its own key (`books`); one that names a
/// CCS agreement number (in its title, description or address) is that
/// agreement, and the others are keyed `dfe:<key>` (the owners' own numbers
/// are not in the list).
fn read_dfe(file: &str, bytes: &[u8]) -> Result<FrameworkFile, ReadError> {
    let entries: Vec<DfeFramework> = serde_json::from_slice(bytes).map_err(|e| ReadError {
        file: file.to_owned(),
        location: Some(Location::Line(e.line() as u64)),
        field: None,
        message: format!("is not a DfE framework list: {e}"),
    })?;
    let mut frameworks: Vec<FrameworkEntry> = Vec::new();
    let mut warnings = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        let pointer = format!("/{index}");
        let error = |field: &str, message: &str| ReadError {
            file: file.to_owned(),
            location: None,
            field: Some(format!("{pointer}/{field}")),
            message: message.to_owned(),
        };
        let owner = canonical_owner(&entry.supplier);
        if owner.is_empty() {
            return Err(error(
                "supplier",
                "is empty, and every framework needs its owner",
            ));
        }
        let title = plain_line(&entry.title, MAX_TITLE_CHARS)
            .ok_or_else(|| error("title", "is empty, and every framework needs it"))?;
        let texts = [
            entry.title.as_str(),
            entry.descr.as_deref().unwrap_or(""),
            entry.url.as_deref().unwrap_or(""),
        ];
        let named =
            call_off::framework_reference(texts).filter(|r| r.starts_with("RM") && owner == CCS);
        let key = entry.key.trim();
        if key.is_empty() && named.is_none() {
            return Err(error("ref", "is empty, and every framework needs a key"));
        }
        let reference = named.unwrap_or_else(|| format!("dfe:{key}"));
        if reference.chars().count() > MAX_REFERENCE_CHARS {
            return Err(error("ref", "is longer than the longest reference kept"));
        }
        let end_date = match entry.expiry.as_deref().map(text::date).transpose() {
            Ok(date) => date.flatten(),
            Err(message) => {
                warnings.push(format!("{file}, {pointer}/expiry: {message}; left out"));
                None
            }
        };
        let url = entry
            .url
            .as_deref()
            .and_then(text::clean)
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(|u| text::at_most(u, 500));
        frameworks.push(FrameworkEntry {
            line: index as u64 + 1,
            owner,
            reference,
            title: Some(title),
            description: entry.descr.as_deref().and_then(plain),
            end_date,
            url,
            ..Default::default()
        });
    }
    Ok(FrameworkFile {
        layout: FrameworkLayout::DfeFrameworks,
        frameworks,
        places: Vec::new(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(name: &str, text: &str) -> Result<FrameworkFile, ReadError> {
        read(name, text.as_bytes().to_vec())
    }

    #[test]
    fn python_lots_read_quotes_escapes_and_none() {
        let lots = python_lots(
            r#"[{'description': None, 'title': 'Heavy Building Materials'}, {"title": "Buyer's guide", 'description': 'Value band \xa3\u00a030m\n<b>and</b> more'}, ]"#,
        )
        .unwrap();
        assert_eq!(lots.len(), 2);
        assert_eq!(lots[0].title, "Heavy Building Materials");
        assert_eq!(lots[0].description, None);
        assert_eq!(lots[1].title, "Buyer's guide");
        assert_eq!(
            lots[1].description.as_deref(),
            Some("Value band £ 30m\nand more")
        );
        assert_eq!(python_lots("[]").unwrap(), vec![]);
        assert_eq!(python_lots("").unwrap(), vec![]);
    }

    #[test]
    fn python_lots_say_where_they_break() {
        assert_eq!(
            python_lots("[{'title': 'open").unwrap_err(),
            (11, "this string is never closed".into())
        );
        assert_eq!(
            python_lots("[{'title' 'x'}]").unwrap_err().1,
            "expected ':'"
        );
        assert_eq!(
            python_lots("{'title': 'x'}").unwrap_err().1,
            "is not a list"
        );
        assert_eq!(
            python_lots("[{'description': 'x'}]").unwrap_err().1,
            "lot 1 has no title"
        );
        assert_eq!(
            python_lots(&"[".repeat(100)).unwrap_err().1,
            "nested too deeply"
        );
        assert!(python_lots(r"['\x4']").is_err());
    }

    #[test]
    fn numbered_lot_titles_give_their_numbers() {
        let lots =
            python_lots("[{'title': 'Lot 3: Electrical Products', 'description': ''}]").unwrap();
        assert_eq!(lots[0].number.as_deref(), Some("3"));
        assert_eq!(lots[0].title, "Electrical Products");
        assert_eq!(lot_number("Lot 1a"), Some("1a".into()));
        assert_eq!(lot_number(" 1.2.2 "), Some("1.2.2".into()));
        assert_eq!(lot_number("lot "), None);
    }

    #[test]
    fn double_decoded_text_is_repaired_and_good_text_is_kept() {
        // UTF-8 read as Windows-1252, then the result read as Mac Roman.
        assert_eq!(repaired("Value band √Ç¬£0-3m"), "Value band £0-3m");
        assert_eq!(
            repaired("Works & Servs√¢‚Ç¨‚ÄúSouth England"),
            "Works & Servs–South England"
        );
        assert_eq!(repaired("Value band Â£30-80m"), "Value band £30-80m");
        for good in ["£30m – café", "Ysgolion Cymru: ŵ ŷ", "naïve", "plain ASCII"] {
            assert_eq!(repaired(good), good);
        }
    }

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(
            plain("<span style=\"font-weight: 400;\">Construction advisory</span><br>for &amp; by councils&nbsp;now").as_deref(),
            Some("Construction advisory\nfor & by councils now")
        );
        assert_eq!(plain("   "), None);
    }

    #[test]
    fn owners_are_spelled_out_and_titles_chosen_fullest() {
        assert_eq!(canonical_owner("CCS"), CCS);
        assert_eq!(canonical_owner("ccs"), CCS);
        assert_eq!(canonical_owner(" ESPO "), "ESPO");
        assert_eq!(
            best_title(
                "RM858",
                &[
                    "Pan Govt Vehicle Leasing & Fleet Outsource Solutio".into(),
                    "Pan Govt Vehicle Leasing & Fleet Outsource Solutions (RM858)".into(),
                ]
            )
            .as_deref(),
            Some("Pan Govt Vehicle Leasing & Fleet Outsource Solutions")
        );
    }

    #[test]
    fn each_layout_is_known_by_its_header() {
        let cases = [
            (
                "a,rm_number,title,lots\n0,RM1,T,[]\n",
                FrameworkLayout::CcsWebsite,
            ),
            (
                "reference,title,owner\nRM1,T,CCS\n",
                FrameworkLayout::FrameworkTitles,
            ),
            (
                "reference,lot_number,lot_name\nRM1,Lot 1,L\n",
                FrameworkLayout::FrameworkLots,
            ),
            (
                "\u{feff}framework_number,lot_number,lot_description\nRM1,1,L\n",
                FrameworkLayout::DssLots,
            ),
            (
                "framework_short_name,lot_number,salesforce_id,supplier_name\nRM1,1,a1,S Ltd\n",
                FrameworkLayout::DssSuppliers,
            ),
            (
                "id,service,live_at,expires_at\nRM1,legal_services,2020-01-01,2024-01-01\n",
                FrameworkLayout::MarketplaceFrameworks,
            ),
            (
                "id,framework_id,number,name\nRM1.1,RM1,1,L\n",
                FrameworkLayout::MarketplaceLots,
            ),
            (
                "[{\"ref\":\"books\",\"title\":\"Books\",\"supplier\":\"ESPO\"}]",
                FrameworkLayout::DfeFrameworks,
            ),
        ];
        for (text, layout) in cases {
            let read = read_text("f.csv", text).unwrap();
            assert_eq!(read.layout, layout, "{text}");
            assert_eq!(
                read.records(),
                2 - usize::from(matches!(
                    layout,
                    FrameworkLayout::DfeFrameworks
                        | FrameworkLayout::MarketplaceFrameworks
                        | FrameworkLayout::FrameworkTitles
                        | FrameworkLayout::CcsWebsite
                        | FrameworkLayout::DssSuppliers
                )),
                "{text}"
            );
        }
        let err = read_text("other.csv", "name,value\nx,y\n").unwrap_err();
        assert_eq!(err.location, Some(Location::Line(1)));
        assert!(
            err.to_string()
                .starts_with("other.csv, line 1: the header row matches no framework layout"),
            "{err}"
        );
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        let err = read_text(
            "lots.csv",
            "framework_number,lot_number,lot_description\nRM1,1,L\nRM2,,Second\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "lots.csv, line 3, lot_number: is empty, and every row needs it"
        );
        let long = "R".repeat(65);
        let err =
            read_text("t.csv", &format!("reference,title,owner\n{long},T,CCS\n")).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("reference"));
        let err =
            read_text("w.csv", "rm_number,title,lots\nRM1,T,\"[{'title': 'x'\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "w.csv, line 2, lots: character 14: expected ',' or '}'"
        );
        let err = read_text(
            "d.json",
            "[{\"ref\":\"x\",\"title\":\"\",\"supplier\":\"YPO\"}]",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.json, /0/title: is empty, and every framework needs it"
        );
        let err = read_text("d.json", "[{\"ref\": 3}]").unwrap_err();
        assert_eq!(err.location, Some(Location::Line(1)));
    }

    #[test]
    fn repeated_and_removed_lots_are_reported_not_doubled() {
        let read = read_text(
            "lots.csv",
            "framework_number,lot_number,lot_description\nRM1,1,First\nRM1,1,Again\nRM1,2,Old (Duplicate - Removed)\nRM1,Lot 3,Third\n",
        )
        .unwrap();
        let lots: Vec<_> = read.frameworks[0]
            .lots
            .iter()
            .map(|l| (l.number.clone().unwrap(), l.title.clone()))
            .collect();
        assert_eq!(
            lots,
            vec![("1".into(), "First".into()), ("3".into(), "Third".into())]
        );
        assert_eq!(
            read.warnings,
            vec![
                "lots.csv, line 3: lot 1 of RM1 is listed again; the first listing is kept"
                    .to_owned(),
                "lots.csv, line 4: the source marks this lot \"Duplicate - Removed\"; left out"
                    .to_owned(),
            ]
        );
    }

    #[test]
    fn titles_without_references_are_left_out_with_a_warning() {
        let read = read_text(
            "titles.csv",
            "reference,title,owner,start_date,end_date\n,Books,ESPO,,2020-08-31\nRM1031,Laundry and Linen Services (RM1031),CCS,,\nRM1031,Laundry and Linen Services,CCS,2015-11-19,20219-03-20\n",
        )
        .unwrap();
        assert_eq!(read.frameworks.len(), 1);
        let f = &read.frameworks[0];
        assert_eq!(f.title.as_deref(), Some("Laundry and Linen Services"));
        assert_eq!(f.owner, CCS);
        assert_eq!(f.start_date, Some(time::macros::date!(2015 - 11 - 19)));
        assert_eq!(f.end_date, None);
        assert_eq!(read.warnings.len(), 2, "{:?}", read.warnings);
        assert!(
            read.warnings[1].contains("line 4: end_date"),
            "{:?}",
            read.warnings
        );
    }

    #[test]
    fn dfe_entries_naming_a_ccs_number_are_that_agreement() {
        let read = read_text(
            "dfe.json",
            r#"[{"ref":"photocopier","title":"Multifunctional Devices","supplier":"CCS","url":"https://ccs-agreements.cabinetoffice.gov.uk/contracts/rm3781","expiry":"2020-10-25"},
                {"ref":"books","title":"Books and related materials","supplier":"ESPO","url":"javascript:alert(1)","descr":"Deals for <i>curriculum</i> materials","expiry":"soon"}]"#,
        )
        .unwrap();
        assert_eq!(read.frameworks[0].reference, "RM3781");
        assert_eq!(read.frameworks[0].owner, CCS);
        assert_eq!(
            read.frameworks[0].end_date,
            Some(time::macros::date!(2020 - 10 - 25))
        );
        assert_eq!(read.frameworks[1].reference, "dfe:books");
        assert_eq!(read.frameworks[1].url, None);
        assert_eq!(
            read.frameworks[1].description.as_deref(),
            Some("Deals for curriculum materials")
        );
        assert_eq!(read.warnings.len(), 1);
    }
}
