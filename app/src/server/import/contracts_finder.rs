//! The Contracts Finder CSV export (43 columns, awarded and open notices).
//!
//! Awarded notices are contracts; every other status (Open, Closed,
//! Withdrawn…) of a Contract, Pipeline or PreProcurement notice is a
//! planned purchase. The supplier column packs every supplier as
//! `[Name|Address|Ref type|Ref Number|Is SME|Is VCSE]` groups, and an
//! address may itself hold `|`, so a group is read from both ends.
use super::call_off;
use super::csv_rows::{Columns, Row, for_each_row};
use super::text::{self, clean, clean_block};
use super::{
    BuyerParty, CallOffFacts, FileRead, Identifier, Location, Money, Notice, NoticeKind,
    ReadNotice, Source, SupplierParty,
};
use crate::types::validate::normalise_companies_house_number;

pub const NOTICE_IDENTIFIER: &str = "Notice Identifier";
const NOTICE_TYPE: &str = "Notice Type";
pub const ORGANISATION_NAME: &str = "Organisation Name";
const STATUS: &str = "Status";
const PUBLISHED_DATE: &str = "Published Date";
pub const TITLE: &str = "Title";
const DESCRIPTION: &str = "Description";
const CPV_CODES: &str = "Cpv Codes";
const START_DATE: &str = "Start Date";
const END_DATE: &str = "End Date";
const CLOSING_DATE: &str = "Closing Date";
const VALUE_LOW: &str = "Value Low";
const VALUE_HIGH: &str = "Value High";
const AWARDED_DATE: &str = "Awarded Date";
const AWARDED_VALUE: &str = "Awarded Value";
pub const SUPPLIERS: &str = "Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]";
const CONTRACT_START: &str = "Contract start date";
const CONTRACT_END: &str = "Contract end date";
const PROCEDURE: &str = "OJEU Procedure Type";

const REQUIRED: &[&str] = &[NOTICE_IDENTIFIER, ORGANISATION_NAME, STATUS, TITLE];
const OPTIONAL: &[&str] = &[
    NOTICE_TYPE,
    PUBLISHED_DATE,
    DESCRIPTION,
    CPV_CODES,
    START_DATE,
    END_DATE,
    CLOSING_DATE,
    VALUE_LOW,
    VALUE_HIGH,
    AWARDED_DATE,
    AWARDED_VALUE,
    SUPPLIERS,
    CONTRACT_START,
    CONTRACT_END,
    PROCEDURE,
];

/// The `[…][…]` groups of the supplier column.
fn supplier_groups(value: &str) -> Vec<&str> {
    let value = value.trim();
    let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) else {
        return Vec::new();
    };
    inner.split("][").collect()
}

/// One supplier group; `None` when it names no one.
pub fn supplier(group: &str) -> Option<SupplierParty> {
    let fields: Vec<&str> = group.split('|').collect();
    let name = clean(fields.first()?)?;
    // Name | Address (may contain |) | Ref type | Ref number | SME | VCSE
    let (ref_type, ref_number, sme, vcse) = if fields.len() >= 6 {
        let n = fields.len();
        (fields[n - 4], fields[n - 3], fields[n - 2], fields[n - 1])
    } else {
        ("", "", "", "")
    };
    let mut identifiers = Vec::new();
    let mut companies_house_number = None;
    let scheme = match ref_type.trim() {
        "COMPANIES_HOUSE" => Some("GB-COH"),
        "CHARITY_COMMISSION" => Some("GB-CHC"),
        _ => None,
    };
    if let Some(scheme) = scheme
        && let Some(identifier) = Identifier::new(scheme, ref_number)
    {
        if scheme == "GB-COH" {
            companies_house_number = normalise_companies_house_number(ref_number);
        }
        identifiers.push(identifier);
    }
    Some(SupplierParty {
        name: text::at_most(name, 300),
        companies_house_number,
        identifiers,
        is_sme: text::yes_no(sme),
        is_vcse: text::yes_no(vcse),
    })
}

fn planned_status(status: &str) -> &'static str {
    match status.trim().to_ascii_lowercase().as_str() {
        "open" | "active" => "open",
        "closed" => "closed",
        "withdrawn" | "cancelled" => "cancelled",
        _ => "open",
    }
}

