//! Every threshold and weight of duplicate-purchase detection, in one place,
//! each with the reason for its value. The labelled development set
//! (`labelled_pairs.csv`, scored by the evaluation test) is what they were
//! checked against; they were chosen as round values, not searched for.

/// Similarity at or above which two purchases by different buyers are taken
/// as the same need. On the labelled set precision rises and recall falls
/// steadily from 0.25 to 0.40; 0.30 is where both clear their floors with
/// room to spare, so a somewhat different corpus still lands near them.
pub const MATCH_THRESHOLD: f64 = 0.30;

/// How much of a description is compared. Descriptions open with the need
/// and then drift into procedure, TUPE and contact details that every
/// notice shares; the first sentence or two is what describes the purchase.
pub const DESCRIPTION_CHARS: usize = 200;

/// Weight of a description word against a title word. Titles are written
/// to name the need; descriptions help when titles are terse ("Gas",
/// "Research Services DPS") but are noisier.
pub const DESCRIPTION_WEIGHT: f64 = 0.5;

/// Added when both purchases carry CPV codes agreeing to at least a class
/// (four significant digits). Publishers often pick a division-level code
/// (85000000) for anything social, so disagreement is no evidence against;
/// agreement at class depth is some evidence for.
pub const SAME_CPV_CLASS_BONUS: f64 = 0.05;
/// Significant digits that make "the same CPV class".
pub const CPV_CLASS_DIGITS: usize = 4;

/// Added when the purchases share a supplier: the same firm delivering
/// both is weak evidence of the same kind of need (large providers serve
/// many needs, so it stays small).
pub const SAME_SUPPLIER_BONUS: f64 = 0.03;

/// Added when both are call-offs from the same framework.
pub const SAME_FRAMEWORK_BONUS: f64 = 0.05;

/// Two notices with the same suppliers, the same start date and titles at
/// least this similar are one joint arrangement published twice (once per
/// buyer), not two councils buying separately.
pub const JOINT_ARRANGEMENT_SIMILARITY: f64 = 0.8;

/// LSH banding: 16 bands over the title's words and 8 over the title's and
/// the description's, each of 2 MinHash rows. Two purchases become
/// candidates when a band agrees, which for one signature happens with
/// probability 1 − (1 − J²)ᵇ for word-set Jaccard J: with the 16 title
/// bands, 0.85 at J = 1/3 and 0.99 at J = 1/2; the description bands add
/// to that. Two rows per band keep a bucket to items sharing two words,
/// not one; the scorer decides. More bands find a little more and cost
/// memory in proportion (each is 8 bytes per purchase).
pub const TITLE_BANDS: usize = 24;
pub const FULL_BANDS: usize = 8;
pub const MINHASH_ROWS: usize = 2;

/// Description words added to an item's signature set (the most
/// informative ones), so that a terse title still finds its neighbours.
pub const SIGNATURE_DESCRIPTION_WORDS: usize = 8;
/// ... and only those in fewer than about 1 in 100 purchases (inverse
/// document frequency ln 100): a description word most notices share
/// ("requires", "deliver") says nothing about the need, and signing it would
/// put a large share of the corpus into the same buckets.
pub const SIGNATURE_DESCRIPTION_MIN_IDF: f64 = 4.6;

/// An LSH bucket holding more items than this (a very common word pair,
/// or thousands of "home care" contracts) is not enumerated pair by pair,
/// which is quadratic: its items are sorted by signature and each is
/// compared with the next [`BUCKET_WINDOW`]. Clusters still join up
/// through union-find; the count of such buckets is reported.
pub const MAX_BUCKET: usize = 200;
pub const BUCKET_WINDOW: usize = 16;

/// Candidate pairs collected, deduplicated and scored at a time, shared
/// among the scoring threads (8 bytes each while held): bounds the memory
/// of a national run.
pub const CANDIDATE_BATCH: usize = 4_000_000;

