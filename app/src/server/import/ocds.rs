//! OCDS 1.1 in: release packages, record packages (the compiled release,
//! else the latest embedded release), bare releases and records, arrays of
//! them, and JSON Lines of any of these — gzip or plain.
//!
//! Mapping (one release → one [`Notice`]):
//! - key: the ocid (one contract per contracting process); the release id,
//!   or `ocid@date` when a publisher (Public Contracts Scotland) leaves the
//!   required `id` out;
//! - buyers: `buyer` and every party with the `buyer` role, with the
//!   party's identifiers; suppliers: the suppliers of every award that is
//!   not cancelled or unsuccessful, with Companies House numbers from
//!   `GB-COH` identifiers and SME/VCSE from `details.scale` / `details.vcse`;
//! - CPV codes from the tender's, items' and awards' classifications;
//! - value: the sum of the live awards' values, else the contracts', else
//!   (for a planned purchase) the tender's range;
//! - a release with no supplier is a planned purchase (planning, tender);
//! - call-offs: a `relatedProcesses` entry with relationship `framework`,
//!   or a procurement method stating one; the framework reference is taken
//!   from the related process, else from the title or description.
//!
//! Wrong types are errors naming the JSON pointer; unknown fields are ignored.
use serde_json::Value;

use super::call_off;
use super::text::{self, clean, clean_block};
use super::{
    BuyerParty, CallOffFacts, FileRead, Identifier, Location, Money, Notice, NoticeKind, ReadError,
    ReadNotice, Source, SupplierParty, Warnings,
};
use crate::types::validate::normalise_companies_house_number;

/// An error at a pointer, before the file and line are known.
struct FieldError {
    pointer: String,
    message: String,
}

type Field<T> = Result<T, FieldError>;

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Owned pointers for children (`At` borrows its pointer).
struct Path(String);

impl Path {
    fn child(&self, key: &str) -> Path {
        Path(format!(
            "{}/{}",
            self.0,
            key.replace('~', "~0").replace('/', "~1")
        ))
    }
    fn index(&self, i: usize) -> Path {
        Path(format!("{}/{i}", self.0))
    }
}

fn wrong(path: &Path, expected: &str, found: &Value) -> FieldError {
    FieldError {
        pointer: if path.0.is_empty() {
            "/".into()
        } else {
            path.0.clone()
        },
        message: format!("expected {expected}, found {}", kind_of(found)),
    }
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

fn string<'a>(value: &'a Value, key: &str, path: &Path) -> Field<Option<&'a str>> {
    match get(value, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong(&path.child(key), "text", other)),
    }
}

/// Identifiers are text, but some publishers write them as numbers.
fn id_text(value: &Value, key: &str, path: &Path) -> Field<Option<String>> {
    match get(value, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(wrong(&path.child(key), "text", other)),
    }
}

fn object<'a>(value: &'a Value, key: &str, path: &Path) -> Field<Option<&'a Value>> {
    match get(value, key) {
        None => Ok(None),
        Some(v @ Value::Object(_)) => Ok(Some(v)),
        Some(other) => Err(wrong(&path.child(key), "an object", other)),
    }
}

fn array<'a>(value: &'a Value, key: &str, path: &Path) -> Field<&'a [Value]> {
    match get(value, key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(wrong(&path.child(key), "a list", other)),
    }
}

/// An optional date: text of the wrong type is an error, text that is not a
/// date is left out with a warning.
fn date_at(
    value: &Value,
    key: &str,
    path: &Path,
    warnings: &Warnings,
) -> Field<Option<time::Date>> {
    let Some(s) = string(value, key, path)? else {
        return Ok(None);
    };
    Ok(warnings.keep(&path.child(key).0, text::date(s)))
}

