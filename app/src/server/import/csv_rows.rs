//! CSV rows by column name, for every CSV importer: headers matched after
//! trimming (and a UTF-8 byte-order mark), required columns checked once,
//! and each value read with an error that names the file, line and column.
use std::collections::HashMap;

use super::{Location, ReadError, Warnings, text};

/// The columns an importer reads: the ones it cannot do without, and the rest.
pub struct Columns {
    required: &'static [&'static str],
    optional: &'static [&'static str],
}

impl Columns {
    pub const fn new(required: &'static [&'static str], optional: &'static [&'static str]) -> Self {
        Columns { required, optional }
    }
}

/// One row, with the positions of the known columns.
pub struct Row<'a> {
    pub file: &'a str,
    pub line: u64,
    record: csv::StringRecord,
    positions: &'a HashMap<&'static str, usize>,
    pub warnings: Warnings,
}

impl Row<'_> {
    pub fn error(&self, column: &str, message: String) -> ReadError {
        ReadError {
            file: self.file.to_owned(),
            location: Some(Location::Line(self.line)),
            field: Some(column.to_owned()),
            message,
        }
    }

    /// The raw value of a column ("" when the file lacks the column).
    pub fn text(&self, column: &str) -> &str {
        self.positions
            .get(column)
            .and_then(|i| self.record.get(*i))
            .unwrap_or("")
    }

    /// A column that must not be empty, cleaned.
    pub fn required(&self, column: &str) -> Result<String, ReadError> {
        text::clean(self.text(column))
            .ok_or_else(|| self.error(column, "is empty, and every row needs it".into()))
    }

    /// An optional date; an unreadable one is left out with a warning.
    pub fn date(&self, column: &str) -> Option<time::Date> {
        self.warnings.keep(column, text::date(self.text(column)))
    }

    pub fn moment(&self, column: &str) -> Option<time::OffsetDateTime> {
        self.warnings.keep(column, text::moment(self.text(column)))
    }

    /// An optional amount; an unreadable one is left out with a warning.
    pub fn pence(&self, column: &str) -> Option<i64> {
        self.warnings.keep(column, text::pence(self.text(column)))
    }
}

/// Calls `each` with every row of a CSV file, after checking its header;
/// stops at the first error. A row that CSV itself cannot read (bad UTF-8)
/// or that has more (non-empty) fields than the header is an error naming
/// its line. A
/// row may leave off trailing empty fields (the Contracts Finder export
/// drops its last column from some rows), as long as it reaches every
/// required column.
pub fn for_each_row(
    file: &str,
    bytes: &[u8],
    columns: &Columns,
    mut each: impl FnMut(&Row<'_>) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let file_error = |location: Option<Location>, message: String| ReadError {
        file: file.to_owned(),
        location,
        field: None,
        message,
    };
    let headers = reader
        .headers()
        .map_err(|e| {
            file_error(
                Some(Location::Line(1)),
                format!("the header row cannot be read: {}", e.kind_message()),
            )
        })?
        .clone();
    let mut positions: HashMap<&'static str, usize> = HashMap::new();
    for wanted in columns.required.iter().chain(columns.optional) {
        if let Some(i) = headers.iter().position(|h| h.trim() == *wanted) {
            positions.insert(wanted, i);
        }
    }
    let missing: Vec<&str> = columns
        .required
        .iter()
        .filter(|c| !positions.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(file_error(
            Some(Location::Line(1)),
            format!("the header row lacks the column(s) {}", missing.join(", ")),
        ));
    }
    for record in reader.into_records() {
        let record = record.map_err(|e| {
            file_error(
                e.position().map(|p| Location::Line(p.line())),
                format!("this row cannot be read as CSV: {}", e.kind_message()),
            )
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let reaches = |column: &&str| positions.get(column).is_some_and(|i| *i < record.len());
        // Fields past the header's are an error unless empty (some CCS
        // exports end rows with a stray comma).
        let overflows = record
            .iter()
            .skip(headers.len())
            .any(|f| !f.trim().is_empty());
        if overflows || !columns.required.iter().all(reaches) {
            return Err(file_error(
                Some(Location::Line(line)),
                format!(
                    "this row has {} fields where the header has {}",
                    record.len(),
                    headers.len()
                ),
            ));
        }
        each(&Row {
            file,
            line,
            record,
            positions: &positions,
            warnings: Warnings::default(),
        })?;
    }
    Ok(())
}

trait KindMessage {
    fn kind_message(&self) -> String;
}

impl KindMessage for csv::Error {
    fn kind_message(&self) -> String {
        match self.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("it has {len} fields where the header has {expected_len}"),
            csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".into(),
            _ => self.to_string(),
        }
    }
}
