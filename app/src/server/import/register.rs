//! A council's contract register in the Local Government Transparency Code
//! layout (the "contracts" dataset), tolerant of the header variants
//! councils publish.
//!
//! Headers are compared without case, punctuation or spacing, and each
//! field accepts the names in [`FIELDS`] (documented in the README). Only
//! the reference and the title are required; each row is one contract of
//! the council the register belongs to, keyed by that council and the
//! row's reference, so importing an updated register updates its rows.
//!
//! Unlike a notice file, a register is read row by row: a row that cannot
//! be used is *refused* with its line and reasons, the rest stand (the CLI
//! refuses the whole file if any row is refused; the web preview shows the
//! refused rows and imports the others on confirmation). A row naming a
//! different organisation in an organisation column is refused: a council
//! imports only its own register.
use super::text::{self, clean, clean_block};
use super::{
    BuyerParty, Identifier, Location, Money, Notice, NoticeKind, ReadError, ReadNotice, Source,
    SupplierParty, Warnings,
};
use crate::types::validate::normalise_companies_house_number;

/// A field of the register and the header names accepted for it.
pub struct RegisterField {
    pub name: &'static str,
    pub headers: &'static [&'static str],
    pub required: bool,
}

/// Every field read, with the headers accepted (compared normalised).
pub const FIELDS: &[RegisterField] = &[
    RegisterField {
        name: "reference",
        required: true,
        headers: &[
            "reference",
            "reference number",
            "contract reference",
            "contract reference number",
            "contract ref",
            "ref",
            "contract id",
            "contract number",
            "unique reference",
        ],
    },
    RegisterField {
        name: "title",
        required: true,
        headers: &[
            "title",
            "title of agreement",
            "contract title",
            "agreement title",
            "contract name",
            "title of contract",
            "name of contract",
        ],
    },
    RegisterField {
        name: "description",
        required: false,
        headers: &[
            "description",
            "description of goods and services",
            "description of goods or services",
            "contract description",
            "goods and services",
            "description of contract",
        ],
    },
    RegisterField {
        name: "department",
        required: false,
        headers: &[
            "department",
            "directorate",
            "service area",
            "service",
            "department responsible",
        ],
    },
    RegisterField {
        name: "supplier",
        required: false,
        headers: &[
            "supplier",
            "supplier name",
            "suppliers",
            "contractor",
            "contractor name",
            "provider",
            "provider name",
            "name of supplier",
        ],
    },
    RegisterField {
        name: "supplier_number",
        required: false,
        headers: &[
            "supplier registration number",
            "companies house number",
            "company number",
            "company registration number",
            "registration number",
            "supplier company number",
            "supplier companies house number",
        ],
    },
    RegisterField {
        name: "sme",
        required: false,
        headers: &[
            "sme",
            "sme flag",
            "is sme",
            "sme supplier",
            "sme or vcse",
            "sme vcse",
        ],
    },
    RegisterField {
        name: "vcse",
        required: false,
        headers: &[
            "vcse",
            "is vcse",
            "vcse flag",
            "voluntary or community sector",
        ],
    },
    RegisterField {
        name: "start",
        required: false,
        headers: &[
            "start date",
            "contract start date",
            "commencement date",
            "start",
        ],
    },
    RegisterField {
        name: "end",
        required: false,
        headers: &[
            "end date",
            "contract end date",
            "expiry date",
            "end",
            "contract expiry date",
        ],
    },
    RegisterField {
        name: "value",
        required: false,
        headers: &[
            "value",
            "contract value",
            "total value",
            "total contract value",
            "estimated value",
            "value of contract",
            "value gbp",
            "total value gbp",
            "estimated total value",
        ],
    },
    RegisterField {
        name: "cpv",
        required: false,
        headers: &["cpv", "cpv code", "cpv codes"],
    },
    RegisterField {
        name: "procedure",
        required: false,
        headers: &[
            "procurement process",
            "procurement method",
            "procurement route",
            "procurement procedure",
            "route to market",
        ],
    },
    RegisterField {
        name: "organisation",
        required: false,
        headers: &[
            "organisation",
            "organisation name",
            "organisation label",
            "local authority",
            "council",
            "authority",
            "buyer",
        ],
    },
];

/// Header text compared without case, punctuation, spacing, currency signs
/// or bracketed asides ("Total Contract Value (£)" reads "totalcontractvalue").
fn header_key(header: &str) -> String {
    let mut depth = 0usize;
    header
        .to_lowercase()
        .replace('&', "and")
        .chars()
        .filter(|c| match c {
            '(' | '[' => {
                depth += 1;
                false
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0 && c.is_alphanumeric(),
        })
        .collect()
}

/// A register row that cannot be imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedRow {
    pub line: u64,
    pub reference: Option<String>,
    pub reasons: Vec<String>,
}

/// What a register file holds: the rows to import and the rows refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterRead {
    pub rows: Vec<ReadNotice>,
    pub refused: Vec<RefusedRow>,
}