/// An OCDS Value object's amount (pence) and currency.
fn money(value: &Value, key: &str, path: &Path) -> Field<Option<(i64, Option<String>)>> {
    let Some(object) = object(value, key, path)? else {
        return Ok(None);
    };
    let path = path.child(key);
    let currency = string(object, "currency", &path)?.map(str::to_owned);
    match get(object, "amount") {
        None => Ok(None),
        Some(Value::Number(n)) => {
            let pence = n
                .as_f64()
                .ok_or_else(|| wrong(&path.child("amount"), "a number", &Value::Null))
                .and_then(|p| {
                    text::pence_of_number(p).map_err(|message| FieldError {
                        pointer: path.child("amount").0,
                        message,
                    })
                })?;
            Ok(Some((pence, currency)))
        }
        Some(other) => Err(wrong(&path.child("amount"), "a number", other)),
    }
}

/// Party id → (identifiers, details) for joining buyers and suppliers to parties.
fn party_identifiers(party: &Value, path: &Path) -> Field<Vec<Identifier>> {
    let mut found = Vec::new();
    let mut push = |scheme: Option<&str>, id: Option<String>| {
        if let (Some(scheme), Some(id)) = (scheme, id)
            && let Some(identifier) = Identifier::new(scheme, &id)
            && !found.contains(&identifier)
        {
            found.push(identifier);
        }
    };
    if let Some(identifier) = object(party, "identifier", path)? {
        let p = path.child("identifier");
        push(
            string(identifier, "scheme", &p)?,
            id_text(identifier, "id", &p)?,
        );
    }
    for (i, extra) in array(party, "additionalIdentifiers", path)?
        .iter()
        .enumerate()
    {
        let p = path.child("additionalIdentifiers").index(i);
        push(string(extra, "scheme", &p)?, id_text(extra, "id", &p)?);
    }
    // The party id itself, when it is a scheme-prefixed id (GB-CFS-18525).
    if let Some(id) = id_text(party, "id", path)?
        && let Some((scheme, rest)) = split_prefixed(&id)
    {
        push(Some(&scheme), Some(rest.to_owned()));
    }
    Ok(found)
}

/// `GB-CFS-18525` → (`GB-CFS`, `18525`); org-id.guide prefixes are
/// two letters, a hyphen, then letters.
fn split_prefixed(id: &str) -> Option<(String, &str)> {
    let mut parts = id.splitn(3, '-');
    let (country, list, rest) = (parts.next()?, parts.next()?, parts.next()?);
    let letters = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    (letters(country, 2..=2) && letters(list, 2..=8) && !rest.is_empty())
        .then(|| (format!("{country}-{list}").to_uppercase(), rest))
}

struct Party<'a> {
    value: &'a Value,
    path: Path,
}

fn parties_of<'a>(release: &'a Value, path: &Path) -> Field<Vec<Party<'a>>> {
    Ok(array(release, "parties", path)?
        .iter()
        .enumerate()
        .map(|(i, value)| Party {
            value,
            path: path.child("parties").index(i),
        })
        .collect())
}

fn has_role(party: &Value, role: &str) -> bool {
    party
        .get("roles")
        .and_then(Value::as_array)
        .is_some_and(|roles| roles.iter().any(|r| r.as_str() == Some(role)))
}

