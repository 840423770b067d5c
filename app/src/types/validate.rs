//! Pure checks for submitted values, shared by every command's parser. Each
//! returns the cleaned value or records a GOV.UK-style message against the
//! field's name.
use time::{Date, Month};

use crate::types::FieldErrors;

/// A submission as named values, repeated names kept in order: an HTML
/// form's fields today; a JSON object or an import row flattened to the
/// same names tomorrow. Every command parses from this.
pub struct Input<'a>(pub &'a [(String, String)]);

impl Input<'_> {
    /// The trimmed first value for `name` ("" when absent).
    pub fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The required text `name` (see [`required`]).
    pub fn required(
        &self,
        errors: &mut FieldErrors,
        name: &str,
        label: &str,
        max: usize,
    ) -> String {
        required(errors, name, self.text(name), label, max)
    }

    /// The optional text `name` (see [`optional`]).
    pub fn optional(
        &self,
        errors: &mut FieldErrors,
        name: &str,
        label: &str,
        max: usize,
    ) -> Option<String> {
        optional(errors, name, self.text(name), label, max)
    }

    /// Every non-empty value for `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }
}

/// A required single-line or multi-line text of at most `max` characters.
pub fn required(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    label: &str,
    max: usize,
) -> String {
    if value.is_empty() {
        errors.add(field, format!("Enter {label}"));
    } else {
        max_length(errors, field, value, label, max);
    }
    value.to_owned()
}

/// An optional text: `None` when empty.
pub fn optional(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    label: &str,
    max: usize,
) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    max_length(errors, field, value, label, max);
    Some(value.to_owned())
}

fn max_length(errors: &mut FieldErrors, field: &str, value: &str, label: &str, max: usize) {
    if value.chars().count() > max {
        let mut label = label.to_owned();
        if let Some(first) = label.get(..1) {
            label = first.to_uppercase() + &label[1..];
        }
        errors.add(field, format!("{label} must be {max} characters or fewer"));
    }
}

/// An email address: something@domain.tld, no spaces, at most 320 characters.
pub fn email(errors: &mut FieldErrors, field: &str, value: &str) -> String {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        errors.add(field, "Enter your email address");
        return value;
    }
    let valid = value.chars().count() <= 320
        && !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        errors.add(
            field,
            "Enter an email address in the correct format, like name@example.gov.uk",
        );
    }
    value
}

/// A date entered as three fields (`{field}-day`, `-month`, `-year`), as in
/// the GOV.UK date input. `None` when all three are empty and it is optional.
pub fn date(
    errors: &mut FieldErrors,
    fields: &Input<'_>,
    field: &str,
    label: &str,
    required: bool,
) -> Option<Date> {
    let day = fields.text(&format!("{field}-day"));
    let month = fields.text(&format!("{field}-month"));
    let year = fields.text(&format!("{field}-year"));
    if day.is_empty() && month.is_empty() && year.is_empty() {
        if required {
            errors.add(field, format!("Enter {label}"));
        }
        return None;
    }
    let parsed = (|| {
        let day: u8 = day.parse().ok()?;
        let month: u8 = month.parse().ok()?;
        let year: i32 = year.parse().ok()?;
        if !(1900..=2200).contains(&year) {
            return None;
        }
        Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
    })();
    if parsed.is_none() {
        let mut message = label.to_owned();
        if let Some(first) = message.get(..1) {
            message = first.to_uppercase() + &message[1..];
        }
        errors.add(field, format!("{message} must be a real date"));
    }
    parsed
}

/// A stored date as the three values of its date input (for edit forms).
pub fn date_values(values: &mut Vec<(String, String)>, field: &str, date: Option<Date>) {
    if let Some(date) = date {
        values.push((format!("{field}-day"), date.day().to_string()));
        values.push((format!("{field}-month"), u8::from(date.month()).to_string()));
        values.push((format!("{field}-year"), date.year().to_string()));
    }
}

/// `later` must not be before `earlier` (both optional).
pub fn not_before(
    errors: &mut FieldErrors,
    field: &str,
    later: Option<Date>,
    earlier: Option<Date>,
    message: &str,
) {
    if let (Some(later), Some(earlier)) = (later, earlier)
        && later < earlier
    {
        errors.add(field, message);
    }
}

