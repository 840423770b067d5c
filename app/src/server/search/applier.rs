//! The index's only writer. [`Applier::apply_pending`] takes outbox rows
//! after the last applied sequence, in order, deletes each named document
//! and adds it again as the database has it now (or leaves it deleted),
//! then commits with the last sequence as the commit's payload. Work not
//! committed is simply done again after a crash: delete-then-add makes
//! applying a row twice the same as once.
//!
//! [`reindex`] builds a fresh replica from the database and points
//! `CURRENT` at it; [`check`] compares database and index.
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{IndexWriter, TantivyDocument, Term};
use uuid::Uuid;

use super::document::{SearchDocument, key, named_facet, to_tantivy};
use super::{Replica, SearchIndex, create_replica, finish_replica, load, payload, set_current};
use crate::server::changes::DocumentKind;
use crate::server::entities::search_outbox;
use crate::server::services::snapshot::SnapshotCache;

/// Outbox rows applied per commit.
const ROWS_PER_COMMIT: u64 = 5_000;
/// How often the applier looks for new rows when nobody wakes it. Well
/// under the one second a change may take to become searchable.
pub const POLL: Duration = Duration::from_millis(200);
/// Indexing memory of the serving process's writer.
const APPLIER_HEAP: usize = 50_000_000;
/// Indexing memory of a rebuild.
const REINDEX_HEAP: usize = 200_000_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index files: {0}")]
    Io(#[from] std::io::Error),
    #[error("search task: {0}")]
    Task(String),
}

/// The writer of one replica, with the sequence its last commit applied.
struct Writer {
    replica: Arc<Replica>,
    writer: IndexWriter<TantivyDocument>,
    applied: i64,
}

/// Applies the outbox to the index in use.
pub struct Applier {
    db: DatabaseConnection,
    snapshots: Arc<SnapshotCache>,
    index: Arc<SearchIndex>,
    writer: tokio::sync::Mutex<Option<Writer>>,
}

/// What one pass applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub rows: u64,
    pub documents: u64,
    pub through_seq: i64,
}

/// The last op per document, in the order rows name them.
fn last_ops(rows: &[search_outbox::Model]) -> BTreeMap<DocumentKind, Vec<(Uuid, bool)>> {
    let mut last: HashMap<(DocumentKind, Uuid), (i64, bool)> = HashMap::new();
    for row in rows {
        let (Some(kind), Ok(id)) = (
            DocumentKind::parse(&row.entity),
            Uuid::parse_str(&row.entity_id),
        ) else {
            tracing::warn!(seq = row.seq, entity = %row.entity, "outbox row names no search document; skipped");
            continue;
        };
        last.insert((kind, id), (row.seq, row.op == "upsert"));
    }
    let mut by_kind: BTreeMap<DocumentKind, Vec<(i64, Uuid, bool)>> = BTreeMap::new();
    for ((kind, id), (seq, upsert)) in last {
        by_kind.entry(kind).or_default().push((seq, id, upsert));
    }
    by_kind
        .into_iter()
        .map(|(kind, mut docs)| {
            docs.sort();
            (kind, docs.into_iter().map(|(_, id, up)| (id, up)).collect())
        })
        .collect()
}