fn buyers(release: &Value, path: &Path, parties: &[Party<'_>]) -> Field<Vec<BuyerParty>> {
    let mut buyers: Vec<BuyerParty> = Vec::new();
    let mut add = |name: Option<&str>, identifiers: Vec<Identifier>| {
        let Some(name) = name.and_then(clean) else {
            return;
        };
        if !buyers.iter().any(|b| b.name == name) {
            buyers.push(BuyerParty { name, identifiers });
        }
    };
    if let Some(buyer) = object(release, "buyer", path)? {
        let p = path.child("buyer");
        let id = id_text(buyer, "id", &p)?;
        let party = parties.iter().find(|party| {
            id.is_some() && party.value.get("id").and_then(|v| v.as_str()) == id.as_deref()
        });
        let mut identifiers = match party {
            Some(party) => party_identifiers(party.value, &party.path)?,
            None => Vec::new(),
        };
        if let Some((scheme, rest)) = id.as_deref().and_then(split_prefixed) {
            let identifier = Identifier::new(&scheme, rest).expect("non-empty");
            if !identifiers.contains(&identifier) {
                identifiers.push(identifier);
            }
        }
        let name = string(buyer, "name", &p)?.or(party
            .map(|p| string(p.value, "name", &p.path))
            .transpose()?
            .flatten());
        add(name, identifiers);
    }
    for party in parties.iter().filter(|p| has_role(p.value, "buyer")) {
        add(
            string(party.value, "name", &party.path)?,
            party_identifiers(party.value, &party.path)?,
        );
    }
    Ok(buyers)
}

fn supplier_from(
    reference: &Value,
    path: &Path,
    parties: &[Party<'_>],
) -> Field<Option<SupplierParty>> {
    let id = id_text(reference, "id", path)?;
    let party = parties.iter().find(|party| {
        id.is_some() && party.value.get("id").and_then(|v| v.as_str()) == id.as_deref()
    });
    let name = string(reference, "name", path)?
        .or(party
            .map(|p| string(p.value, "name", &p.path))
            .transpose()?
            .flatten())
        .and_then(clean);
    let Some(name) = name else { return Ok(None) };
    let identifiers = match party {
        Some(party) => party_identifiers(party.value, &party.path)?,
        None => Vec::new(),
    };
    let companies_house_number = identifiers
        .iter()
        .filter(|i| i.scheme == "GB-COH")
        .find_map(|i| normalise_companies_house_number(&i.value));
    let (mut is_sme, mut is_vcse) = (None, None);
    if let Some(party) = party
        && let Some(details) = object(party.value, "details", &party.path)?
    {
        let p = party.path.child("details");
        is_sme = string(details, "scale", &p)?.map(|s| s == "sme" || s == "micro");
        is_vcse = match get(details, "vcse") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => return Err(wrong(&p.child("vcse"), "true or false", other)),
        };
    }
    Ok(Some(SupplierParty {
        name: text::at_most(name, 300),
        companies_house_number,
        identifiers,
        is_sme,
        is_vcse,
    }))
}

fn classification_code(
    holder: &Value,
    key: &str,
    path: &Path,
    codes: &mut Vec<String>,
) -> Field<()> {
    if let Some(c) = object(holder, key, path)? {
        let p = path.child(key);
        let scheme = string(c, "scheme", &p)?.unwrap_or("CPV");
        if (scheme.eq_ignore_ascii_case("CPV") || scheme.eq_ignore_ascii_case("CPVS"))
            && let Some(id) = id_text(c, "id", &p)?
        {
            add_codes(codes, &id);
        }
    }
    Ok(())
}

/// Adds the CPV codes in `id` that are not listed yet.
fn add_codes(codes: &mut Vec<String>, id: &str) {
    for code in text::cpv_codes(id) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
}

fn item_codes(holder: &Value, path: &Path, codes: &mut Vec<String>) -> Field<()> {
    for (i, item) in array(holder, "items", path)?.iter().enumerate() {
        let p = path.child("items").index(i);
        classification_code(item, "classification", &p, codes)?;
        for (j, extra) in array(item, "additionalClassifications", &p)?
            .iter()
            .enumerate()
        {
            let pp = p.child("additionalClassifications").index(j);
            if let Some(id) = id_text(extra, "id", &pp)?
                && string(extra, "scheme", &pp)?.is_none_or(|s| s.eq_ignore_ascii_case("CPV"))
            {
                add_codes(codes, &id);
            }
        }
    }
    Ok(())
}

/// Maps one release. `source_hint` names the publisher when the caller knows it.
fn map_release(release: &Value, path: &Path, warnings: &Warnings) -> Field<Notice> {
    if !release.is_object() {
        return Err(wrong(path, "an OCDS release (an object)", release));
    }
    let ocid = string(release, "ocid", path)?
        .and_then(clean)
        .ok_or_else(|| FieldError {
            pointer: path.child("ocid").0,
            message: "the release has no ocid (required)".into(),
        })?;
    let release_date = match string(release, "date", path)? {
        None => None,
        Some(s) => warnings.keep(&path.child("date").0, text::moment(s)),
    };
    let release_id = match id_text(release, "id", path)?.and_then(|s| clean(&s)) {
        Some(id) => id,
        // Public Contracts Scotland publishes no release id: the ocid and
        // date identify the release as well (and are stable across imports).
        None => format!(
            "{ocid}@{}",
            string(release, "date", path)?.unwrap_or("undated")
        ),
    };
    let tags: Vec<String> = array(release, "tag", path)?
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    let parties = parties_of(release, path)?;
    let tender = object(release, "tender", path)?;
    let tender_path = path.child("tender");
    let awards = array(release, "awards", path)?;
    let contracts = array(release, "contracts", path)?;

    // Title and description: the tender's, else the first award's or contract's.
    let mut title = None;
    let mut description = None;
    if let Some(t) = tender {
        title = string(t, "title", &tender_path)?.and_then(clean);
        description = string(t, "description", &tender_path)?.and_then(clean_block);
    }
    for (key, list) in [("awards", awards), ("contracts", contracts)] {
        for (i, a) in list.iter().enumerate() {
            let p = path.child(key).index(i);
            if title.is_none() {
                title = string(a, "title", &p)?.and_then(clean);
            }
            if description.is_none() {
                description = string(a, "description", &p)?.and_then(clean_block);
            }
        }
    }
    if title.is_none()
        && let Some(planning) = object(release, "planning", path)?
        && let Some(budget) = object(planning, "budget", &path.child("planning"))?
    {
        title = string(
            budget,
            "description",
            &path.child("planning").child("budget"),
        )?
        .and_then(clean);
    }
    let title = title.ok_or_else(|| FieldError {
        pointer: tender_path.child("title").0,
        message: "the release has no title (tender, award or contract)".into(),
    })?;

    let buyers = buyers(release, path, &parties)?;
    if buyers.is_empty() {
        return Err(FieldError {
            pointer: path.child("buyer").0,
            message: "the release names no buyer (buyer, or a party with the buyer role)".into(),
        });
    }

    // Suppliers and values of the awards that stand.
    let mut suppliers: Vec<SupplierParty> = Vec::new();
    let mut award_total: Option<i64> = None;
    let mut currency: Option<String> = None;
    let mut award_date = None;
    let mut period: (Option<time::Date>, Option<time::Date>) = (None, None);
    for (i, award) in awards.iter().enumerate() {
        let p = path.child("awards").index(i);
        if !award.is_object() {
            return Err(wrong(&p, "an award (an object)", award));
        }
        let status = string(award, "status", &p)?.unwrap_or("active");
        if matches!(status, "cancelled" | "unsuccessful") {
            continue;
        }
        for (j, reference) in array(award, "suppliers", &p)?.iter().enumerate() {
            if let Some(s) = supplier_from(reference, &p.child("suppliers").index(j), &parties)?
                && !suppliers.iter().any(|k| k.name == s.name)
            {
                suppliers.push(s);
            }
        }
        if let Some((pence, cur)) = money(award, "value", &p)? {
            award_total = Some(award_total.unwrap_or(0).saturating_add(pence));
            currency = currency.or(cur);
        }
        award_date = award_date.or(date_at(award, "date", &p, warnings)?);
        if let Some(cp) = object(award, "contractPeriod", &p)? {
            let pp = p.child("contractPeriod");
            period.0 = period.0.or(date_at(cp, "startDate", &pp, warnings)?);
            period.1 = period.1.or(date_at(cp, "endDate", &pp, warnings)?);
        }
    }
    let mut contract_total: Option<i64> = None;
    for (i, contract) in contracts.iter().enumerate() {
        let p = path.child("contracts").index(i);
        if let Some((pence, cur)) = money(contract, "value", &p)? {
            contract_total = Some(contract_total.unwrap_or(0).saturating_add(pence));
            currency = currency.or(cur);
        }
        if let Some(cp) = object(contract, "period", &p)? {
            let pp = p.child("period");
            period.0 = period.0.or(date_at(cp, "startDate", &pp, warnings)?);
            period.1 = period.1.or(date_at(cp, "endDate", &pp, warnings)?);
        }
    }

    let mut cpv_codes = Vec::new();
    let mut method = None;
    let mut tender_range: (Option<i64>, Option<i64>) = (None, None);
    let mut tender_status = None;
    let mut closing_date = None;
    if let Some(t) = tender {
        classification_code(t, "classification", &tender_path, &mut cpv_codes)?;
        item_codes(t, &tender_path, &mut cpv_codes)?;
        method = string(t, "procurementMethodDetails", &tender_path)?
            .or(string(t, "procurementMethod", &tender_path)?)
            .and_then(clean);
        if let Some((pence, cur)) = money(t, "minValue", &tender_path)? {
            tender_range.0 = Some(pence);
            currency = currency.or(cur);
        }
        if let Some((pence, cur)) = money(t, "value", &tender_path)? {
            tender_range.1 = Some(pence);
            currency = currency.or(cur);
        }
        tender_status = string(t, "status", &tender_path)?.map(str::to_owned);
        if let Some(tp) = object(t, "tenderPeriod", &tender_path)? {
            closing_date = date_at(tp, "endDate", &tender_path.child("tenderPeriod"), warnings)?;
        }
        if let Some(cp) = object(t, "contractPeriod", &tender_path)? {
            let pp = tender_path.child("contractPeriod");
            period.0 = period.0.or(date_at(cp, "startDate", &pp, warnings)?);
            period.1 = period.1.or(date_at(cp, "endDate", &pp, warnings)?);
        }
    }
    for (i, award) in awards.iter().enumerate() {
        item_codes(award, &path.child("awards").index(i), &mut cpv_codes)?;
    }

    // Call-offs: a related framework process, or the method says so.
    let mut call_off = None;
    for (i, related) in array(release, "relatedProcesses", path)?.iter().enumerate() {
        let p = path.child("relatedProcesses").index(i);
        let is_framework = array(related, "relationship", &p)?
            .iter()
            .any(|r| r.as_str() == Some("framework"));
        if is_framework {
            let named = [
                id_text(related, "identifier", &p)?,
                string(related, "title", &p)?.map(str::to_owned),
            ];
            // A reference in a known pattern, else the identifier as published.
            let reference =
                call_off::framework_reference(named.iter().flatten().map(String::as_str))
                    .or_else(|| named[0].as_deref().and_then(clean));
            call_off = Some(CallOffFacts {
                framework_reference: reference,
            });
            break;
        }
    }
    if call_off.is_none() && method.as_deref().is_some_and(call_off::says_call_off) {
        call_off = Some(CallOffFacts {
            framework_reference: None,
        });
    }
    if let Some(facts) = &mut call_off
        && facts.framework_reference.is_none()
    {
        facts.framework_reference = call_off::framework_reference(
            [Some(title.as_str()), description.as_deref()]
                .into_iter()
                .flatten(),
        );
    }

    let kind = if suppliers.is_empty() {
        let status = match tender_status.as_deref() {
            Some("cancelled" | "unsuccessful" | "withdrawn") => "cancelled",
            Some("complete") => "closed",
            _ => "open",
        };
        NoticeKind::Planned {
            notice_type: if tags.is_empty() {
                "tender".into()
            } else {
                tags.join(" ")
            },
            status: status.into(),
            closing_date,
        }
    } else {
        NoticeKind::Contract
    };
    let value = match (&kind, award_total.or(contract_total)) {
        (NoticeKind::Contract, Some(total)) => Money::Exact(total),
        (NoticeKind::Contract, None) => match tender_range {
            (_, Some(v)) => Money::Exact(v),
            _ => Money::Unknown,
        },
        (NoticeKind::Planned { .. }, _) => match tender_range {
            (Some(lo), Some(hi)) if lo < hi => Money::Range(lo, hi),
            (_, Some(v)) | (Some(v), None) => Money::Exact(v),
            (None, None) => Money::Unknown,
        },
    };
    Ok(Notice {
        source: Source::Ocds,
        source_id: ocid.clone(),
        ocid: Some(ocid),
        release_id,
        release_date,
        kind,
        title: text::at_most(title, 500),
        description: description.map(|d| text::at_most(d, 20_000)),
        buyers,
        suppliers,
        cpv_codes,
        value,
        currency: currency
            .map(|c| c.to_uppercase())
            .filter(|c| c.len() == 3)
            .unwrap_or_else(|| "GBP".into()),
        start_date: period.0,
        end_date: period.1,
        award_date,
        procurement_method: method.map(|m| text::at_most(m, 100)),
        call_off,
    })
}

/// The releases in one JSON document, each with its pointer.
fn releases_of(document: &Value) -> Field<Vec<(&Value, Path)>> {
    let root = Path(String::new());
    let mut found = Vec::new();
    match document {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                found.extend(releases_in(item, root.index(i))?);
            }
        }
        other => found.extend(releases_in(other, root)?),
    }
    Ok(found)
}

