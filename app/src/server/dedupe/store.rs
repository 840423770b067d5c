//! Purchases and words held compactly. A national run holds about a
//! million purchases, so an [`Item`]'s strings and vectors (a dozen heap
//! allocations each) are packed on the way in: keys and titles into one
//! text buffer, buyers, CPV codes and suppliers as numbers into one array,
//! names interned once in a [`StringTable`]. [`ItemRef`] reads one back;
//! [`Store::item`] rebuilds the [`Item`] it was made from.
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use time::Date;

use super::Item;

/// A `HashMap` keyed by a hash already computed (the table's own).
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Distinct strings, each stored once in one buffer and numbered in order
/// of arrival. Found by a 64-bit hash of the text (an entry costs about 20
/// bytes rather than two heap strings); the rare string whose hash another
/// already has is kept aside, so two strings never share an id.
#[derive(Clone, Debug, Default)]
pub struct StringTable {
    text: String,
    /// Where each string ends in `text` (it starts where the previous ends).
    ends: Vec<u32>,
    by_hash: HashMap<u64, u32, BuildHasherDefault<PreHashed>>,
    collided: HashMap<Box<str>, u32>,
}

fn hash_of(s: &str) -> u64 {
    // DefaultHasher::new() has fixed keys: the same text, the same hash.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut hasher);
    hasher.finish()
}

impl StringTable {
    pub fn get(&self, s: &str) -> Option<u32> {
        match self.by_hash.get(&hash_of(s)) {
            Some(&id) if self.str(id) == s => Some(id),
            Some(_) => self.collided.get(s).copied(),
            None => None,
        }
    }

