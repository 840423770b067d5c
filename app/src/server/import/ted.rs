//! TED (OJEU) contract-award CSV, one row per supplier.
//!
//! Rows are grouped into one contract per notice (`CONTRACT_URL`, keyed by
//! the TED notice number in it, e.g. `001412-2020`). The file has no CPV
//! codes and no contract period: those stay empty rather than guessed.
//! `CONTRACT_VALUE` is either a value or a range `low-high` (TED's lowest
//! and highest offers considered), kept as a range. When a notice's rows
//! carry the same value it is the notice's value; when they differ, each
//! row is a separate lot's award and the values are added up.
use std::collections::HashMap;

use super::csv_rows::{Columns, Row, for_each_row};
use super::text::{self, clean, clean_block};
use super::{
    BuyerParty, FileRead, Identifier, Location, Money, Notice, NoticeKind, ReadNotice, Source,
    SupplierParty,
};
use crate::types::validate::normalise_companies_house_number;

const SUPPLIER_NAME: &str = "SUPPLIER_NAME";
const SUPPLIER_ID: &str = "SUPPLIER_ID";
const BUYER: &str = "CONTRACT_BUYER";
const TITLE: &str = "CONTRACT_TITLE";
const DATE: &str = "CONTRACT_DATE";
const DESCRIPTION: &str = "CONTRACT_DESC";
const URL: &str = "CONTRACT_URL";
const VALUE: &str = "CONTRACT_VALUE";
const CURRENCY: &str = "CONTRACT_CURRENCY";

const REQUIRED: &[&str] = &[BUYER, TITLE, URL];
const OPTIONAL: &[&str] = &[
    SUPPLIER_NAME,
    SUPPLIER_ID,
    DATE,
    DESCRIPTION,
    VALUE,
    CURRENCY,
];

/// `http://ted.europa.eu/udl?uri=TED:NOTICE:001412-2020:TEXT:EN:HTML` → `001412-2020`.
pub fn notice_number(url: &str) -> String {
    url.split("TED:NOTICE:")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .filter(|n| !n.is_empty())
        .map_or_else(|| url.trim().to_owned(), str::to_owned)
}

fn value_of(row: &Row<'_>) -> Money {
    let raw = row.text(VALUE).trim();
    // A range: two amounts joined by a hyphen (amounts are never negative).
    if let Some((low, high)) = raw.split_once('-')
        && !low.trim().is_empty()
    {
        let low = row.warnings.keep(VALUE, text::pence(low));
        let high = row.warnings.keep(VALUE, text::pence(high));
        return match (low, high) {
            (Some(lo), Some(hi)) if lo < hi => Money::Range(lo, hi),
            (Some(v), _) | (None, Some(v)) => Money::Exact(v),
            (None, None) => Money::Unknown,
        };
    }
    row.pence(VALUE).map_or(Money::Unknown, Money::Exact)
}

struct Group {
    notice: Notice,
    line: u64,
    values: Vec<Money>,
    warnings: Vec<String>,
}

/// Reads a TED award CSV (already decompressed).
pub fn read(file: &str, bytes: &[u8]) -> FileRead {
    let columns = Columns::new(REQUIRED, OPTIONAL);
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Group> = HashMap::new();
    for_each_row(file, bytes, &columns, |row| {
        let key = notice_number(&row.required(URL)?);
        if key.chars().count() > super::MAX_KEY_CHARS {
            return Err(row.error(
                URL,
                format!(
                    "names no TED notice number and is longer than {} characters",
                    super::MAX_KEY_CHARS
                ),
            ));
        }
        let value = value_of(row);
        let supplier = clean(row.text(SUPPLIER_NAME)).map(|name| {
            let raw_id = row.text(SUPPLIER_ID);
            let companies_house_number = normalise_companies_house_number(raw_id);
            SupplierParty {
                name: text::at_most(name, 300),
                identifiers: companies_house_number
                    .iter()
                    .filter_map(|n| Identifier::new("GB-COH", n))
                    .collect(),
                companies_house_number,
                is_sme: None,
                is_vcse: None,
            }
        });
        if let Some(group) = groups.get_mut(&key) {
            if let Some(s) = supplier
                && !group.notice.suppliers.iter().any(|k| k.name == s.name)
            {
                group.notice.suppliers.push(s);
            }
            group.values.push(value);
            group.warnings.extend(row.warnings.take());
            return Ok(());
        }
        let date = row.date(DATE);
        let notice = Notice {
            source: Source::TedCsv,
            source_id: key.clone(),
            ocid: None,
            release_id: key.clone(),
            release_date: date.map(|d| d.midnight().assume_utc()),
            kind: NoticeKind::Contract,
            title: text::at_most(row.required(TITLE)?, 500),
            description: clean_block(row.text(DESCRIPTION)).map(|d| text::at_most(d, 20_000)),
            buyers: vec![BuyerParty {
                name: row.required(BUYER)?,
                identifiers: Vec::new(),
            }],
            suppliers: supplier.into_iter().collect(),
            cpv_codes: Vec::new(),
            value: Money::Unknown,
            currency: clean(row.text(CURRENCY))
                .map(|c| c.to_uppercase())
                .filter(|c| c.len() == 3)
                .unwrap_or_else(|| "GBP".into()),
            start_date: None,
            end_date: None,
            award_date: date,
            procurement_method: None,
            call_off: None,
        };
        order.push(key.clone());
        groups.insert(
            key,
            Group {
                notice,
                line: row.line,
                values: vec![value],
                warnings: row.warnings.take(),
            },
        );
        Ok(())
    })?;
    Ok(order
        .into_iter()
        .filter_map(|key| groups.remove(&key))
        .map(|mut group| {
            group.notice.value = combined(&group.values);
            ReadNotice {
                notice: group.notice,
                location: Location::Line(group.line),
                warnings: group.warnings,
            }
        })
        .collect())
}

