//! What a form page needs to show a failed submission again: the values the
//! person entered and an error per field, in the order of the form.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AppError, FieldError};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmittedForm {
    /// Every submitted name/value pair, repeated names kept (checkboxes).
    /// Passwords and the CSRF token are never included.
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// Set when the submission was refused outright (403, 404…): the page
    /// shows that error instead of the form.
    pub refused: Option<AppError>,
}

impl SubmittedForm {
    /// The first value submitted for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value submitted for `name` (checkboxes, multi-selects).
    pub fn values_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.values
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.as_str())
    }
}

/// Field errors collected while validating one submission.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        // One message per field: the first problem found is the one to fix.
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError {
                field: field.to_owned(),
                message: message.into(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The message for `field`, if it has one.
    pub fn message(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// A supplier record as a finder lists it, to be picked by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierChoiceItem {
    pub id: Uuid,
    pub name: String,
    pub companies_house_number: Option<String>,
    pub region: Option<String>,
    /// Checked by a platform admin (otherwise listed by a curator or buyer).
    pub verified: bool,
}

impl SupplierChoiceItem {
    /// "Acme Ltd (Companies House 01234567, North West)".
    pub fn label(&self) -> String {
        let details: Vec<String> = [
            self.companies_house_number
                .as_ref()
                .map(|n| format!("Companies House {n}")),
            self.region.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if details.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, details.join(", "))
        }
    }
}

/// What a supplier finder shows: the search typed (a GET parameter), the
/// trusted records it matched, and the records already picked (kept in view
/// whatever the search).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierFinder {
    pub query: String,
    pub results: Vec<SupplierChoiceItem>,
    pub picked: Vec<SupplierChoiceItem>,
}

impl SupplierFinder {
    /// The picked records, then the matches not already picked.
    pub fn choices(&self) -> Vec<SupplierChoiceItem> {
        let mut all = self.picked.clone();
        all.extend(
            self.results
                .iter()
                .filter(|r| !self.picked.iter().any(|p| p.id == r.id))
                .cloned(),
        );
        all
    }
}

/// A form page's own data plus its supplier finder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithFinder<T> {
    pub data: T,
    pub finder: SupplierFinder,
}

/// One choice in a select, radios or checkboxes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOption {
    pub value: String,
    pub label: String,
}

/// A form page's data: its anti-forgery token, the values to show (the
/// record's current values, or a failed submission's) with any errors, and
/// the page's own data (choices, headings).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormPage<T> {
    pub csrf_token: String,
    pub form: SubmittedForm,
    pub data: T,
}

/// Choices on the framework form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkFormOptions {
    /// Admins may file frameworks for national bodies (no owning footprint).
    pub may_file_nationally: bool,
    /// Footprint bodies the viewer may file under (organisation id, name).
    pub owners: Vec<FormOption>,
    pub buyer_types: Vec<FormOption>,
    pub footprints: Vec<FormOption>,
    pub regions: Vec<FormOption>,
}

/// Headings for the lot and lot-supplier forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotHeading {
    pub framework_id: uuid::Uuid,
    pub framework_reference: String,
    pub framework_title: String,
    pub lot_id: Option<uuid::Uuid>,
    pub lot_title: Option<String>,
}

/// Choices on the supplier profile form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierFormOptions {
    pub regions: Vec<FormOption>,
}

/// Choices on the offer form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferFormOptions {
    pub supplier_id: uuid::Uuid,
    pub supplier_name: String,
    /// Lots the supplier holds an active place on (lot id, "RM1234 lot 2: title").
    pub lots: Vec<FormOption>,
    pub footprints: Vec<FormOption>,
}

/// Heading and target of the contract form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractFormHeading {
    pub council_name: String,
    pub gss_code: String,
    pub contract_id: Option<uuid::Uuid>,
}

/// A path on this site, safe to redirect to after signing in.
///
/// Browsers are lenient about what counts as a second slash: they drop tabs
/// and new lines from URLs and read a backslash as a slash, so
/// `/\t/evil.example` or `/\\evil.example` would leave the site. Only a
/// plain absolute path is accepted: one leading slash, then no control
/// characters, whitespace or backslashes, and a valid path and query. The
/// same rules apply once more after percent-decoding, so an encoded form
/// (`/%2F%2Fevil.example`, `/%09/…`) is refused too rather than trusted to
/// stay encoded.
pub fn is_local_path(path: &str) -> bool {
    fn plain(path: &str) -> bool {
        let bytes = path.as_bytes();
        bytes.first() == Some(&b'/')
            && bytes.get(1) != Some(&b'/')
            && !path
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    }
    path.len() <= 2048
        && plain(path)
        && plain(&percent_decoded(path))
        && path.parse::<http::uri::PathAndQuery>().is_ok()
}

/// `text` with every `%XX` escape decoded (invalid escapes left as they are).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_plain_local_paths_are_followed() {
        for good in [
            "/",
            "/frameworks",
            "/frameworks?page=2&status=live",
            "/suppliers/1/edit",
        ] {
            assert!(is_local_path(good), "{good} refused");
        }
        for bad in [
            "",
            "frameworks",
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5c%5cevil.example",
            "/\u{0}/evil.example",
            "/\u{a0}/evil.example",
        ] {
            assert!(!is_local_path(bad), "{bad:?} accepted");
        }
        assert!(!is_local_path(&format!("/{}", "a".repeat(3000))));
    }
}

/// The fixed choices of the curation forms, as (stored value, label). The
/// commands accept only these values; the pages show these labels. Each is
/// defined once, by its enum in [`super::commands`].
pub mod choices {
    use super::super::commands::{OfferStatus, PlaceStatus, PricingModel, RouteToMarket};

    pub const ROUTES_TO_MARKET: &[(&str, &str)] = RouteToMarket::CHOICES;
    pub const LOT_SUPPLIER_STATUSES: &[(&str, &str)] = PlaceStatus::CHOICES;
    pub const PRICING_MODELS: &[(&str, &str)] = PricingModel::CHOICES;
    pub const OFFER_STATUSES: &[(&str, &str)] = OfferStatus::CHOICES;
}
