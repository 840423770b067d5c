//! Property tests of the readers: whatever bytes arrive — random, a real
//! file cut short or with bytes flipped, any JSON in a release's places, CSV
//! rows of any shape — a reader returns notices or an error, never panics,
//! and an error always names the file.
//!
//! CI runs each property with proptest's case count (`PROPTEST_CASES`,
//! 256 by default). The million-execution run:
//! `PROPTEST_CASES=250000 cargo test --release -p app --features ssr --lib import::fuzz`
//! (six properties × 250,000 cases = 1.5 million executions).
use proptest::prelude::*;
use serde_json::{Value, json};

use super::{FileRead, contracts_finder, ocds, ted};

const REAL_RELEASE: &str = include_str!("fuzz_release.json");
const CF_HEADER: &str = "Notice Identifier,Notice Type,Organisation Name,Status,Published Date,Title,Description,Cpv Codes,Value Low,Value High,Awarded Date,Awarded Value,Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE],Contract start date,Contract end date";
const TED_HEADER: &str = "SUPPLIER_NAME,SUPPLIER_ID,CONTRACT_BUYER,CONTRACT_TITLE,CONTRACT_DATE,CONTRACT_DESC,CONTRACT_URL,CONTRACT_VALUE,CONTRACT_CURRENCY";

fn names_file(read: &FileRead, file: &str) -> bool {
    match read {
        Ok(_) => true,
        Err(e) => e.file == file && e.to_string().starts_with(file),
    }
}

/// A CSV file: the header, the rows joined by commas, and maybe a byte
/// that is not UTF-8 at the end.
fn csv_file(header: &str, rows: &[Vec<String>], bad_utf8: bool) -> Vec<u8> {
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    let mut bytes = text.into_bytes();
    if bad_utf8 {
        bytes.push(0xff);
    }
    bytes
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("2025-01-23T22:10:19Z"),
            Just("31/02/2020"),
            Just("GB-COH-01234567"),
            Just("72000000-4"),
            Just("RM6187")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("ocid".to_owned()),
                    Just("id".to_owned()),
                    Just("name".to_owned()),
                    Just("amount".to_owned()),
                    Just("suppliers".to_owned()),
                    Just("awards".to_owned()),
                    Just("parties".to_owned()),
                    Just("releases".to_owned()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The places in a release where publishers' values go.
const PLACES: &[&[&str]] = &[
    &["ocid"],
    &["id"],
    &["date"],
    &["tag"],
    &["buyer"],
    &["buyer", "name"],
    &["tender"],
    &["tender", "title"],
    &["tender", "value"],
    &["tender", "value", "amount"],
    &["tender", "items"],
    &["tender", "classification"],
    &["parties"],
    &["awards"],
    &["relatedProcesses"],
    &["contracts"],
];

fn set_at(release: &mut Value, path: &[&str], value: Value) {
    let mut at = release;
    for key in &path[..path.len() - 1] {
        if !at.get(*key).is_some_and(Value::is_object) {
            at[*key] = json!({});
        }
        at = &mut at[*key];
    }
    at[path[path.len() - 1]] = value;
}

proptest! {
    #[test]
    fn ocds_reader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let read = ocds::read("any.json", &bytes);
        prop_assert!(names_file(&read, "any.json"));
    }

    #[test]
    fn ocds_reader_survives_a_damaged_real_release(
        cut in 0usize..4000,
        flips in prop::collection::vec((0usize..4000, any::<u8>()), 0..6),
    ) {
        let mut bytes = REAL_RELEASE.as_bytes().to_vec();
        for (at, byte) in flips {
            let len = bytes.len();
            bytes[at % len] = byte;
        }
        bytes.truncate(cut.min(bytes.len()));
        let read = ocds::read("damaged.json", &bytes);
        prop_assert!(names_file(&read, "damaged.json"));
    }

    #[test]
    fn ocds_reader_survives_any_value_in_any_place(
        place in 0usize..PLACES.len(),
        value in any_json(),
        second in 0usize..PLACES.len(),
        other in any_json(),
    ) {
        let mut release: Value = serde_json::from_str(REAL_RELEASE).unwrap();
        set_at(&mut release, PLACES[place], value);
        set_at(&mut release, PLACES[second], other);
        let text = json!({ "releases": [release] }).to_string();
        let read = ocds::read("shaped.json", text.as_bytes());
        prop_assert!(names_file(&read, "shaped.json"));
    }

    #[test]
    fn csv_readers_survive_rows_of_any_shape(
        rows in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    ".{0,10}",
                    Just("\"".to_owned()),
                    Just("[A|B|COMPANIES_HOUSE|12|Yes|No][".to_owned()),
                    Just("1000000-4000000".to_owned()),
                    Just("01/01/1".to_owned()),
                    Just("é".to_owned()),
                ],
                0..16,
            ),
            0..5,
        ),
        bad_utf8 in any::<bool>(),
    ) {
        for (header, name) in [(CF_HEADER, "cf.csv"), (TED_HEADER, "ted.csv")] {
            let bytes = csv_file(header, &rows, bad_utf8);
            let read = if name == "cf.csv" {
                contracts_finder::read(name, &bytes)
            } else {
                ted::read(name, &bytes)
            };
            prop_assert!(names_file(&read, name));
        }
    }

    #[test]
    fn framework_reader_survives_any_file_in_any_layout(
        layout in 0usize..4,
        rows in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    ".{0,10}",
                    Just("\"".to_owned()),
                    Just("\"[{'title': 'Lot 1: Vans', 'description': None}, {'title': \"A\\\\x\"}]\"".to_owned()),
                    Just("[{'title': '\\u00a3".to_owned()),
                    Just("√Ç¬£".to_owned()),
                    Just("<span>&amp;".to_owned()),
                    Just("Lot 1a".to_owned()),
                ],
                0..8,
            ),
            0..5,
        ),
        bad_utf8 in any::<bool>(),
    ) {
        let header = [
            "rm_number,title,lots,start_date,end_date,description",
            "reference,title,owner,start_date,end_date",
            "framework_number,lot_number,lot_description",
            "framework_short_name,lot_number,salesforce_id,supplier_name",
        ][layout];
        match super::frameworks::read("fw.csv", csv_file(header, &rows, bad_utf8)) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().starts_with("fw.csv")),
        }
    }

    #[test]
    fn python_literal_reader_survives_any_text(text in "[\\[\\]{}:,'\" \\\\xuNonetil0-9a-f]{0,60}") {
        let _ = super::frameworks::python_lots(&text);
    }
}
