//! What a council buyer sees when importing their contract register: the
//! preview of every row (added, changed, unchanged, refused with reasons)
//! and, after confirming, what was written.
use serde::{Deserialize, Serialize};

/// What would happen to one row of the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    /// A contract not yet in the register.
    Add,
    /// A contract already in the register, with different details.
    Change,
    /// A contract already in the register exactly as the row says.
    Unchanged,
    /// The row cannot be imported (see its reasons).
    Refused,
}

impl RowOutcome {
    pub fn label(self) -> &'static str {
        match self {
            RowOutcome::Add => "Will be added",
            RowOutcome::Change => "Will be changed",
            RowOutcome::Unchanged => "No change",
            RowOutcome::Refused => "Refused",
        }
    }
}

/// One row of the preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub line: u64,
    pub reference: String,
    pub title: String,
    pub outcome: RowOutcome,
    /// Why a row is refused, or what was left out of an imported one.
    pub notes: Vec<String>,
}

/// A register file, read and compared with the council's register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPreview {
    pub council_name: String,
    pub gss_code: String,
    pub file_name: String,
    pub rows: Vec<RegisterRow>,
    /// Set once the rows were written (after confirmation): how many.
    pub written: Option<usize>,
}

impl RegisterPreview {
    pub fn count(&self, outcome: RowOutcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Whether confirming would write anything.
    pub fn has_changes(&self) -> bool {
        self.count(RowOutcome::Add) + self.count(RowOutcome::Change) > 0
    }
}

/// A register file read for the preview, kept in the page so confirming
/// sends the same rows back (nothing is stored before the confirmation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterUpload {
    pub preview: RegisterPreview,
    /// The file's text, posted back with the confirmation.
    pub csv: String,
}

/// The register import page: the council, and a preview once a file was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterImportPage {
    pub council_name: String,
    pub gss_code: String,
    pub upload: Option<RegisterUpload>,
}

/// Form fields of the register import.
pub mod register_field {
    /// The file input (multipart).
    pub const FILE: &str = "register";
    /// The file's text, posted back with the confirmation.
    pub const CSV: &str = "register_csv";
    pub const FILE_NAME: &str = "file_name";
}