fn releases_in(value: &Value, path: Path) -> Field<Vec<(&Value, Path)>> {
    if !value.is_object() {
        return Err(wrong(&path, "an OCDS package, record or release", value));
    }
    if get(value, "releases").is_some() && get(value, "ocid").is_none() {
        // A release package.
        let list = array(value, "releases", &path)?;
        return Ok(list
            .iter()
            .enumerate()
            .map(|(i, r)| (r, path.child("releases").index(i)))
            .collect());
    }
    if get(value, "records").is_some() {
        let list = array(value, "records", &path)?;
        let mut out = Vec::new();
        for (i, record) in list.iter().enumerate() {
            out.push(release_of_record(record, path.child("records").index(i))?);
        }
        return Ok(out);
    }
    if get(value, "compiledRelease").is_some()
        || (get(value, "releases").is_some() && get(value, "tag").is_none())
    {
        return Ok(vec![release_of_record(value, path)?]);
    }
    if get(value, "ocid").is_some() || get(value, "tag").is_some() {
        return Ok(vec![(value, path)]);
    }
    Err(FieldError {
        pointer: if path.0.is_empty() {
            "/".into()
        } else {
            path.0
        },
        message: "this is not an OCDS release package, record package, release or record \
                  (no releases, records or ocid)"
            .into(),
    })
}

