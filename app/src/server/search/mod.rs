//! Search (ARCHITECTURE §4): one tantivy index over frameworks, lots,
//! suppliers, offers, contracts and planned purchases, kept in step with
//! the database through the search outbox.
//!
//! - [`query`] reads what was typed; [`engine`] runs a search; [`schema`]
//!   and [`document`] say what a document is; [`load`] builds documents
//!   from the database. [`tally`] is the one pass over a search's matches
//!   that counts them (with [`facet_count`]'s decoded facet ordinals);
//!   [`typo`] finds the corrections of a mistyped word, asking
//!   [`lexicon`] which stems exist. [`segment_cache`] keeps what those
//!   work out once per segment, and its warmer works it out on reload.
//! - [`applier`] is the only writer: it applies outbox rows in order and
//!   records the last applied sequence in each commit, so a restart resumes
//!   where the last commit ended. It also rebuilds (`reindex`) and compares
//!   index and database (`check`).
//! - This module is the index on disk: a directory per build ("replica")
//!   under the search root, and a `CURRENT` file naming the one in use. A
//!   rebuild writes a new replica and then replaces `CURRENT` (a rename,
//!   so atomic); the serving process notices and switches, while searches
//!   already running finish on the old one.
pub mod applier;
pub mod document;
pub mod engine;
pub mod facet_count;
pub mod lexicon;
pub mod load;
pub mod mark;
pub mod query;
pub mod schema;
pub mod segment_cache;
pub mod stem;
pub mod tally;
pub mod typo;

/// The search library, for tools and tests that open an index directly.
pub use tantivy;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use schema::Fields;

/// The file naming the replica in use.
const CURRENT: &str = "CURRENT";
/// Replica directories start with this; a build in progress with `building-`.
const REPLICA_PREFIX: &str = "index-";
const BUILDING_PREFIX: &str = "building-";

/// One built index directory, open for reading.
pub struct Replica {
    pub name: String,
    pub index: Index,
    pub reader: IndexReader,
    /// Held as long as the reader, which holds it weakly.
    _warmer: Arc<segment_cache::SegmentWarmer>,
}

/// A reader of `index` as searches need it: reloaded when told (the
/// applier does after each commit), each new segment's facet ordinals
/// decoded and term set read as it loads. Keep the warmer as long as the
/// reader.
pub fn open_reader(
    index: &Index,
) -> tantivy::Result<(IndexReader, Arc<segment_cache::SegmentWarmer>)> {
    let warmer = segment_cache::warmer();
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .warmers(vec![segment_cache::weak(&warmer)])
        .try_into()?;
    Ok((reader, warmer))
}

impl Replica {
    fn open(dir: &Path, name: String) -> tantivy::Result<Self> {
        let mut index = Index::open_in_dir(dir)?;
        schema::prepare(&mut index)?;
        let (reader, warmer) = open_reader(&index)?;
        Ok(Replica {
            name,
            index,
            reader,
            _warmer: warmer,
        })
    }

    /// The outbox sequence the last commit applied (0 for none).
    pub fn applied_seq(&self) -> tantivy::Result<i64> {
        Ok(self
            .index
            .load_metas()?
            .payload
            .as_deref()
            .and_then(parse_payload)
            .unwrap_or(0))
    }
}

/// The commit payload: the last applied outbox sequence.
pub fn payload(seq: i64) -> String {
    format!("{{\"seq\":{seq}}}")
}

fn parse_payload(payload: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(payload)
        .ok()?
        .get("seq")?
        .as_i64()
}

/// The search index of this process: the replica in use and its fields.
pub struct SearchIndex {
    root: PathBuf,
    fields: Fields,
    replica: RwLock<Arc<Replica>>,
    /// The outbox sequence the replica in use has applied, as last
    /// committed (kept here so asking costs no file read).
    applied: AtomicI64,
}

impl SearchIndex {
    /// Opens the replica `CURRENT` names under `root`, making an empty one
    /// when there is none. [`Self::is_new`] then says it needs building.
    pub fn open(root: &Path) -> tantivy::Result<Self> {
        std::fs::create_dir_all(root)?;
        let name = match current_name(root) {
            Some(name) if root.join(&name).join("meta.json").exists() => name,
            _ => {
                let dir = create_replica(root)?;
                let name = finish_replica(root, &dir)?;
                set_current(root, &name)?;
                name
            }
        };
        let mut replica = Replica::open(&root.join(&name), name)?;
        let (schema, fields) = schema::build();
        if replica.index.schema() != schema {
            // Built by an earlier version with another schema: start an
            // empty one, which `is_new` reports, so `serve` rebuilds it
            // from the database.
            let dir = create_replica(root)?;
            let name = finish_replica(root, &dir)?;
            set_current(root, &name)?;
            let outdated = std::mem::replace(&mut replica, Replica::open(&root.join(&name), name)?);
            if let Err(err) = std::fs::remove_dir_all(root.join(&outdated.name)) {
                tracing::warn!(replica = outdated.name, error = %err, "could not remove an outdated search replica");
            }
        }
        Ok(SearchIndex {
            root: root.to_path_buf(),
            fields,
            applied: AtomicI64::new(replica.applied_seq()?),
            replica: RwLock::new(Arc::new(replica)),
        })
    }