impl Applier {
    pub fn new(
        db: DatabaseConnection,
        snapshots: Arc<SnapshotCache>,
        index: Arc<SearchIndex>,
    ) -> Self {
        Applier {
            db,
            snapshots,
            index,
            writer: tokio::sync::Mutex::new(None),
        }
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Applies every pending row (several commits when there are many).
    pub async fn apply_pending(&self) -> Result<Applied, SearchError> {
        let mut total = Applied::default();
        loop {
            let pass = self.apply_batch().await?;
            total.rows += pass.rows;
            total.documents += pass.documents;
            total.through_seq = total.through_seq.max(pass.through_seq);
            if pass.rows < ROWS_PER_COMMIT {
                return Ok(total);
            }
        }
    }

    /// One commit's worth of rows.
    async fn apply_batch(&self) -> Result<Applied, SearchError> {
        let mut slot = self.writer.lock().await;
        // A rebuild may have replaced the replica: write to the new one.
        if let Some(old) = self.index.follow_current()? {
            *slot = None;
            tracing::info!(old = %old.name, new = %self.index.replica().name, "search index switched to a rebuilt replica");
            self.index.remove_replica(&old.name);
        }
        let replica = self.index.replica();
        if slot.as_ref().is_none_or(|w| w.replica.name != replica.name) {
            let writer = replica.index.writer_with_num_threads(1, APPLIER_HEAP)?;
            writer.set_merge_policy(super::schema::merge_policy());
            let applied = replica.applied_seq()?;
            *slot = Some(Writer {
                replica: replica.clone(),
                writer,
                applied,
            });
        }
        let applied = slot.as_ref().map_or(0, |w| w.applied);
        let rows = search_outbox::Entity::find()
            .filter(search_outbox::Column::Seq.gt(applied))
            .order_by_asc(search_outbox::Column::Seq)
            .limit(ROWS_PER_COMMIT)
            .all(&self.db)
            .await?;
        let Some(last) = rows.last().map(|r| r.seq) else {
            return Ok(Applied::default());
        };
        let snapshot = self.snapshots.get(&self.db).await?;
        let fields = self.index.fields().clone();
        let mut deletes = Vec::new();
        let mut adds = Vec::new();
        for (kind, docs) in last_ops(&rows) {
            let upserts: Vec<Uuid> = docs
                .iter()
                .filter(|(_, up)| *up)
                .map(|(id, _)| *id)
                .collect();
            let built = load::documents(&self.db, &snapshot, kind, &upserts).await?;
            deletes.extend(docs.iter().map(|(id, _)| key(kind, *id)));
            adds.extend(built.iter().map(|doc| to_tantivy(&fields, doc)));
        }
        let documents = deletes.len() as u64;
        let mut writer = slot.take().expect("writer just made");
        // Writing and syncing index files blocks: off the async threads. On
        // failure the writer (and what it had not committed) is dropped and
        // the next pass starts again from the last commit.
        let writer = tokio::task::spawn_blocking(move || -> tantivy::Result<Writer> {
            for key in deletes {
                writer
                    .writer
                    .delete_term(Term::from_field_text(fields.key, &key));
            }
            for doc in adds {
                writer.writer.add_document(doc)?;
            }
            let mut prepared = writer.writer.prepare_commit()?;
            prepared.set_payload(&payload(last));
            prepared.commit()?;
            writer.applied = last;
            writer.replica.reader.reload()?;
            Ok(writer)
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))??;
        self.index.set_applied(last);
        *slot = Some(writer);
        Ok(Applied {
            rows: rows.len() as u64,
            documents,
            through_seq: last,
        })
    }

    /// Applies the outbox for as long as the process runs, looking every
    /// [`POLL`] (changes come from requests, the command line and other
    /// nodes alike, so the outbox is the one signal).
    pub async fn run(self: Arc<Self>) {
        loop {
            match self.apply_pending().await {
                Ok(applied) if applied.rows > 0 => {
                    tracing::debug!(?applied, "search outbox applied");
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::error!(error = %err, "applying the search outbox failed; retrying")
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// What a rebuild did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reindexed {
    pub replica: String,
    pub documents: BTreeMap<&'static str, u64>,
    pub through_seq: i64,
}

async fn newest_seq<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let newest: Option<i64> = search_outbox::Entity::find()
        .select_only()
        .column(search_outbox::Column::Seq)
        .order_by_desc(search_outbox::Column::Seq)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(newest.unwrap_or(0))
}

/// Builds a fresh replica from the database under `root` and makes it the
/// one in use. Searches keep answering from the old replica meanwhile; the
/// serving process switches at its next outbox pass, and applies whatever
/// changed during the build (the build records the outbox sequence it
/// started from).
pub async fn reindex(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    root: &std::path::Path,
    mut progress: impl FnMut(DocumentKind, u64),
) -> Result<Reindexed, SearchError> {
    std::fs::create_dir_all(root)?;
    // Read before the data: rows after it are applied again later, which
    // is harmless; rows before it are all in what is read next.
    let through_seq = newest_seq(db).await?;
    let building = create_replica(root)?;
    let index = tantivy::Index::open_in_dir(&building)?;
    super::schema::register(index.tokenizers());
    let (_, fields) = super::schema::build();
    let mut writer: IndexWriter<TantivyDocument> = index.writer(REINDEX_HEAP)?;
    // Nothing is merged while building: one merge at the end (see
    // `balance_segments`) reads each document once instead of at every
    // level of the usual policy.
    writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
    let snapshot = snapshots.get(db).await?;
    let mut documents = BTreeMap::new();
    for kind in DocumentKind::ALL {
        let ids = load::all_ids(db, kind).await?;
        let mut count = 0;
        for chunk in ids.chunks(load::BATCH) {
            let built: Vec<SearchDocument> = load::documents(db, &snapshot, kind, chunk).await?;
            for doc in &built {
                writer.add_document(to_tantivy(&fields, doc))?;
            }
            count += built.len() as u64;
            progress(kind, count);
        }
        documents.insert(kind.as_str(), count);
    }
    tokio::task::spawn_blocking(move || -> tantivy::Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(through_seq));
        prepared.commit()?;
        balance_segments(&mut writer)?;
        writer.wait_merging_threads()
    })
    .await
    .map_err(|e| SearchError::Task(e.to_string()))??;
    drop(index);
    let replica = finish_replica(root, &building)?;
    set_current(root, &replica)?;
    Ok(Reindexed {
        replica,
        documents,
        through_seq,
    })
}

/// Merges a bulk build's segments into one per core, of near-equal size
/// ([`balanced_groups`]). A search reads each segment on one thread, so
/// this is what lets every core share a large search; more segments than
/// cores would only add each segment's fixed cost (term lookups, typo
/// expansion) to every search. Merges keep the commit's payload.
pub fn balance_segments(writer: &mut IndexWriter<TantivyDocument>) -> tantivy::Result<()> {
    let metas = writer.index().searchable_segment_metas()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let groups = balanced_groups(
        metas
            .iter()
            .map(|m| (m.id(), u64::from(m.num_docs())))
            .collect(),
        cores,
    );
    // One merge at a time: a merge maps every segment it reads, and those
    // pages count as the process's memory until it ends. Side by side, the
    // merges of a 10^6-document build peaked at 1.05 GiB; one by one, at
    // about half, for about a second more.
    for group in groups.into_iter().filter(|group| group.len() > 1) {
        writer.merge(&group).wait()?;
    }
    // The merged-away segments' files go now, not at some later commit.
    writer.garbage_collect_files().wait()?;
    Ok(())
}

/// Splits `items` (each with its size) into at most `groups` groups of
/// near-equal total size: largest first, each into the lightest group so
/// far. Empty groups are left out.
pub fn balanced_groups<T>(mut items: Vec<(T, u64)>, groups: usize) -> Vec<Vec<T>> {
    items.sort_by_key(|item| std::cmp::Reverse(item.1));
    let mut out: Vec<(u64, Vec<T>)> = (0..groups.max(1)).map(|_| (0, Vec::new())).collect();
    for (item, size) in items {
        let lightest = out
            .iter_mut()
            .min_by_key(|(total, _)| *total)
            .expect("at least one group");
        lightest.0 += size;
        lightest.1.push(item);
    }
    out.into_iter()
        .map(|(_, group)| group)
        .filter(|group| !group.is_empty())
        .collect()
}

/// How database and index compare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// (kind, in the database, in the index).
    pub counts: Vec<(&'static str, u64, u64)>,
    /// Documents sampled and compared field by field.
    pub sampled: u64,
    /// What differs, one line each.
    pub drift: Vec<String>,
    /// Outbox rows not yet applied (counts may differ until they are).
    pub pending: u64,
}

/// How many of each kind's documents `check` compares.
const SAMPLE_PER_KIND: usize = 50;

/// Compares the index in use with the database: counts per kind, and a
/// sample of documents (title, subtitle and reference as stored).
pub async fn check(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    index: &SearchIndex,
) -> Result<Checked, SearchError> {
    let replica = index.replica();
    let applied = replica.applied_seq()?;
    let pending = search_outbox::Entity::find()
        .filter(search_outbox::Column::Seq.gt(applied))
        .count(db)
        .await?;
    let searcher = replica.reader.searcher();
    let fields = index.fields();
    let snapshot = snapshots.get(db).await?;
    let mut out = Checked {
        pending,
        ..Default::default()
    };
    for kind in DocumentKind::ALL {
        let ids = load::all_ids(db, kind).await?;
        let kind_query = TermQuery::new(
            Term::from_facet(fields.facets, &named_facet("kind", kind.as_str())),
            IndexRecordOption::Basic,
        );
        let in_index = searcher.search(&kind_query, &Count)? as u64;
        let in_db = ids.len() as u64;
        if in_db != in_index {
            out.drift.push(format!(
                "{}: {in_db} in the database, {in_index} in the index",
                kind.as_str()
            ));
        }
        out.counts.push((kind.as_str(), in_db, in_index));
        let step = (ids.len() / SAMPLE_PER_KIND).max(1);
        let sample: Vec<Uuid> = ids
            .iter()
            .step_by(step)
            .take(SAMPLE_PER_KIND)
            .copied()
            .collect();
        for expected in load::documents(db, &snapshot, kind, &sample).await? {
            out.sampled += 1;
            let key_query = TermQuery::new(
                Term::from_field_text(fields.key, &key(kind, expected.id)),
                IndexRecordOption::Basic,
            );
            let found = searcher.search(
                &key_query,
                &tantivy::collector::TopDocs::with_limit(2).order_by_score(),
            )?;
            let label = format!("{} {}", kind.as_str(), expected.id);
            match found.as_slice() {
                [] => out.drift.push(format!("{label}: missing from the index")),
                [(_, address)] => {
                    let doc: TantivyDocument = searcher.doc(*address)?;
                    let text = |f| doc.get_first(f).and_then(|v| v.as_str().map(str::to_owned));
                    if text(fields.title).as_deref() != Some(expected.title.as_str()) {
                        out.drift.push(format!("{label}: title differs"));
                    }
                    let subtitle =
                        (!expected.subtitle.is_empty()).then(|| expected.subtitle.clone());
                    if text(fields.subtitle) != subtitle {
                        out.drift.push(format!("{label}: subtitle differs"));
                    }
                    if text(fields.reference) != expected.reference {
                        out.drift.push(format!("{label}: reference differs"));
                    }
                }
                _ => out.drift.push(format!("{label}: in the index twice")),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn row(seq: i64, entity: &str, id: Uuid, op: &str) -> search_outbox::Model {
        search_outbox::Model {
            seq,
            entity: entity.into(),
            entity_id: id.to_string(),
            op: op.into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn segments_are_grouped_into_near_equal_shares() {
        let sizes = [70, 70, 65, 60, 60, 55, 50, 40, 30, 10];
        let items: Vec<(usize, u64)> = sizes.iter().copied().enumerate().collect();
        let groups = balanced_groups(items, 2);
        let totals: Vec<u64> = groups
            .iter()
            .map(|g| g.iter().map(|&i| sizes[i]).sum())
            .collect();
        assert_eq!(totals.iter().sum::<u64>(), 510);
        assert!(totals.iter().all(|t| (250..=260).contains(t)), "{totals:?}");
        // Fewer items than groups: no empty group; one group: everything.
        assert_eq!(balanced_groups(vec![(7, 5)], 4), [vec![7]]);
        assert_eq!(balanced_groups(vec![(1, 5), (2, 6)], 1).concat().len(), 2);
        assert!(balanced_groups(Vec::<(u8, u64)>::new(), 2).is_empty());
    }

    #[test]
    fn a_build_is_merged_into_a_segment_per_core_keeping_its_payload() {
        let (schema_def, fields) = super::super::schema::build();
        let index = tantivy::Index::create_in_ram(schema_def);
        super::super::schema::register(index.tokenizers());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        for n in 0..5u128 {
            let doc = SearchDocument {
                kind: Some(DocumentKind::Contract),
                id: Uuid::from_u128(n),
                title: format!("Contract {n}"),
                ..Default::default()
            };
            writer.add_document(to_tantivy(&fields, &doc)).unwrap();
            writer.commit().unwrap();
        }
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload(&payload(42));
        prepared.commit().unwrap();
        assert_eq!(index.searchable_segment_ids().unwrap().len(), 5);
        balance_segments(&mut writer).unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let metas = index.searchable_segment_metas().unwrap();
        assert_eq!(metas.len(), cores.min(5));
        assert_eq!(metas.iter().map(|m| m.num_docs()).sum::<u32>(), 5);
        assert_eq!(index.load_metas().unwrap().payload, Some(payload(42)));
    }

    #[test]
    fn the_last_row_for_a_document_decides_what_happens_to_it() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let ops = last_ops(&[
            row(1, "lot", a, "upsert"),
            row(2, "framework", b, "upsert"),
            row(3, "lot", a, "delete"),
            row(4, "widget", a, "upsert"),
            row(5, "framework", b, "upsert"),
        ]);
        assert_eq!(ops[&DocumentKind::Lot], vec![(a, false)]);
        assert_eq!(ops[&DocumentKind::Framework], vec![(b, true)]);
        assert_eq!(ops.len(), 2, "the unknown kind is skipped");
    }
}