/// One value for a notice from its rows' values (see the module header).
fn combined(values: &[Money]) -> Money {
    let known: Vec<Money> = values
        .iter()
        .copied()
        .filter(|v| *v != Money::Unknown)
        .collect();
    match known.first() {
        None => Money::Unknown,
        Some(first) if known.iter().all(|v| v == first) => *first,
        Some(_) => {
            let (mut lo, mut hi) = (0i64, 0i64);
            for v in &known {
                let (l, h) = v.bounds();
                lo = lo.saturating_add(l.unwrap_or(0));
                hi = hi.saturating_add(h.unwrap_or(0));
            }
            if lo == hi {
                Money::Exact(lo)
            } else {
                Money::Range(lo, hi)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "SUPPLIER_NAME,SUPPLIER_ID,SUPPLIER_POSTCODE,SUPPLIER_COUNTRY,NUM_SUPPLIERS,CONTRACT_BUYER,CONTRACT_BUYER_POSTCODE,CONTRACT_TITLE,CONTRACT_DATE,CONTRACT_DESC,CONTRACT_URL,CONTRACT_VALUE,CONTRACT_CURRENCY\n";

    #[test]
    fn rows_of_one_notice_make_one_contract() {
        let csv = format!(
            "{HEADER}A Ltd,OC 303675,,UK,2,Leeds City Council,LS1,Salt,20200103,Rock salt,http://ted.europa.eu/udl?uri=TED:NOTICE:001412-2020:TEXT:EN:HTML,10000000,GBP\n\
             B Ltd,6677561,,UK,2,Leeds City Council,LS1,Salt,20200103,Rock salt,http://ted.europa.eu/udl?uri=TED:NOTICE:001412-2020:TEXT:EN:HTML,10000000,GBP\n\
             C Ltd,,,UK,1,Kent County Council,ME1,Vans,20200104,,http://ted.europa.eu/udl?uri=TED:NOTICE:001500-2020:TEXT:EN:HTML,1000000-4000000,EUR\n"
        );
        let read = read("ted.csv", csv.as_bytes()).unwrap();
        assert_eq!(read.len(), 2);
        let salt = &read[0].notice;
        assert_eq!(salt.source_id, "001412-2020");
        assert_eq!(salt.suppliers.len(), 2);
        assert_eq!(
            salt.suppliers[0].companies_house_number.as_deref(),
            Some("OC303675")
        );
        assert_eq!(
            salt.suppliers[1].companies_house_number.as_deref(),
            Some("06677561")
        );
        assert_eq!(
            salt.value,
            Money::Exact(1_000_000_000),
            "the repeated value, not a sum"
        );
        assert!(salt.cpv_codes.is_empty());
        let vans = &read[1].notice;
        assert_eq!(vans.value, Money::Range(100_000_000, 400_000_000));
        assert_eq!(vans.currency, "EUR");
        assert_eq!(read[1].location, Location::Line(4));
    }

    #[test]
    fn differing_row_values_are_lots_and_add_up() {
        assert_eq!(
            combined(&[Money::Exact(5), Money::Exact(7)]),
            Money::Exact(12)
        );
        assert_eq!(
            combined(&[Money::Unknown, Money::Exact(7)]),
            Money::Exact(7)
        );
        assert_eq!(
            combined(&[Money::Range(1, 3), Money::Exact(7)]),
            Money::Range(8, 10)
        );
    }

    #[test]
    fn an_unreadable_value_is_left_out_with_a_warning() {
        let csv = format!("{HEADER}A,,,,1,Leeds,,T,20200103,,u1,lots,GBP\n");
        let notices = read("ted.csv", csv.as_bytes()).unwrap();
        assert_eq!(notices[0].notice.value, Money::Unknown);
        assert_eq!(
            notices[0].warnings,
            ["CONTRACT_VALUE: \"lots\" is not an amount of money; left out"]
        );
        let missing = read("ted.csv", b"SUPPLIER_NAME,CONTRACT_URL\nA,u\n").unwrap_err();
        assert!(
            missing.message.contains("CONTRACT_BUYER, CONTRACT_TITLE"),
            "{missing}"
        );
    }
}