    /// What the index answers from: its replica and the outbox sequence it
    /// has applied. Anything derived from search results (a cached page)
    /// is good while this stays the same.
    pub fn version(&self) -> String {
        format!(
            "{}@{}",
            self.replica().name,
            self.applied.load(Ordering::Acquire)
        )
    }

    /// Records a commit that applied the outbox through `seq`.
    pub(crate) fn set_applied(&self, seq: i64) {
        self.applied.store(seq, Ordering::Release);
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The replica in use now.
    pub fn replica(&self) -> Arc<Replica> {
        self.replica
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A searcher of the replica in use.
    pub fn searcher(&self) -> Searcher {
        self.replica().reader.searcher()
    }

    /// Whether nothing was ever applied (a new or emptied index).
    pub fn is_new(&self) -> bool {
        let replica = self.replica();
        replica.applied_seq().unwrap_or(0) == 0 && replica.reader.searcher().num_docs() == 0
    }

    /// Switches to the replica `CURRENT` names if it is not the one in use
    /// (a rebuild finished). Returns the replica given up.
    pub fn follow_current(&self) -> tantivy::Result<Option<Arc<Replica>>> {
        let Some(name) = current_name(&self.root) else {
            return Ok(None);
        };
        if name == self.replica().name {
            return Ok(None);
        }
        let fresh = Arc::new(Replica::open(&self.root.join(&name), name)?);
        let mut slot = self.replica.write().unwrap_or_else(|e| e.into_inner());
        self.set_applied(fresh.applied_seq()?);
        let old = std::mem::replace(&mut *slot, fresh);
        Ok(Some(old))
    }

    /// Deletes a replica that is no longer in use (searches still holding
    /// it keep their open files).
    pub fn remove_replica(&self, name: &str) {
        if name.starts_with(REPLICA_PREFIX)
            && current_name(&self.root).as_deref() != Some(name)
            && let Err(err) = std::fs::remove_dir_all(self.root.join(name))
        {
            tracing::warn!(replica = name, error = %err, "could not remove an old search replica");
        }
    }
}

fn current_name(root: &Path) -> Option<String> {
    std::fs::read_to_string(root.join(CURRENT))
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| s.starts_with(REPLICA_PREFIX) && !s.contains(['/', '\\']))
}

/// Makes an empty index in a new `building-…` directory.
fn create_replica(root: &Path) -> tantivy::Result<PathBuf> {
    let dir = root.join(format!(
        "{BUILDING_PREFIX}{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir)?;
    let (schema, _) = schema::build();
    let index = schema::create_in_dir(&dir, schema)?;
    schema::register(index.tokenizers());
    Ok(dir)
}

/// Renames a finished build to `index-…` and returns that name.
fn finish_replica(root: &Path, building: &Path) -> std::io::Result<String> {
    let built = building
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(BUILDING_PREFIX))
        .map(|id| format!("{REPLICA_PREFIX}{id}"))
        .ok_or_else(|| std::io::Error::other("not a replica being built"))?;
    std::fs::rename(building, root.join(&built))?;
    Ok(built)
}

/// Points `CURRENT` at `name`, atomically (write a new file, rename over).
fn set_current(root: &Path, name: &str) -> std::io::Result<()> {
    let staged = root.join(format!("{CURRENT}.{}", uuid::Uuid::new_v4().simple()));
    std::fs::write(&staged, name)?;
    std::fs::rename(&staged, root.join(CURRENT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        assert_eq!(parse_payload(&payload(4_200)), Some(4_200));
        assert_eq!(parse_payload("not json"), None);
    }

    #[test]
    fn a_replica_with_another_schema_is_replaced_by_an_empty_one() {
        let root = std::env::temp_dir().join(format!("pc-search-{}", uuid::Uuid::new_v4()));
        let old = root.join(format!("{REPLICA_PREFIX}old"));
        std::fs::create_dir_all(&old).unwrap();
        let mut builder = tantivy::schema::Schema::builder();
        builder.add_text_field("title", tantivy::schema::TEXT | tantivy::schema::STORED);
        let mut writer: tantivy::IndexWriter = Index::create_in_dir(&old, builder.build())
            .unwrap()
            .writer(15_000_000)
            .unwrap();
        writer.commit().unwrap();
        drop(writer);
        set_current(&root, &format!("{REPLICA_PREFIX}old")).unwrap();
        let index = SearchIndex::open(&root).unwrap();
        assert!(index.is_new(), "an index of another schema must be rebuilt");
        assert_ne!(index.replica().name, format!("{REPLICA_PREFIX}old"));
        assert_eq!(current_name(&root), Some(index.replica().name.clone()));
        assert!(!old.exists(), "the outdated replica is removed");
        assert_eq!(index.replica().index.schema(), schema::build().0);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_new_root_gets_an_empty_replica_and_a_pointer() {
        let root = std::env::temp_dir().join(format!("pc-search-{}", uuid::Uuid::new_v4()));
        let index = SearchIndex::open(&root).unwrap();
        assert!(index.is_new());
        let name = current_name(&root).unwrap();
        assert_eq!(index.replica().name, name);
        // Opening again uses the same replica.
        let again = SearchIndex::open(&root).unwrap();
        assert_eq!(again.replica().name, name);
        assert!(index.follow_current().unwrap().is_none());
        std::fs::remove_dir_all(root).unwrap();
    }
}
