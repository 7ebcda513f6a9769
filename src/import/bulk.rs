//! `casegraph import` at database speed: a file of any size (NDJSON or a `casegraph/v1` document, see
//! [`super::stream`]) read in flat memory and written in transactions of bounded size.
//!
//! The path of a record is the same as everywhere else: translated into the application layer's draft
//! (`super::validation`), checked by it ([`Draft::check`]), written by the store — only a batch at a
//! time. For each batch of `batch_size` records, in file order:
//!
//! 1. every record is checked on its own; a bad one is reported with its position and reason;
//! 2. its references are resolved, with one index seek per distinct id for the whole batch: a reference
//!    must name a record *earlier in the file* or a node *already stored* (of the right kind, in the
//!    same collection). A reference to a later record is an error that says so: a streamed file cannot
//!    look ahead, and requiring the order keeps the outcome independent of the batch size;
//! 3. the good records are written in one transaction together with the batch's checkpoint
//!    (`store::write::bulk`): a batch is never half-written, and a rerun skips the batches whose
//!    checkpoint is there. A checkpoint is keyed by the collection, the batch size, the batch's number
//!    and a hash of its records' text, so an edited file re-imports exactly the batches that changed.
//!
//! Steps 1 and 2 of a batch run while the batch before it is written (step 3), one transaction at a
//! time; see [`import`].
//!
//! With [`OnError::Stop`] (the default) the first bad record ends the import, its batch unwritten; with
//! [`OnError::Skip`] bad records are left out, counted and listed, and a record that refers to a
//! skipped one is itself skipped (its reference cannot resolve).

use std::{
    collections::{HashMap, HashSet},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Instant,
};

use xxhash_rust::xxh3::Xxh3;

use super::{
    document::FORMAT_TAG,
    progress::Progress,
    report::add,
    resolve::{references, resolve, Checked, Resolved},
    stream::{self, Entry, Item, Record},
    validation as map,
};
use crate::{
    app::{
        batch::{self, Chunk, Draft},
        Origin,
    },
    domain::{render_errors, NodeKind, ValidationError},
    error::{AppError, AppResult},
    store::{
        write::{bulk, ChangeSet, Summary},
        Scope, Store,
    },
};

/// What to do with a bad record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OnError {
    /// Stop at the first bad record; its batch is not written (the batches before it are).
    #[default]
    Stop,
    /// Leave bad records out, and list them at the end.
    Skip,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Records per transaction.
    pub batch_size: usize,
    pub on_error: OnError,
    /// Ignore the checkpoints of earlier runs and write every batch again.
    pub restart: bool,
    /// Show no progress (tests, library callers).
    pub quiet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_size: DEFAULT_BATCH_SIZE,
            on_error: OnError::Stop,
            restart: false,
            quiet: true,
        }
    }
}

/// Records per transaction unless told otherwise: large enough that a round trip carries thousands of
/// rows, small enough that a transaction stays within a few MB of Neo4j's transaction memory.
pub const DEFAULT_BATCH_SIZE: usize = 2000;

pub use super::report::{Problem, Report};

/// A file opened for reading: its records as they are read, the bytes read so far, and its
/// collection (read first, checked) with the hash of the file's content.
pub(super) struct Opened {
    pub rx: tokio::sync::mpsc::Receiver<Item>,
    pub read: Arc<AtomicU64>,
    pub collection: super::document::CollectionRecord,
    pub collection_hash: u128,
    /// The collection's own change set.
    pub base: ChangeSet,
}

/// Opens `path` as both importers (this one and the offline export) read it.
pub(super) async fn open(path: &str) -> AppResult<Opened> {
    let read = Arc::new(AtomicU64::new(0));
    let mut rx = stream::spawn(path, read.clone())
        .map_err(|e| AppError::bad_input("file", format!("cannot read {path}: {e}")))?;
    let (collection, collection_hash) = match rx.recv().await {
        Some(Item::Collection(c, hash)) => (c, hash),
        Some(Item::Fatal(message)) => return Err(AppError::bad_input("file", message)),
        _ => {
            return Err(AppError::bad_input(
                "file",
                format!("{path} holds no collection"),
            ))
        }
    };
    let base = batch::check_collection(&map::collection_draft(&collection), Origin::Import)
        .map_err(|errors| AppError::BadUserInput {
            field: errors.first().map(|e| e.field.clone()),
            message: render_errors(&errors),
        })?;
    Ok(Opened {
        rx,
        read,
        collection,
        collection_hash,
        base,
    })
}

