//! Open data in: the pure part of every importer.
//!
//! Each reader turns one published file into [`Notice`]s — one shape for
//! every source (OCDS releases and records, the Contracts Finder CSV export,
//! TED award CSVs, Transparency Code registers) — or into [`ReadError`]s that
//! name the file, the line or byte offset and the JSON pointer or column at
//! fault. Nothing here touches the database: `services::imports` resolves
//! buyers and suppliers and writes a file's notices in one transaction
//! through the one change path.
pub mod bundled;
pub mod buyers;
pub mod call_off;
pub mod contracts_finder;
mod csv_rows;
pub mod frameworks;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gunzipping_stops_at_the_limit() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b'a'; 10_000_000]).unwrap();
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 20_000, "{} bytes", bomb.len());
        let err = decompressed_at_most("bomb.csv.gz", bomb.clone(), 1_000_000).unwrap_err();
        assert_eq!(err.to_string(), "bomb.csv.gz: is longer than 1000000 bytes");
        assert_eq!(decompressed("bomb.csv.gz", bomb).unwrap().len(), 10_000_000);
        assert!(decompressed_at_most("plain.csv", vec![b'x'; 11], 10).is_err());
        assert_eq!(
            decompressed_at_most("plain.csv", vec![b'x'; 10], 10)
                .unwrap()
                .len(),
            10
        );
    }
}
pub mod ocds;
pub mod register;
pub mod ted;
pub mod text;

use serde::Serialize;
use time::{Date, OffsetDateTime};

/// Which importer read a notice; stored as `contract.source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Source {
    Ocds,
    ContractsFinderCsv,
    TedCsv,
    RegisterCsv,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Ocds => "ocds",
            Source::ContractsFinderCsv => "contracts_finder",
            Source::TedCsv => "ted",
            Source::RegisterCsv => "transparency_csv",
        }
    }

    /// How the audit log and the provenance line name it.
    pub fn label(self) -> &'static str {
        match self {
            Source::Ocds => "OCDS",
            Source::ContractsFinderCsv => "Contracts Finder CSV",
            Source::TedCsv => "TED CSV",
            Source::RegisterCsv => "Transparency Code register CSV",
        }
    }
}

/// An identifier as published: scheme (GB-COH, GB-CFS, GB-GSS…) and value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Identifier {
    pub scheme: String,
    pub value: String,
}

impl Identifier {
    /// `None` when either part is empty, or the scheme is longer than any
    /// org-id.guide list code (32 characters) and so is not one.
    pub fn new(scheme: &str, value: &str) -> Option<Self> {
        let (scheme, value) = (scheme.trim(), value.trim());
        let fits = scheme.chars().count() <= 32 && value.chars().count() <= 300;
        (fits && !scheme.is_empty() && !value.is_empty()).then(|| Identifier {
            scheme: scheme.to_uppercase(),
            value: value.to_owned(),
        })
    }
}

/// A buying organisation as a notice names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuyerParty {
    pub name: String,
    pub identifiers: Vec<Identifier>,
}

/// A supplier as a notice names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SupplierParty {
    pub name: String,
    /// From a GB-COH identifier, normalised to eight characters.
    pub companies_house_number: Option<String>,
    pub identifiers: Vec<Identifier>,
    /// `Some` only when the notice says.
    pub is_sme: Option<bool>,
    pub is_vcse: Option<bool>,
}

/// What the notice says the purchase is worth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Money {
    Unknown,
    Exact(i64),
    /// A range (TED's lowest and highest offers; Contracts Finder's value
    /// low and high for planned purchases), in pence.
    Range(i64, i64),
}

impl Money {
    /// The single value, when there is one.
    pub fn exact(self) -> Option<i64> {
        match self {
            Money::Exact(p) => Some(p),
            _ => None,
        }
    }

    /// The bounds, when published as a range (or the value as both).
    pub fn bounds(self) -> (Option<i64>, Option<i64>) {
        match self {
            Money::Unknown => (None, None),
            Money::Exact(p) => (Some(p), Some(p)),
            Money::Range(lo, hi) => (Some(lo), Some(hi)),
        }
    }
}

/// Whether the notice records a contract or a planned purchase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum NoticeKind {
    /// Awarded: suppliers are named.
    Contract,
    /// Not (yet) awarded: pipeline, pre-procurement, open tender, planning.
    Planned {
        /// As published: Pipeline, PreProcurement, Contract, planning, tender…
        notice_type: String,
        /// open | closed | awarded | cancelled
        status: String,
        closing_date: Option<Date>,
    },
}

/// A call-off as the notice states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallOffFacts {
    /// A framework reference (RM6187, ESPO 509_23…) named in the notice, if
    /// any; matched against the catalogue when written.
    pub framework_reference: Option<String>,
}