/// A record's compiled release, else its latest embedded release.
fn release_of_record(record: &Value, path: Path) -> Field<(&Value, Path)> {
    if let Some(compiled) = object(record, "compiledRelease", &path)? {
        return Ok((compiled, path.child("compiledRelease")));
    }
    let releases = array(record, "releases", &path)?;
    let latest = releases
        .iter()
        .enumerate()
        .filter(|(_, r)| get(r, "ocid").is_some() || get(r, "tag").is_some())
        .max_by(|(_, a), (_, b)| {
            let date = |r: &Value| {
                r.get("date")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            date(a).cmp(&date(b))
        });
    match latest {
        Some((i, release)) => Ok((release, path.child("releases").index(i))),
        None => Err(FieldError {
            pointer: path.child("releases").0,
            message: "the record has no compiledRelease and no embedded release (only links)"
                .into(),
        }),
    }
}

/// Line numbers of byte offsets met in increasing order: each call counts
/// only the newlines since the previous one (a JSON Lines file of 10^5
/// releases must not be rescanned from the start for every line).
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> u64 {
        let offset = offset.min(bytes.len());
        if offset >= self.offset {
            self.line += bytes[self.offset..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.offset = offset;
        }
        self.line
    }
}

/// Reads every release in an OCDS file (already decompressed). One JSON
/// document or many (JSON Lines, or documents one after another).
pub fn read(file: &str, bytes: &[u8]) -> FileRead {
    let mut notices = Vec::new();
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    let mut documents = 0usize;
    let mut lines = LineCounter { offset: 0, line: 1 };
    loop {
        // Where the next document starts (after whitespace), for its line.
        let before = stream.byte_offset();
        let start = before
            + bytes[before..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let Some(next) = stream.next() else { break };
        let document = next.map_err(|e| ReadError {
            file: file.to_owned(),
            location: Some(Location::Line(e.line() as u64)),
            field: None,
            message: format!("not valid JSON (column {}): {e}", e.column()),
        })?;
        documents += 1;
        let line = lines.line_at(bytes, start);
        let at = |error: FieldError| ReadError {
            file: file.to_owned(),
            location: Some(Location::Line(line)),
            field: Some(error.pointer),
            message: error.message,
        };
        for (release, path) in releases_of(&document).map_err(at)? {
            let warnings = Warnings::default();
            let notice = map_release(release, &path, &warnings).map_err(at)?;
            if let Some(problem) = notice.key_problem() {
                return Err(at(FieldError {
                    pointer: path.child("ocid").0,
                    message: problem,
                }));
            }
            notices.push(ReadNotice {
                notice,
                location: Location::Line(line),
                warnings: warnings.take(),
            });
        }
    }
    if documents == 0 {
        return Err(ReadError {
            file: file.to_owned(),
            location: None,
            field: None,
            message: "the file is empty: expected OCDS JSON".into(),
        });
    }
    Ok(notices)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(json: &str) -> Notice {
        let mut read = read("t.json", json.as_bytes()).unwrap();
        assert_eq!(read.len(), 1);
        read.remove(0).notice
    }

    const AWARD: &str = r#"{"ocid":"ocds-b5fd17-1","id":"r1","date":"2025-01-23T22:10:19Z","tag":["award"],
      "tender":{"title":"Parking Pilot","description":"Under the ESPO 509_23 framework","procurementMethodDetails":"Call-off from a framework agreement",
        "classification":{"scheme":"CPV","id":"63712400"},"items":[{"classification":{"scheme":"CPV","id":"63712400-2"},"additionalClassifications":[{"scheme":"CPV","id":"79000000"}]}]},
      "parties":[{"id":"GB-CFS-1","name":"London Borough of Merton","roles":["buyer"]},
                 {"id":"GB-COH-01234567","name":"Marstons holdings plc","identifier":{"scheme":"GB-COH","id":"1234567"},"details":{"scale":"sme","vcse":false},"roles":["supplier"]}],
      "buyer":{"id":"GB-CFS-1","name":"London Borough of Merton"},
      "awards":[{"id":"a1","status":"active","date":"2024-12-22T00:00:00Z","value":{"amount":93007.5,"currency":"GBP"},
        "suppliers":[{"id":"GB-COH-01234567","name":"Marstons holdings plc"}],"contractPeriod":{"startDate":"2025-01-23T00:00:00Z","endDate":"2025-04-23T23:59:59+01:00"}},
        {"id":"a2","status":"cancelled","suppliers":[{"name":"Gone Ltd"}],"value":{"amount":5}}]}"#;

    #[test]
    fn an_award_release_maps_every_field() {
        let n = one(&format!(r#"{{"version":"1.1","releases":[{AWARD}]}}"#));
        assert_eq!(n.source_id, "ocds-b5fd17-1");
        assert_eq!(n.release_id, "r1");
        assert_eq!(n.kind, NoticeKind::Contract);
        assert_eq!(n.title, "Parking Pilot");
        assert_eq!(n.buyers.len(), 1);
        assert_eq!(
            n.buyers[0].identifiers,
            [Identifier::new("GB-CFS", "1").unwrap()]
        );
        assert_eq!(
            n.suppliers.len(),
            1,
            "the cancelled award's supplier is not a supplier"
        );
        let s = &n.suppliers[0];
        assert_eq!(s.companies_house_number.as_deref(), Some("01234567"));
        assert_eq!((s.is_sme, s.is_vcse), (Some(true), Some(false)));
        assert_eq!(n.cpv_codes, ["63712400", "79000000"]);
        assert_eq!(n.value, Money::Exact(9_300_750));
        assert_eq!(n.start_date, Some(time::macros::date!(2025 - 01 - 23)));
        assert_eq!(n.end_date, Some(time::macros::date!(2025 - 04 - 23)));
        assert_eq!(n.award_date, Some(time::macros::date!(2024 - 12 - 22)));
        assert_eq!(
            n.call_off,
            Some(CallOffFacts {
                framework_reference: Some("ESPO 509_23".into())
            })
        );
    }

    #[test]
    fn jsonl_records_and_missing_release_ids() {
        let pcs = r#"{"ocid":"ocds-r6ebe6-9","date":"2019-03-01T00:00:00Z","tag":["tender"],
            "tender":{"title":"Roads","status":"active","minValue":{"amount":10},"value":{"amount":20}},
            "buyer":{"name":"Fife Council"}}"#
            .replace('\n', " ");
        let record = r#"{"ocid":"ocds-x-2","releases":[{"ocid":"ocds-x-2","id":"old","date":"2014-01-01T00:00:00Z","tag":["tender"],"tender":{"title":"Old"},"buyer":{"name":"B"}},
            {"ocid":"ocds-x-2","id":"new","date":"2015-01-01T00:00:00Z","tag":["award"],"tender":{"title":"New"},"buyer":{"name":"B"},"awards":[{"suppliers":[{"name":"S Ltd"}]}]}]}"#
            .replace('\n', " ");
        let file = format!("{pcs}\n\n{record}\n");
        let read = read("x.jsonl", file.as_bytes()).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(
            read[0].notice.release_id,
            "ocds-r6ebe6-9@2019-03-01T00:00:00Z"
        );
        assert_eq!(read[0].notice.value, Money::Range(1000, 2000));
        assert!(
            matches!(read[0].notice.kind, NoticeKind::Planned { ref status, .. } if status == "open")
        );
        assert_eq!(read[1].location, Location::Line(3));
        assert_eq!(
            read[1].notice.release_id, "new",
            "the latest embedded release"
        );
        assert_eq!(read[1].notice.kind, NoticeKind::Contract);
    }

    #[test]
    fn errors_name_the_line_and_pointer() {
        let bad_type = AWARD
            .replace(r#""amount":93007.5"#, r#""amount":"93007.5""#)
            .replace('\n', " ");
        let err = read(
            "f.jsonl",
            format!("{AWARD}\n{bad_type}\n")
                .replace(",\n", ",")
                .as_bytes(),
        );
        let err = err.unwrap_err();
        assert_eq!(err.field.as_deref(), Some("/awards/0/value/amount"));
        assert_eq!(err.message, "expected a number, found text");
        assert!(err.to_string().starts_with("f.jsonl, line "), "{err}");

        let err = read("g.json", br#"{"releases":[{"id":"1","tag":["award"]}]}"#).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("/releases/0/ocid"));

        let err = read("h.json", b"{\n\"releases\": [\n{\"ocid\": }").unwrap_err();
        assert_eq!(err.location, Some(Location::Line(3)));
        assert!(err.message.starts_with("not valid JSON"));

        let err = read("i.json", br#"{"hello":1}"#).unwrap_err();
        assert!(err.message.contains("not an OCDS"));
        assert!(read("j.json", b"  ").unwrap_err().message.contains("empty"));
        let err = read("k.json", br#"{"ocid":"o","tender":{"title":"T"}}"#).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("/buyer"));
    }
}