/// Imports the file at `path`.
pub async fn import(store: &Arc<Store>, path: &str, options: &Options) -> AppResult<Report> {
    let started = Instant::now();
    let batch_size = options.batch_size.max(1);
    let Opened {
        mut rx,
        read,
        collection,
        collection_hash,
        base,
    } = open(path).await?;
    let prefix = format!("{}/{FORMAT_TAG}/{batch_size}/", collection.id);
    let db = store.session(Scope::all());
    let committed = if options.restart {
        HashSet::new()
    } else {
        bulk::committed_batches(&db, &prefix).await?
    };
    let mut run = Run {
        store,
        collection: collection.id.clone(),
        collection_hash,
        base,
        prefix,
        committed,
        options,
        report: Report::default(),
        progress: Progress::new(stream::DONE, options.quiet),
        events: 0,
        keys: HashSet::new(),
        evidence: HashSet::new(),
        in_flight: 0,
    };
    // With `--on-error stop` (the default) a batch is read, checked and resolved while the one before
    // it is written: the client's work (about a fifth of the time, see `RUST_LOG=casegraph=debug`)
    // overlaps Neo4j's. Transactions stay one at a time, in file order, so checkpoints and "a batch
    // is never half-written" are unchanged. With `--on-error skip` a batch may lose a record at write
    // time (a problem only the store sees), which the next batch's references must know: one at a time.
    let pipelined = options.on_error == OnError::Stop;
    let mut number = 0u64;
    let mut ready: Option<Ready> = None;
    loop {
        let earlier = ready.as_ref().map(Ready::defines).unwrap_or_default();
        let write = ready.as_ref().map(|r| {
            let chunk = Arc::new(run.chunk(r.number, &r.key, &r.records));
            let store = Arc::clone(run.store);
            let pending = run.pending_prefix();
            async move {
                let started = Instant::now();
                let result = batch::write_chunk(&store, chunk, pending).await;
                (result, started.elapsed())
            }
        });
        run.in_flight = u64::from(write.is_some());
        let next = async {
            match next_entries(&mut rx, batch_size).await? {
                Some(entries) => run.prepare(number, entries, &earlier).await.map(Some),
                None => Ok(None),
            }
        };
        let (written, prepared) = tokio::join!(
            async {
                match write {
                    Some(w) => Some(w.await),
                    None => None,
                }
            },
            next
        );
        run.in_flight = 0;
        if let (Some(r), Some((result, took))) = (ready.take(), written) {
            match result {
                Ok(summary) => {
                    tracing::debug!(
                        batch = r.number,
                        write_ms = took.as_millis() as u64,
                        "import batch written"
                    );
                    run.written(&r.records, &summary);
                }
                // Again on its own, to name the record at fault (or to succeed after a transient error).
                Err(_) => run.write(r.number, &r.key, r.records).await?,
            }
        }
        let prepared = prepared.inspect_err(|_| run.progress.finish())?;
        let Some(prepared) = prepared else { break };
        run.progress(read.load(Ordering::Relaxed));
        number += 1;
        ready = prepared;
        if !pipelined {
            if let Some(r) = ready.take() {
                run.write(r.number, &r.key, r.records).await?;
            }
        }
    }
    run.apply_pending().await?;
    run.progress(stream::DONE);
    run.progress.finish();
    run.report.elapsed = started.elapsed();
    Ok(run.report)
}

struct Run<'a> {
    store: &'a Arc<Store>,
    collection: String,
    collection_hash: u128,
    /// The collection's own write, part of every batch (an upsert: it changes nothing once there).
    base: ChangeSet,
    prefix: String,
    committed: HashSet<String>,
    options: &'a Options,
    report: Report,
    progress: Progress,
    events: u64,
    /// The checkpoint keys of this file's batches, to tell its put-off relations from stale ones.
    keys: HashSet<String>,
    /// The relations given evidence so far (a hash of kind and ends: 16 bytes an entry), so that a
    /// second entry for one is an error at its position, as in a whole document
    /// (`super::relations::check`), instead of silently replacing the first.
    evidence: HashSet<u128>,
    /// 1 while the previous batch's transaction is in flight (a stop message counts it as written:
    /// it is reported only once that batch has committed).
    in_flight: u64,
}