/// Misspellings. A word in one or two purchases of the corpus gets the
/// largest weight of all, so a slip of the keyboard in a notice
/// ("Treatmnet") counts against every match of that notice as heavily as a
/// rare, telling word would, and a real match falls below the threshold.
/// Such a word is read as the common word it is one slip away from: two
/// neighbouring letters swapped, one letter dropped or one typed twice
/// (the slips typing makes most). Not one letter changed for another or
/// added, where real word pairs are common: paving and paying, through and
/// thorough, the stems of electrical and electoral. Both words
/// have at least [`MISSPELLING_MIN_LETTERS`] letters (short words have real
/// neighbours one slip away), and the common word is in at least
/// [`MISSPELLING_MIN_DOCUMENTS`] purchases, ten times as many as the rare
/// one at least: a rare word beside a rare word is two real words as often
/// as it is a slip.
pub const MISSPELLING_MAX_DOCUMENTS: u32 = 2;
pub const MISSPELLING_MIN_LETTERS: usize = 6;
pub const MISSPELLING_MIN_DOCUMENTS: u32 = 20;

/// Renewal urgency: purchases whose periods end within this many days of
/// each other are "ending together" (a reason, and a ranking signal; never
/// a reason to match).
pub const ENDING_TOGETHER_DAYS: i64 = 183;

/// Words that describe how something is bought, not what is bought. They
/// are dropped before comparing ("Provision of … Services Framework
/// Agreement" tells nothing about the need).
pub const PROCEDURE_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "the",
    "of",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "or",
    "as",
    "is",
    "are",
    "be",
    "will",
    "this",
    "that",
    "which",
    "provision",
    "provide",
    "providing",
    "provided",
    "service",
    "services",
    "contract",
    "contracts",
    "council",
    "councils",
    "supply",
    "supplies",
    "delivery",
    "deliver",
    "tender",
    "tenders",
    "tendering",
    "award",
    "awarded",
    "awarding",
    "framework",
    "frameworks",
    "agreement",
    "agreements",
    "lot",
    "lots",
    "works",
    "work",
    "within",
    "under",
    "all",
    "any",
    "our",
    "its",
    "their",
    "it",
    "we",
    "us",
    "has",
    "have",
    "been",
    "new",
    "other",
    "per",
    "year",
    "years",
    "month",
    "months",
    "required",
    "requirement",
    "requirements",
    "including",
    "include",
    "includes",
    "dynamic",
    "purchasing",
    "system",
    "dps",
    "procurement",
    "procure",
    "procuring",
    "further",
    "competition",
    "mini",
    "call",
    "off",
    "notice",
    "opportunity",
    "open",
    "reopening",
    "refresh",
    "flexible",
    "approved",
    "list",
    "pseudo",
    "phase",
    "part",
    "contractor",
    "contractors",
    "supplier",
    "suppliers",
    "provider",
    "providers",
    "partner",
    "partnership",
    "direct",
    "waiver",
    "extension",
    "variation",
    "modification",
    "borough",
    "county",
    "city",
    "district",
    "metropolitan",
    "london",
    "royal",
    "authority",
    "authorities",
    "combined",
    "mbc",
    "cbc",
    "lbh",
    "gb",
    "various",
    "multiple",
    "single",
    "one",
    "two",
    "three",
    "four",
    "five",
    "first",
    "second",
    "third",
    "specialist",
    "integrated",
    "community",
    "residents",
    "people",
    "person",
    "range",
    "wide",
    "etc",
    "via",
    "not",
    "no",
    "also",
    "such",
    "can",
    "may",
    "up",
    "over",
    "seeking",
    "seek",
    "invite",
    "invites",
    "invited",
    "inviting",
    "organisation",
    "organisations",
    "suitably",
    "qualified",
    "experienced",
    "re",
    "tpp",
    "tppl",
    "nepo",
    "ypo",
    "espo",
    "ccs",
    "eu",
    "ojeu",
    "uk",
];

/// Phrases that mark a site-specific construction scheme (a school
/// extension, a housing development, a stadium stand). Such schemes are
/// never the same need as another council's, however alike the words.
pub const SITE_SPECIFIC_WORKS: &[&str] = &[
    "construction of",
    "new build",
    "new-build",
    "refurbishment",
    "demolition",
    "redevelopment",
    "remediation",
    "erection of",
    "alterations",
    "extension to",
    "classroom extension",
];
