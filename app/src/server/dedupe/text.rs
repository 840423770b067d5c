//! Text normalisation for duplicate detection: words of a title or
//! description → the stemmed words that say what is being bought.
//!
//! In order: lowercase and fold to ASCII; read `&amp;` and `&` as "and";
//! replace phrases that name one need several ways with one concept word
//! (`drug and alcohol`, `substance misuse` → `substancemisuse`; the
//! [`THESAURUS`]); drop procedure words ([`config::PROCEDURE_WORDS`]),
//! place names (the names of councils and areas, which say who buys, not
//! what), years, reference numbers and other words with digits (except a
//! vehicle weight such as `26t`), and words under three letters; stem.
use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use super::config;
use crate::server::search::schema::{english_analyzer, plain_analyzer};

/// Phrases that name the same need, each group under one concept word.
/// General procurement vocabulary (synonyms and acronyms in council
/// notices), not a list fitted to particular notices. Vehicle types stay
/// apart on purpose: a refuse vehicle is not a sweeper or a gritter.
pub const THESAURUS: &[(&str, &[&str])] = &[
    (
        "substancemisuse",
        &[
            "drug and alcohol",
            "drugs and alcohol",
            "alcohol and drug",
            "alcohol and drugs",
            "substance misuse",
            "substance use",
            "drug misuse",
            "alcohol misuse",
            "drug treatment",
            "alcohol treatment",
            "addiction",
            "addictions",
        ],
    ),
    (
        "homecare",
        &[
            "domiciliary care",
            "home care",
            "homecare",
            "care at home",
            "home support",
            "help to live at home",
            "care and support at home",
        ],
    ),
    (
        "passengertransport",
        &[
            "passenger transport",
            "home to school transport",
            "school transport",
            "college transport",
            "education transport",
            "social care transport",
            "taxi",
            "taxis",
            "minibus",
            "minibuses",
            "private hire",
            "hackney carriage",
            "psv",
            "bus and coach",
            "coach",
            "coaches",
            "bus services",
            "bus contracts",
            "local bus",
        ],
    ),
    (
        "domesticabuse",
        &[
            "domestic abuse",
            "domestic violence",
            "violence against women and girls",
            "vawg",
            "refuge",
            "refuges",
        ],
    ),
    (
        "stopsmoking",
        &[
            "stop smoking",
            "smoking cessation",
            "tobacco dependency",
            "tobacco addiction",
            "tobacco control",
        ],
    ),
    ("ppe", &["personal protective equipment", "ppe"]),
    (
        "refusevehicle",
        &[
            "refuse collection vehicles",
            "refuse collection vehicle",
            "refuse vehicles",
            "refuse vehicle",
            "rcvs",
            "rcv",
        ],
    ),
    (
        "roadsweeper",
        &["road sweepers", "road sweeper", "sweepers", "sweeper"],
    ),
    ("gritter", &["gritters", "gritter", "gritting vehicles"]),
    (
        "send",
        &[
            "special educational needs and disabilities",
            "special educational needs",
            "sen",
            "send",
            "asn",
            "additional support needs",
        ],
    ),
    (
        "learningdisability",
        &["learning disabilities", "learning disability", "ld"],
    ),
    (
        "mentalhealth",
        &["mental health", "mental ill health", "mental illness"],
    ),
    (
        "fostering",
        &[
            "independent fostering agency",
            "independent fostering agencies",
            "independent fostering",
            "fostering",
            "foster care",
            "ifa",
        ],
    ),
    ("supportedliving", &["supported living"]),
    (
        "supportedaccommodation",
        &[
            "supported accommodation",
            "supported housing",
            "semi independent",
            "housing related support",
            "floating support",
        ],
    ),
    (
        "residentialcare",
        &[
            "residential and nursing",
            "residential care",
            "nursing care",
            "care homes",
            "care home",
            "nursing homes",
            "nursing home",
        ],
    ),
    (
        "childcare",
        &[
            "early learning and childcare",
            "early years",
            "childcare",
            "nursery",
        ],
    ),
    (
        "sexualhealth",
        &["sexual health", "contraception", "genitourinary"],
    ),
    ("weightmanagement", &["weight management", "healthy weight"]),
    (
        "roughsleeping",
        &[
            "rough sleeping",
            "rough sleepers",
            "rough sleeper",
            "street outreach",
        ],
    ),
    (
        "energysupply",
        &[
            "supply of gas",
            "natural gas",
            "gas supply",
            "electricity supply",
            "supply of electricity",
            "energy supply",
        ],
    ),
    (
        "cleaning",
        &["cleaning services", "cleaning service", "cleaning"],
    ),
    (
        "securityguarding",
        &[
            "security guarding",
            "manned guarding",
            "static guarding",
            "manned security",
            "keyholding",
            "key holding",
            "security services",
        ],
    ),
    (
        "groundsmaintenance",
        &["grounds maintenance", "parks maintenance", "grass cutting"],
    ),
    ("foodwaste", &["food waste"]),
    ("gardenwaste", &["garden waste", "green waste"]),
    ("residualwaste", &["residual waste"]),
    (
        "recyclables",
        &[
            "dry mixed recyclables",
            "mixed recyclables",
            "dry recyclables",
        ],
    ),
    (
        "hwrc",
        &[
            "household waste recycling centres",
            "household waste recycling centre",
            "household recycling centres",
            "household recycling centre",
            "hwrc",
            "hwrcs",
            "household waste site",
            "household waste sites",
        ],
    ),
    ("carers", &["carers", "carer"]),
    (
        "dayopportunities",
        &["day opportunities", "day services", "day care"],
    ),
    ("shortbreaks", &["short breaks", "short break", "respite"]),
    (
        "purchasingcards",
        &["purchasing cards", "purchasing card", "procurement cards"],
    ),
    ("fuelcards", &["fuel cards", "fuel card"]),
    ("erp", &["enterprise resource planning", "erp"]),
    (
        "casemanagementsystem",
        &["case management system", "case management solution"],
    ),
    (
        "housingmanagementsystem",
        &["housing management system", "housing management solution"],
    ),
    ("apprenticeship", &["apprenticeship", "apprenticeships"]),
    (
        "adultlearning",
        &[
            "adult learning",
            "community learning",
            "adult education",
            "adult skills",
        ],
    ),
    (
        "healthychild",
        &[
            "0 19",
            "healthy child programme",
            "public health nursing",
            "health visiting",
            "school nursing",
        ],
    ),
    (
        "communityequipment",
        &["integrated community equipment", "community equipment"],
    ),
];