/// A batch checked and resolved, ready to write.
struct Ready {
    number: u64,
    key: String,
    records: Vec<Checked>,
}

impl Ready {
    /// The ids its records write, with their kinds (see [`resolve`]'s `earlier`).
    fn defines(&self) -> HashMap<String, NodeKind> {
        self.records
            .iter()
            .flat_map(|r| r.defines.iter().cloned())
            .collect()
    }
}

/// The next `n` entries of the file (fewer at its end; `None` after it).
async fn next_entries(
    rx: &mut tokio::sync::mpsc::Receiver<Item>,
    n: usize,
) -> AppResult<Option<Vec<Entry>>> {
    let mut entries = Vec::with_capacity(n);
    while entries.len() < n {
        match rx.recv().await {
            Some(Item::Entry(entry)) => entries.push(*entry),
            Some(Item::Fatal(message)) => return Err(AppError::bad_input("file", message)),
            Some(Item::Collection(..)) => {
                return Err(AppError::bad_input("file", "a second collection"))
            }
            None => break,
        }
    }
    Ok((!entries.is_empty()).then_some(entries))
}

/// A record's problems in one message: each field named relative to the record at `at`
/// (`events[3]`, `line 12`), one per line. The import and the offline export report alike.
pub(super) fn reason(at: &str, errors: &[ValidationError]) -> String {
    errors
        .iter()
        .map(|e| {
            let field = e.field.strip_prefix(at).unwrap_or(&e.field);
            let field = field.trim_start_matches('.');
            if field.is_empty() {
                e.message.clone()
            } else {
                format!("{field}: {}", e.message)
            }
        })
        .collect::<Vec<_>>()
        .join("\n  ")
}

