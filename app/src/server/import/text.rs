//! Reading the values publishers write: dates in three layouts, amounts of
//! money with or without pound signs and commas, CPV codes with or without
//! check digits, and text with stray whitespace.
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Trimmed text with runs of whitespace made one space; `None` when empty.
pub fn clean(value: &str) -> Option<String> {
    let joined = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// Trimmed text keeping its line breaks (descriptions); `None` when empty.
pub fn clean_block(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.replace("\r\n", "\n"))
}

/// Cuts `value` to at most `max` characters (on a character boundary).
pub fn at_most(value: String, max: usize) -> String {
    match value.char_indices().nth(max) {
        Some((cut, _)) => value[..cut].to_owned(),
        None => value,
    }
}

fn date_of(year: &str, month: &str, day: &str) -> Option<Date> {
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    let day: u8 = day.parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// A date as published: `2020-10-01` (with or without a time after it),
/// `01/10/2020` (UK order) or `20201001`. `Err` names what was found.
pub fn date(value: &str) -> Result<Option<Date>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{value:?} is not a date (expected 2020-10-01 or 01/10/2020)");
    let ascii = value.is_ascii();
    let found = if ascii && value.len() >= 10 && value.as_bytes()[4] == b'-' {
        date_of(&value[..4], &value[5..7], &value[8..10])
    } else if ascii && value.len() >= 10 && value.as_bytes()[2] == b'/' {
        date_of(&value[6..10], &value[3..5], &value[..2])
    } else if ascii && value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
        date_of(&value[..4], &value[4..6], &value[6..8])
    } else {
        None
    };
    found.map(Some).ok_or_else(bad)
}

/// A moment as published: RFC 3339 (`2025-01-23T22:10:19Z`), or a bare
/// date taken as midnight UTC.
pub fn moment(value: &str) -> Result<Option<OffsetDateTime>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if let Ok(parsed) = OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
    {
        return Ok(Some(parsed));
    }
    // "2019-03-01T00:00:00" without an offset: read as UTC.
    if value.len() == 19
        && let Ok(parsed) = PrimitiveDateTime::parse(
            value,
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        )
    {
        return Ok(Some(parsed.assume_utc()));
    }
    date(value).map(|d| d.map(|d| PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc()))
}

/// Most a single value may be: £1 trillion, in pence.
const MAX_PENCE: i64 = 100_000_000_000_000;

/// An amount in pounds as a number (JSON) → whole pence.
pub fn pence_of_number(pounds: f64) -> Result<i64, String> {
    if !pounds.is_finite() || pounds < 0.0 {
        return Err(format!("{pounds} is not an amount of money of £0 or more"));
    }
    let pence = (pounds * 100.0).round();
    if pence > MAX_PENCE as f64 {
        return Err(format!("{pounds} is more than £1 trillion"));
    }
    Ok(pence as i64)
}

/// An amount in pounds as text (`10767029`, `1,200.50`, `£250000`) → pence.
pub fn pence(value: &str) -> Result<Option<i64>, String> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '£' | ' '))
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{:?} is not an amount of money", value.trim());
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 15
    {
        return Err(bad());
    }
    let pounds: f64 = cleaned.parse().map_err(|_| bad())?;
    pence_of_number(pounds).map(Some)
}

/// Eight-digit CPV codes in `value` (`"85000000 85311000"`, `"72000000-4"`),
/// in order, without repeats; other tokens are ignored.
pub fn cpv_codes(value: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for token in value.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        let code = token.split('-').next().unwrap_or_default();
        if code.len() == 8
            && code.bytes().all(|b| b.is_ascii_digit())
            && !codes.iter().any(|c| c == code)
        {
            codes.push(code.to_owned());
        }
    }
    codes
}

/// A yes/no as published ("Yes", "NO", "true"), `None` when absent or other.
pub fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Some(true),
        "no" | "n" | "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_every_published_layout() {
        assert_eq!(
            date("2020-10-01T00:00:00Z"),
            Ok(Some(date!(2020 - 10 - 01)))
        );
        assert_eq!(date("01/10/2020"), Ok(Some(date!(2020 - 10 - 01))));
        assert_eq!(date("20200103"), Ok(Some(date!(2020 - 01 - 03))));
        assert_eq!(date("  "), Ok(None));
        assert!(date("31/02/2020").unwrap_err().contains("31/02/2020"));
        assert!(date("soon").is_err());
        assert!(date("é1/02/2020").is_err(), "multibyte text must not panic");
    }

    #[test]
    fn moments_with_and_without_offsets() {
        let m = moment("2025-01-23T22:10:19Z").unwrap().unwrap();
        assert_eq!(m.unix_timestamp(), 1_737_670_219);
        let local = moment("2019-03-01T00:00:00").unwrap().unwrap();
        assert_eq!(local.date(), date!(2019 - 03 - 01));
        assert_eq!(
            moment("2019-03-01").unwrap().unwrap().date(),
            date!(2019 - 03 - 01)
        );
    }

    #[test]
    fn money_as_text_and_number() {
        assert_eq!(pence("10767029"), Ok(Some(1_076_702_900)));
        assert_eq!(pence("£1,200.5"), Ok(Some(120_050)));
        assert_eq!(pence(""), Ok(None));
        assert!(pence("1000000-4000000").is_err());
        assert!(pence("-5").is_err());
        assert_eq!(pence_of_number(93007.0), Ok(9_300_700));
        assert!(pence_of_number(f64::NAN).is_err());
        assert!(pence_of_number(1e20).is_err());
    }

    #[test]
    fn cpv_codes_and_text() {
        assert_eq!(
            cpv_codes("85000000 85311000 85000000"),
            ["85000000", "85311000"]
        );
        assert_eq!(cpv_codes("72000000-4, nonsense 123"), ["72000000"]);
        assert_eq!(clean("  Parking \n Pilot "), Some("Parking Pilot".into()));
        assert_eq!(at_most("abcdé".into(), 4), "abcd");
        assert_eq!(yes_no("NO"), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }
}