/// Longest thesaurus phrase, in words.
const LONGEST_PHRASE: usize = 6;

/// Turns text into the words compared; built once per run.
pub struct Normaliser {
    phrases: HashMap<Vec<String>, &'static str>,
    dropped: HashSet<String>,
    plain: TextAnalyzer,
    english: TextAnalyzer,
}

impl Clone for Normaliser {
    fn clone(&self) -> Self {
        Self {
            phrases: self.phrases.clone(),
            dropped: self.dropped.clone(),
            plain: plain_analyzer(),
            english: english_analyzer(),
        }
    }
}

impl Normaliser {
    /// `place_names`: names of councils and areas (official and short),
    /// whose words are dropped.
    pub fn new<'a>(place_names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut plain = plain_analyzer();
        let mut phrases = HashMap::new();
        for (concept, variants) in THESAURUS {
            for variant in *variants {
                phrases.insert(words(&mut plain, variant), *concept);
            }
        }
        let mut dropped: HashSet<String> = config::PROCEDURE_WORDS
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        for name in place_names {
            for word in words(&mut plain, name) {
                // "and", "of", "upon" join place names; as words they are
                // already dropped, and a stray short word is dropped anyway.
                dropped.insert(word);
            }
        }
        Self {
            phrases,
            dropped,
            plain,
            english: english_analyzer(),
        }
    }

    /// The stemmed words of `text` that say what is bought, in order.
    pub fn tokens(&mut self, text: &str) -> Vec<String> {
        let text = text
            .replace("&amp;", " and ")
            .replace("&#039;", "'")
            .replace("&nbsp;", " ")
            .replace('&', " and ");
        let raw = words(&mut self.plain, &text);
        let mut concepts = Vec::new();
        let mut kept = String::new();
        let mut i = 0;
        while i < raw.len() {
            let mut matched = None;
            for len in (1..=LONGEST_PHRASE.min(raw.len() - i)).rev() {
                if let Some(concept) = self.phrases.get(&raw[i..i + len]) {
                    matched = Some((*concept, len));
                    break;
                }
            }
            if let Some((concept, len)) = matched {
                concepts.push(concept.to_owned());
                i += len;
                continue;
            }
            let word = &raw[i];
            i += 1;
            if self.dropped.contains(word) || word.chars().count() < 3 {
                continue;
            }
            if word.chars().any(|c| c.is_ascii_digit()) && !is_vehicle_weight(word) {
                continue;
            }
            kept.push_str(word);
            kept.push(' ');
        }
        // Concept words are not stemmed: they are already one form.
        concepts.extend(words(&mut self.english, &kept));
        concepts
    }
}