/// The council a register belongs to: its GSS code and the names it is
/// known by (normalised, for the organisation column).
pub struct RegisterCouncil<'a> {
    pub gss_code: &'a str,
    pub name: &'a str,
    pub names: &'a [String],
}

/// Reads a register (already decompressed). `Err` when the file as a whole
/// cannot be read (not CSV, no header, a required column missing).
pub fn read(
    file: &str,
    bytes: &[u8],
    council: &RegisterCouncil<'_>,
) -> Result<RegisterRead, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let file_error = |location: Option<Location>, message: String| ReadError {
        file: file.to_owned(),
        location,
        field: None,
        message,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| {
            file_error(
                Some(Location::Line(1)),
                format!("the header row cannot be read: {e}"),
            )
        })?
        .clone();
    let mut positions: Vec<Option<usize>> = Vec::with_capacity(FIELDS.len());
    for field in FIELDS {
        let accepted: Vec<String> = field.headers.iter().map(|h| header_key(h)).collect();
        positions.push(
            headers
                .iter()
                .position(|h| accepted.contains(&header_key(h))),
        );
    }
    let missing: Vec<String> = FIELDS
        .iter()
        .zip(&positions)
        .filter(|(f, p)| f.required && p.is_none())
        .map(|(f, _)| format!("{} (for example \"{}\")", f.name, f.headers[1]))
        .collect();
    if !missing.is_empty() {
        return Err(file_error(
            Some(Location::Line(1)),
            format!("the header row lacks the column(s) {}", missing.join(", ")),
        ));
    }
    let column = |name: &str| {
        FIELDS
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| positions[i])
    };
    let header_of =
        |name: &str| column(name).map_or(name.to_owned(), |i| headers[i].trim().to_owned());
    let mut out = RegisterRead::default();
    let mut seen_references: std::collections::HashMap<String, u64> = Default::default();
    for record in reader.into_records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                return Err(file_error(
                    e.position().map(|p| Location::Line(p.line())),
                    format!("this row cannot be read as CSV: {e}"),
                ));
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let value = |name: &str| column(name).and_then(|i| record.get(i)).unwrap_or("");
        let warnings = Warnings::default();
        let mut reasons = Vec::new();
        if record.len() > headers.len() {
            reasons.push(format!(
                "it has {} fields where the header has {}",
                record.len(),
                headers.len()
            ));
        }
        let reference = clean(value("reference"));
        let title = clean(value("title"));
        if reference.is_none() {
            reasons.push(format!("{} is empty", header_of("reference")));
        }
        if title.is_none() {
            reasons.push(format!("{} is empty", header_of("title")));
        }
        if let Some(reference) = &reference {
            if reference.chars().count() > 100 {
                reasons.push(format!(
                    "{} is longer than 100 characters",
                    header_of("reference")
                ));
            }
            if let Some(first) = seen_references.insert(reference.clone(), line) {
                reasons.push(format!(
                    "{} {reference} is also on line {first}",
                    header_of("reference")
                ));
            }
        }
        if let Some(named) = clean(value("organisation")) {
            let key = super::buyers::normalise_name(&named);
            let ours = key == council.gss_code.to_lowercase()
                || council.names.contains(&key)
                || super::buyers::normalise_name(council.name) == key;
            if !ours {
                reasons.push(format!(
                    "{} names {named}, not {}: a council imports only its own register",
                    header_of("organisation"),
                    council.name
                ));
            }
        }
        let parse = |name: &str, read: Result<Option<time::Date>, String>| match read {
            Ok(d) => Ok(d),
            Err(m) => Err(format!("{}: {m}", header_of(name))),
        };
        let start = parse("start", text::date(value("start")));
        let end = parse("end", text::date(value("end")));
        let amount =
            text::pence(value("value")).map_err(|m| format!("{}: {m}", header_of("value")));
        for problem in [
            start.as_ref().err(),
            end.as_ref().err(),
            amount.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        {
            reasons.push(problem.clone());
        }
        if let (Ok(Some(s)), Ok(Some(e))) = (&start, &end)
            && e < s
        {
            reasons.push(format!(
                "{} is before {}",
                header_of("end"),
                header_of("start")
            ));
        }
        if !reasons.is_empty() {
            out.refused.push(RefusedRow {
                line,
                reference,
                reasons,
            });
            continue;
        }
        let (reference, title) = (reference.unwrap_or_default(), title.unwrap_or_default());
        let number = normalise_companies_house_number(value("supplier_number"));
        let names: Vec<String> = value("supplier").split(';').filter_map(clean).collect();
        let suppliers = names
            .iter()
            .enumerate()
            .map(|(i, name)| SupplierParty {
                name: text::at_most(name.clone(), 300),
                // A number belongs to the supplier only when the row names one.
                companies_house_number: if names.len() == 1 && i == 0 {
                    number.clone()
                } else {
                    None
                },
                identifiers: if names.len() == 1 {
                    number
                        .iter()
                        .filter_map(|n| Identifier::new("GB-COH", n))
                        .collect()
                } else {
                    Vec::new()
                },
                is_sme: text::yes_no(value("sme")),
                is_vcse: text::yes_no(value("vcse")),
            })
            .collect();
        let mut description = clean_block(value("description"));
        if let Some(department) = clean(value("department")) {
            let text = description.map_or_else(
                || format!("Department: {department}"),
                |d| format!("{d}\n\nDepartment: {department}"),
            );
            description = Some(text);
        }
        out.rows.push(ReadNotice {
            notice: Notice {
                source: Source::RegisterCsv,
                source_id: format!("{}/{reference}", council.gss_code),
                ocid: None,
                release_id: reference,
                release_date: None,
                kind: NoticeKind::Contract,
                title: text::at_most(title, 500),
                description: description.map(|d| text::at_most(d, 20_000)),
                buyers: vec![BuyerParty {
                    name: council.name.to_owned(),
                    identifiers: vec![
                        Identifier::new("GB-GSS", council.gss_code).expect("a GSS code"),
                    ],
                }],
                suppliers,
                cpv_codes: text::cpv_codes(value("cpv")),
                value: amount.ok().flatten().map_or(Money::Unknown, Money::Exact),
                currency: "GBP".into(),
                start_date: start.ok().flatten(),
                end_date: end.ok().flatten(),
                award_date: None,
                procurement_method: clean(value("procedure")).map(|p| text::at_most(p, 100)),
                call_off: None,
            },
            location: Location::Line(line),
            warnings: warnings.take(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn council() -> (Vec<String>, &'static str) {
        (
            vec!["leeds".into(), "leeds city council".into()],
            "E08000035",
        )
    }

    #[test]
    fn header_variants_and_refused_rows() {
        let (names, gss) = council();
        let council = RegisterCouncil {
            gss_code: gss,
            name: "Leeds City Council",
            names: &names,
        };
        let csv = "\u{feff}Contract Reference Number,Title of Agreement,Directorate,Supplier Name,Company Number,SME,Start Date,End Date,Total Contract Value (£),Local Authority\n\
                   L-1,Street cleansing,City Development,Sweepers Ltd,1234567,Yes,01/04/2025,31/03/2028,\"£1,200,000\",Leeds City Council\n\
                   L-2,,Adults,Care Ltd,,No,01/04/2025,31/03/2024,lots,Leeds\n\
                   L-3,Gritting,Highways,Salt Ltd,,No,,,,Bradford Metropolitan District Council\n\
                   L-1,Duplicate,,,,,,,,\n\
                   ,,,,,,,,,\n";
        let read = read("reg.csv", csv.as_bytes(), &council).unwrap();
        assert_eq!(read.rows.len(), 1);
        let row = &read.rows[0].notice;
        assert_eq!(row.source_id, "E08000035/L-1");
        assert_eq!(row.value, Money::Exact(120_000_000));
        assert_eq!(
            row.suppliers[0].companies_house_number.as_deref(),
            Some("01234567")
        );
        assert_eq!(row.suppliers[0].is_sme, Some(true));
        assert!(
            row.description
                .as_deref()
                .unwrap()
                .contains("Department: City Development")
        );
        let refused: Vec<(u64, Vec<String>)> = read
            .refused
            .iter()
            .map(|r| (r.line, r.reasons.clone()))
            .collect();
        assert_eq!(
            refused,
            [
                (3, vec![
                    "Title of Agreement is empty".to_owned(),
                    "Total Contract Value (£): \"lots\" is not an amount of money".to_owned(),
                    "End Date is before Start Date".to_owned(),
                ]),
                (4, vec!["Local Authority names Bradford Metropolitan District Council, not Leeds City Council: a council imports only its own register".to_owned()]),
                (5, vec!["Contract Reference Number L-1 is also on line 2".to_owned()]),
            ]
        );
    }

    /// The README's table of accepted headers lists every one the reader accepts.
    #[test]
    fn the_readme_documents_every_accepted_header() {
        let readme = include_str!("../../../../README.md");
        let table = readme
            .split("| field | accepted headers |")
            .nth(1)
            .expect("the register table in the README");
        let table = &table[..table.find("\n\n").unwrap_or(table.len())];
        for field in FIELDS {
            for header in field.headers {
                let listed = table.contains(&format!("| {header},"))
                    || table.contains(&format!(", {header},"))
                    || table.contains(&format!(", {header} |"))
                    || table.contains(&format!("; {header},"))
                    || table.contains(&format!("| {header} |"));
                assert!(listed, "the README does not list the header {header:?}");
            }
        }
    }

    #[test]
    fn a_register_without_a_reference_column_is_refused_whole() {
        let (names, gss) = council();
        let council = RegisterCouncil {
            gss_code: gss,
            name: "Leeds City Council",
            names: &names,
        };
        let err = read("reg.csv", b"Title,Supplier\nA,B\n", &council).unwrap_err();
        assert!(
            err.message
                .contains("lacks the column(s) reference (for example \"reference number\")"),
            "{err}"
        );
    }
}