fn notice(row: &Row<'_>) -> Result<Notice, super::ReadError> {
    let source_id = row.required(NOTICE_IDENTIFIER)?;
    if source_id.chars().count() > super::MAX_KEY_CHARS {
        return Err(row.error(
            NOTICE_IDENTIFIER,
            format!("is longer than {} characters", super::MAX_KEY_CHARS),
        ));
    }
    let buyer = row.required(ORGANISATION_NAME)?;
    let title = row.required(TITLE)?;
    let status = row.text(STATUS);
    let awarded = status.trim().eq_ignore_ascii_case("awarded");
    let suppliers: Vec<SupplierParty> = supplier_groups(row.text(SUPPLIERS))
        .into_iter()
        .filter_map(supplier)
        .fold(Vec::new(), |mut all, s| {
            if !all.iter().any(|k: &SupplierParty| k.name == s.name) {
                all.push(s);
            }
            all
        });
    let procedure = clean(row.text(PROCEDURE));
    let (low, high) = (row.pence(VALUE_LOW), row.pence(VALUE_HIGH));
    let (kind, value, start, end) = if awarded {
        let value = match row.pence(AWARDED_VALUE) {
            Some(v) => Money::Exact(v),
            None => Money::Unknown,
        };
        (
            NoticeKind::Contract,
            value,
            row.date(CONTRACT_START).or(row.date(START_DATE)),
            row.date(CONTRACT_END).or(row.date(END_DATE)),
        )
    } else {
        let value = match (low.filter(|v| *v > 0), high.filter(|v| *v > 0)) {
            (Some(lo), Some(hi)) if lo < hi => Money::Range(lo, hi),
            (_, Some(v)) | (Some(v), None) => Money::Exact(v),
            (None, None) => Money::Unknown,
        };
        (
            NoticeKind::Planned {
                notice_type: clean(row.text(NOTICE_TYPE)).unwrap_or_else(|| "Contract".into()),
                status: planned_status(status).into(),
                closing_date: row.date(CLOSING_DATE),
            },
            value,
            row.date(START_DATE),
            row.date(END_DATE),
        )
    };
    let description = clean_block(row.text(DESCRIPTION));
    let call_off = procedure
        .as_deref()
        .is_some_and(call_off::says_call_off)
        .then(|| CallOffFacts {
            framework_reference: call_off::framework_reference(
                [Some(title.as_str()), description.as_deref()]
                    .into_iter()
                    .flatten(),
            ),
        });
    let release_date = row.moment(PUBLISHED_DATE);
    Ok(Notice {
        source: Source::ContractsFinderCsv,
        release_id: source_id.clone(),
        source_id,
        ocid: None,
        release_date,
        kind,
        title: text::at_most(title, 500),
        description: description.map(|d| text::at_most(d, 20_000)),
        buyers: vec![BuyerParty {
            name: buyer,
            identifiers: Vec::new(),
        }],
        suppliers,
        cpv_codes: text::cpv_codes(row.text(CPV_CODES)),
        value,
        currency: "GBP".into(),
        start_date: start,
        end_date: end,
        award_date: row.date(AWARDED_DATE),
        procurement_method: procedure.map(|p| text::at_most(p, 100)),
        call_off,
    })
}

/// Reads a Contracts Finder CSV export (already decompressed).
pub fn read(file: &str, bytes: &[u8]) -> FileRead {
    let columns = Columns::new(REQUIRED, OPTIONAL);
    let mut notices = Vec::new();
    for_each_row(file, bytes, &columns, |row| {
        notices.push(ReadNotice {
            notice: notice(row)?,
            location: Location::Line(row.line),
            warnings: row.warnings.take(),
        });
        Ok(())
    })?;
    Ok(notices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplier_groups_read_from_both_ends() {
        let groups = supplier_groups(
            "[Sodexo Ltd|UNIT 5 | ALBANY PARK | CAMBERLEY|COMPANIES_HOUSE|2402295|No|No][change, grow, live (CGL)|BN1 1YR|NONE||Yes|Yes]",
        );
        assert_eq!(groups.len(), 2);
        let sodexo = supplier(groups[0]).unwrap();
        assert_eq!(sodexo.name, "Sodexo Ltd");
        assert_eq!(sodexo.companies_house_number.as_deref(), Some("02402295"));
        assert_eq!(sodexo.is_sme, Some(false));
        let cgl = supplier(groups[1]).unwrap();
        assert_eq!(cgl.name, "change, grow, live (CGL)");
        assert_eq!((cgl.is_sme, cgl.is_vcse), (Some(true), Some(true)));
        assert!(cgl.identifiers.is_empty());
        assert_eq!(supplier_groups(""), Vec::<&str>::new());
    }
}