/// A vehicle weight such as `26t` or `7.5t` (read as `5t`): tells one
/// vehicle class from another.
fn is_vehicle_weight(word: &str) -> bool {
    word.len() >= 2
        && word.ends_with('t')
        && word[..word.len() - 1].chars().all(|c| c.is_ascii_digit())
}

fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Whether a title describes a site-specific construction scheme.
pub fn is_site_specific_works(title: &str) -> bool {
    let lower = format!(" {} ", title.to_lowercase().replace(['-', '—', '–'], " "));
    config::SITE_SPECIFIC_WORKS
        .iter()
        .any(|phrase| lower.contains(&format!(" {} ", phrase.replace('-', " "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normaliser() -> Normaliser {
        Normaliser::new(["Kent County Council", "Kent", "Barking and Dagenham"])
    }

    #[test]
    fn synonyms_become_one_concept_and_procedure_words_go() {
        let mut n = normaliser();
        assert_eq!(
            n.tokens("Provision of Drug and Alcohol Services Framework"),
            n.tokens("Substance Misuse Service")
        );
        assert_eq!(
            n.tokens("Supply of PPE"),
            n.tokens("Personal Protective Equipment")
        );
    }

    #[test]
    fn places_years_and_references_are_dropped_but_weights_kept() {
        let mut n = normaliser();
        assert_eq!(
            n.tokens("SC18072 – Kent Food Waste Processing 2020-2024"),
            vec!["foodwaste", "process"]
        );
        let rcv = n.tokens("NEPO HGV lot 2 - 14 x 26t RCVs (3205)");
        assert!(rcv.contains(&"26t".to_owned()), "{rcv:?}");
        assert!(rcv.contains(&"refusevehicle".to_owned()), "{rcv:?}");
        assert!(!rcv.iter().any(|w| w == "3205" || w == "14"), "{rcv:?}");
    }

    #[test]
    fn vehicle_types_stay_apart() {
        let mut n = normaliser();
        let rcv = n.tokens("Refuse collection vehicles");
        let sweeper = n.tokens("Road sweepers");
        assert!(
            rcv.iter().all(|w| !sweeper.contains(w)),
            "{rcv:?} {sweeper:?}"
        );
    }

    #[test]
    fn html_entities_read_as_words() {
        let mut n = normaliser();
        assert_eq!(
            n.tokens("Drug &amp; Alcohol Recovery"),
            n.tokens("Drug and Alcohol Recovery")
        );
    }

    #[test]
    fn site_specific_works_are_recognised() {
        assert!(is_site_specific_works(
            "Construction of 4 New Early Learning and Childcare Centres"
        ));
        assert!(is_site_specific_works("Harvist Estate New Build"));
        assert!(is_site_specific_works(
            "Elworth Primary School Classroom Extension"
        ));
        assert!(!is_site_specific_works("Minor Building Works DPS"));
        assert!(!is_site_specific_works("Contract extension: home care"));
    }
}
