//! The real published notices bundled with the service (gzip, in
//! `app/reference-data/open-data/`; sources and licences in the README):
//! the demo catalogue loads them through the importers themselves.
use super::{FileRead, Source, contracts_finder, decompressed, ocds, ted};

/// One bundled file: its name, which importer reads it, and its bytes.
pub struct BundledFile {
    pub name: &'static str,
    pub source: Source,
    pub gzip: &'static [u8],
}

macro_rules! bundled {
    ($(($dir:literal, $name:literal, $source:expr)),* $(,)?) => {
        &[$(BundledFile {
            name: $name,
            source: $source,
            gzip: include_bytes!(concat!("../../../reference-data/open-data/", $dir, "/", $name)),
        }),*]
    };
}

/// Every bundled file, OCDS first (their notices carry the richest data, so
/// a notice published both ways keeps the OCDS version's key).
pub const FILES: &[BundledFile] = bundled![
    (
        "ocds",
        "contracts_finder_bluetail_2017_2020_release_packages.jsonl.gz",
        Source::Ocds
    ),
    (
        "ocds",
        "contracts_finder_spendnetwork_2014_records.jsonl.gz",
        Source::Ocds
    ),
    (
        "ocds",
        "contracts_finder_spendnetwork_2014_releases.jsonl.gz",
        Source::Ocds
    ),
    (
        "ocds",
        "contracts_finder_search_release_package_2025-01-20.json.gz",
        Source::Ocds
    ),
    (
        "ocds",
        "contracts_finder_england_2025_releases.jsonl.gz",
        Source::Ocds
    ),
    (
        "ocds",
        "public_contracts_scotland_2019_releases.jsonl.gz",
        Source::Ocds
    ),
    ("ocds", "sell2wales_2025_releases.jsonl.gz", Source::Ocds),
    (
        "notices",
        "contracts_finder_awards_2020-07_2020-10.csv.gz",
        Source::ContractsFinderCsv
    ),
    (
        "notices",
        "contracts_finder_open_2025.csv.gz",
        Source::ContractsFinderCsv
    ),
    (
        "notices",
        "contracts_finder_substance_misuse_2015_2024.csv.gz",
        Source::ContractsFinderCsv
    ),
    (
        "notices",
        "contracts_finder_young_people_services_2015_2024.csv.gz",
        Source::ContractsFinderCsv
    ),
    (
        "notices",
        "ted_uk_contract_awards_2020.csv.gz",
        Source::TedCsv
    ),
];

/// Reads a file with the importer for `source` (gzip or plain).
pub fn read(source: Source, name: &str, bytes: Vec<u8>) -> FileRead {
    let bytes = decompressed(name, bytes)?;
    match source {
        Source::Ocds => ocds::read(name, &bytes),
        Source::ContractsFinderCsv => contracts_finder::read(name, &bytes),
        Source::TedCsv => ted::read(name, &bytes),
        Source::RegisterCsv => Err(super::ReadError {
            file: name.to_owned(),
            location: None,
            field: None,
            message: "council registers are imported for one council at a time".into(),
        }),
    }
}

impl BundledFile {
    pub fn read(&self) -> FileRead {
        read(self.source, self.name, self.gzip.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::import::{Money, NoticeKind};

    /// Every real sample reads without an error; the counts are the notices
    /// each holds (TED rows grouped per notice).
    #[test]
    fn every_bundled_file_reads_without_error() {
        let mut counts = Vec::new();
        for file in FILES {
            let read = file.read().unwrap_or_else(|e| panic!("{e}"));
            let contracts = read
                .iter()
                .filter(|r| r.notice.kind == NoticeKind::Contract)
                .count();
            counts.push((file.name, read.len(), contracts));
        }
        insta::assert_debug_snapshot!(counts);
    }

    /// The mapping of real releases, one per publisher, pinned.
    #[test]
    fn real_releases_map_as_pinned() {
        let pick = |name: &str, i: usize| {
            let file = FILES.iter().find(|f| f.name == name).unwrap();
            file.read().unwrap().swap_remove(i).notice
        };
        let cf_2025 = pick("contracts_finder_england_2025_releases.jsonl.gz", 0);
        assert_eq!(cf_2025.buyers[0].name, "London Borough of Merton");
        insta::assert_debug_snapshot!("cf_england_2025_first", cf_2025);
        let pcs = pick("public_contracts_scotland_2019_releases.jsonl.gz", 0);
        assert!(pcs.release_id.contains('@'), "PCS has no release id");
        insta::assert_debug_snapshot!("pcs_2019_first", pcs);
        let ted = pick("ted_uk_contract_awards_2020.csv.gz", 0);
        assert!(matches!(ted.value, Money::Range(..) | Money::Exact(_)));
        insta::assert_debug_snapshot!("ted_2020_first", ted);
        let cf_csv = pick("contracts_finder_substance_misuse_2015_2024.csv.gz", 0);
        insta::assert_debug_snapshot!("cf_csv_substance_misuse_first", cf_csv);
    }
}