    /// The id of `s`, added if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(id) = self.get(s) {
            return id;
        }
        let id = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        match self.by_hash.entry(hash_of(s)) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(s.into(), id);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(id);
            }
        }
        id
    }

    pub fn str(&self, id: u32) -> &str {
        let id = id as usize;
        let Some(&end) = self.ends.get(id) else {
            return "";
        };
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.text[start as usize..end as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Longest list kept per purchase (buyers, CPV codes, suppliers): a joint
/// purchase by more than 255 bodies is not a thing.
const MAX_LIST: usize = u8::MAX as usize;

/// One purchase's place in the [`Store`].
#[derive(Clone, Copy, Debug)]
struct Row {
    /// Key, then title, in `Store::text`.
    text: u32,
    key_len: u16,
    title_len: u16,
    /// Buyer ids, CPV codes, supplier ids in `Store::numbers`.
    numbers: u32,
    buyers: u8,
    cpv: u8,
    suppliers: u8,
    framework: Option<u32>,
    value_pence: Option<i64>,
    start: Option<Date>,
    end: Option<Date>,
}

/// Every purchase of an index, packed.
#[derive(Clone, Debug, Default)]
pub struct Store {
    text: String,
    numbers: Vec<u32>,
    rows: Vec<Row>,
    pub(super) buyers: StringTable,
    suppliers: StringTable,
    /// Framework references, upper case (`rm6098` and `RM6098` agree).
    pub(super) frameworks: StringTable,
}

/// The longest prefix of `s` of at most `max` bytes that ends on a
/// character boundary.
fn clipped(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// An eight-digit CPV code as a number (`None`: not one).
pub(super) fn cpv_number(code: &str) -> Option<u32> {
    let digits = code.get(..8)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

impl Store {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Packs `item` (its description is not kept: only the profile needs it).
    pub(super) fn push(&mut self, item: &Item) {
        let key = clipped(&item.key, u16::MAX as usize);
        let title = clipped(&item.title, u16::MAX as usize);
        let text = self.text.len() as u32;
        self.text.push_str(key);
        self.text.push_str(title);
        let numbers = self.numbers.len() as u32;
        let buyers: Vec<u32> = item
            .buyers
            .iter()
            .take(MAX_LIST)
            .map(|b| self.buyers.intern(b))
            .collect();
        let cpv: Vec<u32> = item
            .cpv_codes
            .iter()
            .filter_map(|c| cpv_number(c))
            .take(MAX_LIST)
            .collect();
        let suppliers: Vec<u32> = item
            .suppliers
            .iter()
            .take(MAX_LIST)
            .map(|s| self.suppliers.intern(s))
            .collect();
        self.numbers.extend(&buyers);
        self.numbers.extend(&cpv);
        self.numbers.extend(&suppliers);
        let framework = item
            .framework
            .as_deref()
            .map(|f| self.frameworks.intern(&f.trim().to_uppercase()));
        self.rows.push(Row {
            text,
            key_len: key.len() as u16,
            title_len: title.len() as u16,
            numbers,
            buyers: buyers.len() as u8,
            cpv: cpv.len() as u8,
            suppliers: suppliers.len() as u8,
            framework,
            value_pence: item.value_pence,
            start: item.start,
            end: item.end,
        });
    }

    pub fn get(&self, i: usize) -> ItemRef<'_> {
        ItemRef {
            store: self,
            row: self.rows[i],
        }
    }

    /// The item as it was given (without its description).
    pub fn item(&self, i: usize) -> Item {
        self.get(i).to_item()
    }
}

impl ItemRef<'_> {
    /// The item as it was given (without its description).
    pub fn to_item(&self) -> Item {
        let r = self;
        Item {
            key: r.key().to_owned(),
            buyers: r.buyers().map(str::to_owned).collect(),
            title: r.title().to_owned(),
            description: None,
            cpv_codes: r.cpv_codes(),
            suppliers: r.suppliers().map(str::to_owned).collect(),
            framework: r.framework().map(str::to_owned),
            value_pence: r.value_pence(),
            start: r.start(),
            end: r.end(),
        }
    }
}

/// One stored purchase, read in place.
#[derive(Clone, Copy)]
pub struct ItemRef<'a> {
    store: &'a Store,
    row: Row,
}

impl<'a> ItemRef<'a> {
    pub fn key(&self) -> &'a str {
        let start = self.row.text as usize;
        &self.store.text[start..start + self.row.key_len as usize]
    }

    pub fn title(&self) -> &'a str {
        let start = self.row.text as usize + self.row.key_len as usize;
        &self.store.text[start..start + self.row.title_len as usize]
    }

    fn numbers(&self, from: usize, count: u8) -> &'a [u32] {
        let start = self.row.numbers as usize + from;
        &self.store.numbers[start..start + count as usize]
    }

    pub(super) fn buyer_ids(&self) -> &'a [u32] {
        self.numbers(0, self.row.buyers)
    }

    /// CPV codes as numbers (34927100).
    pub(super) fn cpv(&self) -> &'a [u32] {
        self.numbers(self.row.buyers as usize, self.row.cpv)
    }

    fn supplier_ids(&self) -> &'a [u32] {
        self.numbers(
            self.row.buyers as usize + self.row.cpv as usize,
            self.row.suppliers,
        )
    }

    pub fn buyers(self) -> impl Iterator<Item = &'a str> + 'a {
        let store = self.store;
        self.buyer_ids().iter().map(move |b| store.buyers.str(*b))
    }

    pub fn cpv_codes(&self) -> Vec<String> {
        self.cpv().iter().map(|c| format!("{c:08}")).collect()
    }

    /// Supplier names, as published.
    pub fn suppliers(self) -> impl Iterator<Item = &'a str> + 'a {
        let store = self.store;
        self.supplier_ids()
            .iter()
            .map(move |s| store.suppliers.str(*s))
    }

    pub(super) fn framework_id(&self) -> Option<u32> {
        self.row.framework
    }

    /// The framework reference, upper case.
    pub fn framework(&self) -> Option<&'a str> {
        self.row.framework.map(|f| self.store.frameworks.str(f))
    }

    pub fn value_pence(&self) -> Option<i64> {
        self.row.value_pence
    }

    pub fn start(&self) -> Option<Date> {
        self.row.start
    }

    pub fn end(&self) -> Option<Date> {
        self.row.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_table_numbers_each_string_once() {
        let mut table = StringTable::default();
        let salt = table.intern("rock salt");
        let grit = table.intern("grit");
        assert_eq!(table.intern("rock salt"), salt);
        assert_ne!(salt, grit);
        assert_eq!(table.str(salt), "rock salt");
        assert_eq!(table.str(grit), "grit");
        assert_eq!(table.get("grit"), Some(grit));
        assert_eq!(table.get("sand"), None);
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn a_colliding_hash_still_gives_each_string_its_own_id() {
        let mut table = StringTable::default();
        let first = table.intern("first");
        // Pretend "second" hashes like "first": it must be kept aside.
        let second_hash = hash_of("second");
        table.by_hash.insert(second_hash, first);
        let second = table.intern("second");
        assert_ne!(first, second);
        assert_eq!(table.get("second"), Some(second));
        assert_eq!(table.get("first"), Some(first));
        assert_eq!(table.str(second), "second");
    }

    #[test]
    fn an_item_comes_back_as_it_was_stored() {
        let item = Item {
            key: "contract:1".into(),
            buyers: vec!["leeds".into(), "bradford".into()],
            title: "Weed spraying \u{2013} highways".into(),
            description: Some("dropped".into()),
            cpv_codes: vec!["77312100".into(), "03000000".into(), "not a code".into()],
            suppliers: vec!["Green Co Ltd".into()],
            framework: Some("rm6098 ".into()),
            value_pence: Some(1_200_000),
            start: Some(time::macros::date!(2025 - 04 - 01)),
            end: None,
        };
        let mut store = Store::default();
        store.push(&item);
        store.push(&Item {
            key: "contract:2".into(),
            buyers: vec!["leeds".into()],
            ..Item::default()
        });
        let back = store.item(0);
        assert_eq!(back.key, "contract:1");
        assert_eq!(back.title, item.title);
        assert_eq!(back.buyers, item.buyers);
        assert_eq!(back.cpv_codes, vec!["77312100", "03000000"]);
        assert_eq!(back.suppliers, item.suppliers);
        assert_eq!(back.framework.as_deref(), Some("RM6098"));
        assert_eq!(
            (back.value_pence, back.start, back.end),
            (item.value_pence, item.start, None)
        );
        assert_eq!(back.description, None);
        assert_eq!(
            store.get(1).buyer_ids(),
            store.get(0).buyer_ids()[..1].to_vec().as_slice()
        );
        assert_eq!(store.item(1).title, "");
    }
}