/// Pounds and pence ("1,250,000" or "99.50", "£" allowed) as pence; never negative.
pub fn money(errors: &mut FieldErrors, field: &str, value: &str, label: &str) -> Option<i64> {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, ',' | '£' | ' '))
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let parsed = (|| {
        if cleaned.starts_with('-') {
            return Err(format!("{label} must be £0 or more"));
        }
        let (pounds, pence) = cleaned.split_once('.').unwrap_or((&cleaned, "0"));
        let bad = || format!("{label} must be an amount of money, like 1250 or 99.50");
        if pounds.is_empty() || !pounds.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if pence.is_empty() || pence.len() > 2 || !pence.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let pounds: i64 = pounds.parse().map_err(|_| bad())?;
        let pence: i64 = format!("{pence:0<2}").parse().map_err(|_| bad())?;
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .filter(|p| *p <= 100_000_000_000_000) // £1 trillion in pence
            .ok_or_else(|| format!("{label} must be £1 trillion or less"))
    })();
    match parsed {
        Ok(pence) => Some(pence),
        Err(message) => {
            let mut message = message;
            if let Some(first) = message.get(..1) {
                message = first.to_uppercase() + &message[1..];
            }
            errors.add(field, message);
            None
        }
    }
}

/// A percentage with up to two decimals ("1", "0.5", "1.25") as basis points.
pub fn percentage(errors: &mut FieldErrors, field: &str, value: &str, label: &str) -> Option<i32> {
    let value = value.trim_end_matches('%').trim();
    if value.is_empty() {
        return None;
    }
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let valid = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= 2
        && fraction.bytes().all(|b| b.is_ascii_digit());
    let points = valid
        .then(|| {
            let whole: i32 = whole.parse().ok()?;
            let fraction: i32 = format!("{fraction:0<2}").parse().ok()?;
            whole.checked_mul(100)?.checked_add(fraction)
        })
        .flatten()
        .filter(|p| *p <= 10_000); // 100% in basis points
    if points.is_none() {
        errors.add(
            field,
            format!("{label} must be a percentage between 0 and 100, like 1 or 0.5"),
        );
    }
    points
}

/// A web address starting with https:// or http://, at most `max` characters.
pub fn url(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    label: &str,
    max: usize,
) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() <= max
        && !value.chars().any(char::is_whitespace)
        && value
            .split("://")
            .nth(1)
            .is_some_and(|rest| rest.contains('.'));
    if !ok {
        errors.add(
            field,
            format!("Enter {label} starting with https://, like https://www.example.gov.uk"),
        );
    }
    Some(value.to_owned())
}

/// A Companies House number: 8 characters, digits or a two-letter prefix
/// (SC, NI, OC…) and six digits. Shorter all-digit numbers are zero-padded.
/// A Companies House number in its stored form (8 characters, digits padded
/// with leading zeros, prefix letters upper case), or `None` if `value` is
/// not one.
pub fn normalise_companies_house_number(value: &str) -> Option<String> {
    let value = value.trim().to_uppercase().replace(' ', "");
    let padded =
        if !value.is_empty() && value.len() < 8 && value.bytes().all(|b| b.is_ascii_digit()) {
            format!("{value:0>8}")
        } else {
            value
        };
    let bytes = padded.as_bytes();
    let ok = bytes.len() == 8
        && (bytes.iter().all(u8::is_ascii_digit)
            || (bytes[..2].iter().all(u8::is_ascii_uppercase)
                && bytes[2..].iter().all(u8::is_ascii_digit)));
    ok.then_some(padded)
}

pub fn companies_house_number(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    let normalised = normalise_companies_house_number(value);
    if normalised.is_none() {
        errors.add(
            field,
            "Enter a Companies House number in the correct format, like 01234567 or SC123456",
        );
    }
    // The entered text, when wrong, so the form can show it again.
    Some(normalised.unwrap_or_else(|| value.trim().to_uppercase().replace(' ', "")))
}

/// CPV codes typed as "72000000", "72000000-5" or a list separated by
/// commas, semicolons, spaces or new lines: each must be 8 digits (the check
/// digit after a hyphen is dropped); repeats are kept once; at most 50.
/// Whether each is in CPV 2008 is for the service to check.
pub fn cpv_codes(errors: &mut FieldErrors, field: &str, value: &str) -> Vec<String> {
    let tokens: Vec<&str> = value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    // The cap comes first, so a long list costs nothing to refuse (the
    // repeat check below is quadratic in the list's length).
    if tokens.len() > 50 {
        errors.add(field, "Enter 50 CPV codes or fewer");
        return Vec::new();
    }
    let mut codes = Vec::new();
    for token in tokens {
        let code = token.split('-').next().unwrap_or_default();
        if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
            errors.add(
                field,
                format!("{token} is not a CPV code: enter 8 digits, like 72000000"),
            );
            return codes;
        }
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    }
    codes
}