/// One notice, mapped: the common shape every reader produces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub source: Source,
    /// The key that makes imports idempotent: the ocid for OCDS, the notice
    /// identifier for Contracts Finder, the TED notice number, the
    /// council's own reference for a register.
    pub source_id: String,
    pub ocid: Option<String>,
    /// The release id (or, where a publisher left it out, `ocid@date`).
    pub release_id: String,
    /// When this version was published; a newer one of the same key updates.
    #[serde(with = "time::serde::rfc3339::option")]
    pub release_date: Option<OffsetDateTime>,
    pub kind: NoticeKind,
    pub title: String,
    pub description: Option<String>,
    /// One buyer, or several for a joint purchase.
    pub buyers: Vec<BuyerParty>,
    pub suppliers: Vec<SupplierParty>,
    /// Eight-digit CPV codes, first the main one.
    pub cpv_codes: Vec<String>,
    pub value: Money,
    pub currency: String,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub award_date: Option<Date>,
    pub procurement_method: Option<String>,
    pub call_off: Option<CallOffFacts>,
}

/// Longest key a notice may have (`contract.source_id`, `contract.ocid`).
pub const MAX_KEY_CHARS: usize = 200;

impl Notice {
    /// Why the notice's key cannot be stored, if it cannot: the key is what
    /// makes imports idempotent, so it is never cut short.
    pub fn key_problem(&self) -> Option<String> {
        (self.source_id.chars().count() > MAX_KEY_CHARS).then(|| {
            format!(
                "the notice's identifier is longer than {MAX_KEY_CHARS} characters: {}…",
                self.source_id.chars().take(40).collect::<String>()
            )
        })
    }

    /// A fingerprint of the mapped content (not of where it was read):
    /// equal fingerprints mean importing it again changes nothing.
    pub fn fingerprint(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes))
    }
}

/// Where in a file something is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Location {
    /// A line of a text file (CSV rows count from the header, line 1).
    Line(u64),
    /// A byte offset, when the file is not line-based.
    Byte(u64),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Byte(n) => write!(f, "byte {n}"),
        }
    }
}

/// Why a file (or one row of it) could not be read: the file, where, which
/// field (JSON pointer or CSV column) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadError {
    pub file: String,
    pub location: Option<Location>,
    /// A JSON pointer (`/releases/3/awards/0/value/amount`) or a CSV column name.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(location) = &self.location {
            write!(f, ", {location}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReadError {}

/// A notice with the place it was read from (for provenance and errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadNotice {
    pub notice: Notice,
    pub location: Location,
    /// Optional values that could not be read and were left out (a date
    /// "01/01/1", an amount "TBC"), each naming its field and value. The
    /// notice is still imported; the run's report lists them.
    pub warnings: Vec<String>,
}

/// Values left out while mapping one notice (see [`ReadNotice::warnings`]).
#[derive(Default)]
pub struct Warnings(std::cell::RefCell<Vec<String>>);

impl Warnings {
    /// `Some(value)` when it reads, else `None` and a warning about `field`.
    pub fn keep<T>(&self, field: &str, read: Result<Option<T>, String>) -> Option<T> {
        match read {
            Ok(value) => value,
            Err(message) => {
                self.0
                    .borrow_mut()
                    .push(format!("{field}: {message}; left out"));
                None
            }
        }
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

/// What a reader made of one file: every notice, or the first error (a
/// broken file writes nothing, so one error is enough to refuse it).
pub type FileRead = Result<Vec<ReadNotice>, ReadError>;

/// The file's bytes, gunzipped when they are gzip (by magic number, not by
/// name, so a `.json` that is really gzip still reads).
pub fn decompressed(file: &str, bytes: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    decompressed_at_most(file, bytes, usize::MAX)
}

/// [`decompressed`], refusing anything longer than `max` bytes once
/// gunzipped — without gunzipping more than that (a small gzip file can
/// expand to gigabytes).
pub fn decompressed_at_most(file: &str, bytes: Vec<u8>, max: usize) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let too_long = || ReadError {
        file: file.to_owned(),
        location: None,
        field: None,
        message: format!("is longer than {max} bytes"),
    };
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return if bytes.len() > max {
            Err(too_long())
        } else {
            Ok(bytes)
        };
    }
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(6).min(max.saturating_add(1)));
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .take(max.saturating_add(1) as u64)
        .read_to_end(&mut out)
        .map_err(|e| ReadError {
            file: file.to_owned(),
            location: None,
            field: None,
            message: format!("not a readable gzip file: {e}"),
        })?;
    if out.len() > max {
        return Err(too_long());
    }
    Ok(out)
}