impl Run<'_> {
    fn progress(&mut self, bytes: u64) {
        self.progress
            .update(bytes, self.report.records, self.events);
    }

    /// Handles one problem: an error with [`OnError::Stop`], a note with [`OnError::Skip`].
    fn problem(&mut self, at: &str, errors: Vec<ValidationError>) -> AppResult<()> {
        let reason = reason(at, &errors);
        match self.options.on_error {
            OnError::Skip => {
                self.report.skipped.push(Problem {
                    at: at.to_owned(),
                    reason,
                });
                Ok(())
            }
            OnError::Stop => {
                self.progress.finish();
                Err(AppError::BadUserInput {
                    field: errors.first().map(|e| e.field.clone()),
                    message: format!(
                        "{at}: {reason}\n(the import stopped there: {} batch(es) written, that record's \
                         batch not; fix it and rerun, or rerun with --on-error skip)",
                        self.report.batches_written + self.report.batches_resumed + self.in_flight
                    ),
                })
            }
        }
    }

    /// Checks and resolves batch `number`: `None` if an earlier run committed it. `earlier`: what the
    /// batch before it writes, if its transaction is still in flight.
    async fn prepare(
        &mut self,
        number: u64,
        entries: Vec<Entry>,
        earlier: &HashMap<String, NodeKind>,
    ) -> AppResult<Option<Ready>> {
        self.report.records += entries.len() as u64;
        let key = self.key(number, &entries);
        if self.committed.contains(&key) {
            // Its entries still count: a later entry for the same relation is a duplicate.
            for e in &entries {
                if let Ok(Record::Relation(r)) = &e.record {
                    self.evidence.insert(relation_key(r));
                }
            }
            self.keys.insert(key);
            self.report.batches_resumed += 1;
            return Ok(None);
        }
        // 1. Each record on its own.
        let started = Instant::now();
        let c = &self.collection.clone();
        let mut checked = Vec::with_capacity(entries.len());
        // Ids of records that failed their own checks, to say so when a later record needs one.
        let mut failed: Vec<(usize, String, Vec<String>)> = Vec::new();
        for (order, entry) in entries.into_iter().enumerate() {
            let at = entry.at.to_string();
            let record = match entry.record {
                Ok(r) => r,
                Err(message) => {
                    self.problem(&at, vec![ValidationError::new(at.clone(), message)])?;
                    continue;
                }
            };
            if let Record::Relation(r) = &record {
                if !self.evidence.insert(relation_key(r)) {
                    let message = "gives evidence for a relation an earlier entry already covers";
                    self.problem(&at, vec![ValidationError::new(at.clone(), message)])?;
                    continue;
                }
            }
            let draft = self.draft(&record);
            match draft.check(&at, Origin::Import) {
                Ok(changes) => checked.push(references(c, order, at, &record, changes)),
                Err(errors) => {
                    let r = references(c, order, at.clone(), &record, ChangeSet::default());
                    failed.push((
                        order,
                        at.clone(),
                        r.defines.into_iter().map(|(id, _)| id).collect(),
                    ));
                    self.problem(&at, errors)?
                }
            }
        }
        // 2. References, against the records before each one and the database.
        let checked_at = Instant::now();
        let Resolved { accepted, problems } =
            resolve(self.store, &self.collection, checked, failed, earlier).await?;
        for (at, errors) in problems {
            self.problem(&at, errors)?;
        }
        // Where a batch's time goes (`RUST_LOG=casegraph=debug`): the figures the importer is tuned by.
        tracing::debug!(
            batch = number,
            check_ms = (checked_at - started).as_millis() as u64,
            resolve_ms = checked_at.elapsed().as_millis() as u64,
            "import batch prepared"
        );
        // 3. Then one transaction with the checkpoint (the caller's).
        self.keys.insert(key.clone());
        Ok(Some(Ready {
            number,
            key,
            records: accepted,
        }))
    }

    /// The checkpoint key of batch `number`: its records' text decides whether it is the one committed.
    fn key(&self, number: u64, entries: &[Entry]) -> String {
        let mut h = Xxh3::new();
        h.update(&self.collection_hash.to_le_bytes());
        for e in entries {
            h.update(&e.hash.to_le_bytes());
        }
        format!("{}{number}/{:032x}", self.prefix, h.digest128())
    }

    fn draft(&self, record: &Record) -> Draft {
        let c = self.collection.as_str();
        match record {
            Record::Term(t) => Draft::Term(map::term_draft(t, c)),
            Record::Actor(a) => Draft::Actor(map::actor_draft(a, c)),
            Record::Place(p) => Draft::Place(map::place_draft(p, c)),
            Record::Source(s) => Draft::Source(map::source_draft(s, c)),
            Record::Event(e) => Draft::Event(map::event_draft(e, c)),
            Record::Participation(p) => Draft::Participation(map::participation_draft(p, c)),
            Record::Count(n) => Draft::Count(map::count_draft(n, c)),
            Record::Relation(r) => Draft::Relation(super::relations::draft(r, c)),
        }
    }

    /// Writes the accepted records and the checkpoint in one transaction. A problem only the store can
    /// see (a cycle through stored links) names its record's field; with `--on-error skip` that record
    /// is left out and the batch tried again.
    async fn write(&mut self, number: u64, key: &str, mut records: Vec<Checked>) -> AppResult<()> {
        loop {
            let chunk = self.chunk(number, key, &records);
            let pending = self.pending_prefix();
            match batch::write_chunk(self.store, Arc::new(chunk), pending).await {
                Ok(summary) => {
                    self.written(&records, &summary);
                    return Ok(());
                }
                Err(e) => {
                    let Some(i) = culprit(&e, records.iter().map(|r| r.at.as_str())) else {
                        return Err(e);
                    };
                    let r = records.remove(i);
                    self.store_problem(&r.at, &e, "")?;
                }
            }
        }
    }

    /// Batch `number`'s write: the collection, the records, their put-off relations and evidence,
    /// and the checkpoint `key`.
    fn chunk(&self, number: u64, key: &str, records: &[Checked]) -> Chunk {
        let mut chunk = Chunk {
            collection: self.collection.clone(),
            changes: self.base.clone(),
            checkpoint: key.to_owned(),
            number,
            records: records.len(),
            ..Chunk::default()
        };
        for r in records {
            chunk.changes.append(r.changes.clone());
            chunk.deferred.extend(r.deferred.iter().cloned());
            chunk
                .evidence
                .extend(r.evidence.iter().map(|e| (r.at.clone(), e.clone())));
        }
        chunk
    }

    /// Counts a committed batch.
    fn written(&mut self, records: &[Checked], summary: &Summary) {
        add(&mut self.report.written, summary);
        self.report.batches_written += 1;
        self.events += records.iter().map(|r| r.events).sum::<u64>();
    }

    /// Where put-off relations of this collection are kept.
    fn pending_prefix(&self) -> String {
        format!("{}/pending/", self.collection)
    }

    fn store_problem(&mut self, at: &str, e: &AppError, what: &str) -> AppResult<()> {
        let field = e.field().unwrap_or(at).to_owned();
        let field = match field.strip_prefix(at) {
            Some(rest) => format!("{at}.{what}{}", rest.trim_start_matches('.')),
            None => field,
        };
        self.problem(at, vec![ValidationError::new(field, e.detail())])
    }

    /// Sets the relations that were put off, now that every record is written, a page at a time (each
    /// page one transaction that also deletes its pending records, so a rerun picks up what is left).
    /// Pending records of batches that are not in this file (any more) are deleted unapplied. Then the
    /// relations' evidence, which needs the relations drawn.
    async fn apply_pending(&mut self) -> AppResult<()> {
        self.apply_pending_links().await?;
        self.apply_pending_evidence().await
    }

    async fn apply_pending_evidence(&mut self) -> AppResult<()> {
        let prefix = bulk::evidence_prefix(&self.collection);
        let db = self.store.session(Scope::all());
        loop {
            let page = bulk::pending_evidence(&db, &prefix, self.options.batch_size.max(1)).await?;
            if page.is_empty() {
                return Ok(());
            }
            let mut done = Vec::new();
            let mut live: Vec<(ChangeSet, String)> = Vec::new();
            for p in page {
                done.push(p.key);
                if !self.keys.contains(&p.batch) {
                    continue;
                }
                // Checked again from the entry itself: what was stored is the file's text.
                let record: super::relations::RelationRecord = serde_json::from_str(&p.record)
                    .map_err(|e| AppError::internal(format!("pending evidence: {e}")))?;
                let draft = Draft::Relation(super::relations::draft(&record, &self.collection));
                match draft.check(&p.at, Origin::Import) {
                    Ok(cs) => live.push((cs, p.at)),
                    Err(errors) => self.problem(&p.at, errors)?,
                }
            }
            loop {
                let mut cs = ChangeSet::default();
                for (c, _) in &live {
                    cs.relation_evidence
                        .extend(c.relation_evidence.iter().cloned());
                }
                match batch::write_pending_changes(self.store, cs, done.clone()).await {
                    Ok(summary) => {
                        add(&mut self.report.written, &summary);
                        break;
                    }
                    Err(e) => {
                        let Some(i) = culprit(&e, live.iter().map(|(_, at)| at.as_str())) else {
                            return Err(e);
                        };
                        // The relation stays; only this evidence for it is not written.
                        let (_, at) = live.remove(i);
                        self.store_problem(&at, &e, "evidence left out: ")?;
                    }
                }
            }
        }
    }

    async fn apply_pending_links(&mut self) -> AppResult<()> {
        let prefix = self.pending_prefix();
        let db = self.store.session(Scope::all());
        loop {
            let page = bulk::pending_links(&db, &prefix, self.options.batch_size.max(1)).await?;
            if page.is_empty() {
                return Ok(());
            }
            let mut done = Vec::new();
            let mut live = Vec::new();
            for p in page {
                if self.keys.contains(&p.batch) {
                    live.push((p.link_set()?, p.at.clone()));
                }
                done.push(p.key);
            }
            loop {
                let links = live.iter().map(|(l, _)| l.clone()).collect();
                match batch::write_pending(self.store, links, done.clone()).await {
                    Ok(summary) => {
                        add(&mut self.report.written, &summary);
                        break;
                    }
                    Err(e) => {
                        let Some(i) = culprit(&e, live.iter().map(|(_, at)| at.as_str())) else {
                            return Err(e);
                        };
                        // The record is written; only this relation of it is not.
                        let (_, at) = live.remove(i);
                        self.store_problem(&at, &e, "relation left out: ")?;
                    }
                }
            }
        }
    }
}

/// A relation's identity (kind and ends), hashed.
fn relation_key(r: &super::relations::RelationRecord) -> u128 {
    let mut h = Xxh3::new();
    h.update(format!("{:?}", r.relation).as_bytes());
    for end in [&r.from, &r.to] {
        h.update(&(end.len() as u64).to_le_bytes());
        h.update(end.as_bytes());
    }
    h.digest128()
}

/// The record (by position) whose field an error names, if any.
fn culprit<'a>(e: &AppError, positions: impl Iterator<Item = &'a str>) -> Option<usize> {
    let field = e.field()?;
    positions.into_iter().position(|at| {
        field == at
            || field
                .strip_prefix(at)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}