/// UK VAT numbers: GB then 9 or 12 digits ("GB" optional when typing).
pub fn vat_number(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let cleaned: String = value
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let digits = cleaned.strip_prefix("GB").unwrap_or(&cleaned);
    if !(digits.len() == 9 || digits.len() == 12) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        errors.add(
            field,
            "Enter a VAT number in the correct format, like GB123456789",
        );
    }
    Some(format!("GB{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).into(), (*b).into()))
            .collect()
    }

    #[test]
    fn dates_must_be_real() {
        let form = pairs(&[
            ("start-day", "29"),
            ("start-month", "2"),
            ("start-year", "2024"),
            ("end-day", "31"),
            ("end-month", "4"),
            ("end-year", "2025"),
        ]);
        let fields = Input(&form);
        let mut errors = FieldErrors::default();
        assert_eq!(
            date(&mut errors, &fields, "start", "the start date", true),
            Some(time::macros::date!(2024 - 02 - 29))
        );
        assert_eq!(
            date(&mut errors, &fields, "end", "the end date", true),
            None
        );
        assert_eq!(
            date(&mut errors, &fields, "other", "the other date", false),
            None
        );
        assert_eq!(
            date(&mut errors, &fields, "needed", "the needed date", true),
            None
        );
        assert_eq!(
            errors
                .0
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>(),
            ["The end date must be a real date", "Enter the needed date"]
        );
    }

    #[test]
    fn money_is_pence_and_never_negative() {
        let mut errors = FieldErrors::default();
        assert_eq!(
            money(&mut errors, "v", "£1,250,000", "Value"),
            Some(125_000_000)
        );
        assert_eq!(money(&mut errors, "v", "99.5", "Value"), Some(9_950));
        assert_eq!(money(&mut errors, "v", "", "Value"), None);
        assert!(errors.is_empty());
        assert_eq!(money(&mut errors, "a", "-5", "Value"), None);
        assert_eq!(money(&mut errors, "b", "12.345", "Value"), None);
        assert_eq!(money(&mut errors, "c", "ten", "Value"), None);
        assert_eq!(errors.0[0].message, "Value must be £0 or more");
        assert_eq!(errors.0.len(), 3);
    }

    #[test]
    fn companies_house_numbers_have_a_fixed_shape() {
        let mut errors = FieldErrors::default();
        assert_eq!(
            companies_house_number(&mut errors, "ch", "1234567"),
            Some("01234567".into())
        );
        assert_eq!(
            companies_house_number(&mut errors, "ch", "sc123456"),
            Some("SC123456".into())
        );
        assert!(errors.is_empty());
        for bad in ["123456789", "S1234567", "AB12345X", "12-45678"] {
            let mut errors = FieldErrors::default();
            companies_house_number(&mut errors, "ch", bad);
            assert!(errors.has("ch"), "{bad} accepted");
        }
    }

    #[test]
    fn text_length_counts_characters() {
        let mut errors = FieldErrors::default();
        required(&mut errors, "t", &"é".repeat(10), "the title", 10);
        assert!(errors.is_empty());
        required(&mut errors, "t", &"é".repeat(11), "the title", 10);
        assert_eq!(
            errors.0[0].message,
            "The title must be 10 characters or fewer"
        );
        required(&mut errors, "u", "", "a title", 10);
        assert_eq!(errors.0[1].message, "Enter a title");
    }

    #[test]
    fn cpv_lists_are_capped_before_anything_else_is_done() {
        let mut errors = FieldErrors::default();
        let long = vec!["72000000"; 51].join(",");
        assert!(cpv_codes(&mut errors, "cpv", &long).is_empty());
        assert_eq!(errors.0[0].message, "Enter 50 CPV codes or fewer");
        let mut errors = FieldErrors::default();
        let fifty = vec!["72000000"; 50].join(" ");
        assert_eq!(cpv_codes(&mut errors, "cpv", &fifty), ["72000000"]);
        assert!(errors.is_empty());
    }

    #[test]
    fn emails_percentages_and_urls() {
        let mut errors = FieldErrors::default();
        assert_eq!(
            email(&mut errors, "e", " Jo@Leeds.Gov.UK "),
            "jo@leeds.gov.uk"
        );
        assert_eq!(percentage(&mut errors, "l", "1.25%", "Levy"), Some(125));
        assert_eq!(
            url(&mut errors, "u", "https://www.ccs.gov.uk", "a link", 500),
            Some("https://www.ccs.gov.uk".into())
        );
        assert!(errors.is_empty());
        email(&mut errors, "e1", "jo at leeds");
        email(&mut errors, "e2", "jo@leeds");
        percentage(&mut errors, "l1", "101", "Levy");
        percentage(&mut errors, "l2", "-1", "Levy");
        url(&mut errors, "u1", "javascript:alert(1)", "a link", 500);
        assert_eq!(errors.0.len(), 5);
    }
}
