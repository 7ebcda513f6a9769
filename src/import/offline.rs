//! `casegraph export-csv FILE DIR`: a `casegraph/v1` file as `neo4j-admin database import full` CSV
//! files, for the first load of an empty database at the speed of Neo4j's own bulk importer
//! (`scripts/bulk-load`; docs/decisions.md, "Offline first load").
//!
//! The records take the same way as in `casegraph import` ([`super::bulk`]): read as a stream
//! ([`super::stream`]), translated into the application layer's drafts ([`super::validation`]) and
//! checked by them ([`Draft::check`], [`Origin::Import`]); the store turns each record's change set
//! into rows (`store::write::csv`), the same graph the online import writes, checkpoints included
//! (so a later `casegraph import` of the same file finds every batch done). Each record is written
//! as it is read; held are the `relations` entries (the evidence for relations, a few per case), the
//! terms, the links of hierarchies (to find loops) and, the one part that grows with the file, each
//! event's sort key for its participations' copies (`store::write::event_dates`, ~20 bytes an event).
//!
//! What needs the whole graph is left to the import's ID spaces: a reference to a missing id or to a
//! node of another kind fails `neo4j-admin`, naming the id. The first bad record the export sees
//! ends it with its position and reason, like `casegraph import`, and nothing is left: the files are
//! written into a hidden directory next to `DIR`, renamed to `DIR` only when all is well.
//!
//! Two passes: the first reads only the `relations` entries, so that a relation's reasoning
//! (`inference`, a property of the relationship) is known when the record that draws it is written.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use xxhash_rust::xxh3::Xxh3;

use super::{
    bulk::{self, DEFAULT_BATCH_SIZE},
    document::FORMAT_TAG,
    progress::Progress,
    stream::{self, Item, Record},
    validation as map,
};
use crate::{
    app::{batch::Draft, Origin},
    domain::{Relation, ValidationError, Vocabulary},
    error::{AppError, AppResult},
    store::{
        records::term_id,
        write::{
            csv::CsvGraph,
            event_dates::{event_hash, EventHasher},
        },
    },
};

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub records: u64,
    pub events: u64,
    pub batches: u64,
    /// Participations written without their copies of their actor and event (their event came
    /// later in the file, or its id's hash was ambiguous): `casegraph migrate`'s backfill fills
    /// them in. With none, the files record that backfill as done (`migrations::LEDGER`).
    pub uncopied: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} records ({} events) in {:.1}s",
            self.records,
            self.events,
            self.elapsed.as_secs_f64()
        )?;
        match self.uncopied {
            0 => write!(f, "; every participation has its copies"),
            n => write!(
                f,
                "; {n} participations without copies, left to `casegraph migrate`"
            ),
        }
    }
}

/// Writes the CSV files of the file at `path` into the new directory `dir`.
pub async fn export(path: &str, dir: &Path, quiet: bool) -> AppResult<Report> {
    export_hashing(path, dir, quiet, event_hash).await
}

/// [`export`] with another hasher of event ids (`store::write::event_dates`): tests force collisions.
#[doc(hidden)]
pub async fn export_hashing(
    path: &str,
    dir: &Path,
    quiet: bool,
    event_hash: EventHasher,
) -> AppResult<Report> {
    if dir.exists() {
        return Err(AppError::bad_input(
            "dir",
            format!("{} exists; name a new directory", dir.display()),
        ));
    }
    let name = dir
        .file_name()
        .ok_or_else(|| AppError::bad_input("dir", "names no directory"))?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| cannot_write(&parent, e))?;
    let parent = parent
        .canonicalize()
        .map_err(|e| cannot_write(&parent, e))?;
    let (dir, partial) = (
        parent.join(name),
        parent.join(format!(
            ".{}.partial-{}",
            name.to_string_lossy(),
            std::process::id()
        )),
    );
    std::fs::create_dir(&partial).map_err(|e| cannot_write(&partial, e))?;
    let result = async {
        let report = write_all(path, &partial, &dir, quiet, event_hash).await?;
        std::fs::rename(&partial, &dir).map_err(|e| cannot_write(&dir, e))?;
        Ok(report)
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    result
}

fn cannot_write(p: &Path, e: std::io::Error) -> AppError {
    AppError::bad_input("dir", format!("cannot write {}: {e}", p.display()))
}

fn cannot_read(path: &str) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::bad_input("file", format!("cannot read {path}: {e}"))
}

/// A relation's identity (kind and ends), hashed: 16 bytes per `relations` entry held.
fn relation_key(relation: Relation, from: &str, to: &str) -> u128 {
    let mut h = Xxh3::new();
    h.update(format!("{relation:?}").as_bytes());
    for end in [from, to] {
        h.update(&(end.len() as u64).to_le_bytes());
        h.update(end.as_bytes());
    }
    h.digest128()
}

/// The file's `relations` entries that pass their own checks: each relation's reasoning, if any.
async fn evidence(path: &str) -> AppResult<HashMap<u128, Option<String>>> {
    let mut rx = stream::spawn_relations(path).map_err(cannot_read(path))?;
    let mut collection = String::new();
    let mut out = HashMap::new();
    while let Some(item) = rx.recv().await {
        match item {
            Item::Collection(c, _) => collection = c.id,
            Item::Entry(entry) => {
                if let Ok(Record::Relation(r)) = &entry.record {
                    let draft = Draft::Relation(super::relations::draft(r, &collection));
                    if let Ok(cs) = draft.check(&entry.at.to_string(), Origin::Import) {
                        for e in cs.relation_evidence {
                            let key = relation_key(e.relation, e.from.as_str(), e.to.as_str());
                            let reasoning = e.inference.map(|i| i.as_str().to_owned());
                            out.entry(key).or_insert(reasoning);
                        }
                    }
                }
            }
            // The second pass reports it, in its place.
            Item::Fatal(_) => break,
        }
    }
    Ok(out)
}

/// The first bad record ends the export (see [`super::bulk::OnError::Stop`]).
fn problem(at: &str, errors: Vec<ValidationError>) -> AppError {
    let reason = super::bulk::reason(at, &errors);
    AppError::BadUserInput {
        field: errors.first().map(|e| e.field.clone()),
        message: format!("{at}: {reason}\n(the export stopped there and left no files; fix the record and run it again)"),
    }
}

async fn write_all(
    path: &str,
    partial: &Path,
    dir: &Path,
    quiet: bool,
    event_hash: EventHasher,
) -> AppResult<Report> {
    let started = Instant::now();
    let reasoning = evidence(path).await?;
    let bulk::Opened {
        mut rx,
        read,
        collection,
        collection_hash,
        base,
    } = bulk::open(path).await?;
    let c = collection.id.clone();
    let io = |e: std::io::Error| AppError::internal(format!("cannot write the CSV files: {e}"));
    let mut graph = CsvGraph::create(partial, chrono::Utc::now(), event_hash).map_err(io)?;
    graph.write(&base, &mut |_, _, _| None)?;
    let mut run = Run {
        collection: c.clone(),
        prefix: format!("{c}/{FORMAT_TAG}/{DEFAULT_BATCH_SIZE}/"),
        collection_hash,
        batch: Xxh3::new(),
        in_batch: 0,
        number: 0,
        report: Report::default(),
    };
    run.batch.update(&collection_hash.to_le_bytes());
    let mut progress = Progress::new(stream::DONE, quiet);
    // Terms are few (a vocabulary): held, so that an event's type and a participation's role are
    // checked as the online import checks them (a term before the record).
    let mut terms: HashSet<String> = HashSet::new();
    // Each `relations` entry: where it is, and whether a record has drawn its relation.
    let mut entries: HashMap<u128, (String, bool)> = HashMap::new();
    let mut drawn: HashSet<u128> = HashSet::new();
    // The links of the relations that must not go round (`within`, `partOf`, `memberOf`,
    // `answersTo`): the online import looks for a loop in the stored graph; here they are held (ids
    // hashed: 48 bytes a link) and searched once the file is read. Hierarchies are a small part of a
    // file (the benchmark's: 3,000 links at 100,000 events).
    let mut hierarchies: Vec<(Relation, u64, u64, stream::Position)> = Vec::new();
    let result: AppResult<()> = async {
        while let Some(item) = rx.recv().await {
            let entry = match item {
                Item::Entry(entry) => entry,
                Item::Fatal(message) => return Err(AppError::bad_input("file", message)),
                Item::Collection(..) => {
                    return Err(AppError::bad_input("file", "a second collection"))
                }
            };
            let at = entry.at.to_string();
            run.entry(&mut graph, entry.hash).map_err(io)?;
            let record = entry
                .record
                .map_err(|m| problem(&at, vec![ValidationError::new(at.clone(), m)]))?;
            let draft = match &record {
                Record::Term(t) => Draft::Term(map::term_draft(t, &c)),
                Record::Actor(a) => Draft::Actor(map::actor_draft(a, &c)),
                Record::Place(p) => Draft::Place(map::place_draft(p, &c)),
                Record::Source(s) => Draft::Source(map::source_draft(s, &c)),
                Record::Event(e) => Draft::Event(map::event_draft(e, &c)),
                Record::Participation(p) => Draft::Participation(map::participation_draft(p, &c)),
                Record::Count(n) => Draft::Count(map::count_draft(n, &c)),
                Record::Relation(r) => {
                    let key = relation_key(r.relation, &r.from, &r.to);
                    if entries.insert(key, (at.clone(), false)).is_some() {
                        let message =
                            "gives evidence for a relation an earlier entry already covers";
                        return Err(problem(
                            &at,
                            vec![ValidationError::new(at.clone(), message)],
                        ));
                    }
                    Draft::Relation(super::relations::draft(r, &c))
                }
            };
            let cs = draft
                .check(&at, Origin::Import)
                .map_err(|e| problem(&at, e))?;
            if let Record::Relation(r) = &record {
                // The first pass skipped it (an NDJSON line is read there only if it holds the
                // string "relation"): its reasoning would be missing from its relationship.
                if !reasoning.contains_key(&relation_key(r.relation, &r.from, &r.to)) {
                    let message = "this entry was not found by the first pass over the file";
                    return Err(problem(
                        &at,
                        vec![ValidationError::new(at.clone(), message)],
                    ));
                }
            }
            let term = |vocabulary, key: &str, field: &str| {
                (!terms.contains(&term_id(&c, vocabulary, key))).then(|| {
                    let message = format!("no {vocabulary} term `{key}` before this record");
                    problem(
                        &at,
                        vec![ValidationError::new(format!("{at}.{field}"), message)],
                    )
                })
            };
            let missing = match &record {
                Record::Event(e) => term(Vocabulary::EventType, &e.event_type, "type"),
                Record::Participation(p) => term(Vocabulary::ParticipantRole, &p.role, "role"),
                _ => None,
            };
            if let Some(e) = missing {
                return Err(e);
            }
            for t in &cs.terms {
                terms.insert(term_id(&c, t.vocabulary, t.key.as_str()));
            }
            let position = &entry.at;
            graph
                .write(&cs, &mut |relation, from, to| {
                    if relation.rule().acyclic {
                        hierarchies.push((relation, hash(from), hash(to), position.clone()));
                    }
                    let key = relation_key(relation, from, to);
                    let known = reasoning.get(&key)?;
                    drawn.insert(key);
                    known.clone()
                })
                .map_err(|e| {
                    let field = e.field().unwrap_or(&at).to_owned();
                    problem(&at, vec![ValidationError::new(field, e.detail())])
                })?;
            if matches!(record, Record::Event(_)) {
                run.report.events += 1;
            }
            progress.update(
                read.load(std::sync::atomic::Ordering::Relaxed),
                run.report.records,
                run.report.events,
            );
        }
        // `drawn` holds the relations drawn with evidence only where `reasoning` knew them; an entry
        // whose relation no record draws is the online import's "draw it before citing it".
        for (key, (at, _)) in &entries {
            if !drawn.contains(key) {
                let message = "no such relation drawn by the file: draw it before citing it";
                return Err(problem(at, vec![ValidationError::new(at.clone(), message)]));
            }
        }
        if let Some((relation, at)) = cycle(&hierarchies) {
            let at = at.to_string();
            let field = match relation {
                Relation::PlaceWithin => "within",
                Relation::ActorMemberOf => "memberOf",
                Relation::ActorAnswersTo => "answersTo",
                _ => "partOf",
            };
            let message = format!("closes a loop of {relation:?} links: the file's links go round");
            return Err(problem(
                &at,
                vec![ValidationError::new(format!("{at}.{field}"), message)],
            ));
        }
        run.close(&mut graph).map_err(io)?;
        Ok(())
    }
    .await;
    progress.finish();
    result?;
    run.report.uncopied = graph.uncopied();
    graph.finish(dir).map_err(io)?;
    run.report.elapsed = started.elapsed();
    Ok(run.report)
}

fn hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// A link that closes a loop of one acyclic relation, if any: its relation and its record's position.
fn cycle(
    links: &[(Relation, u64, u64, stream::Position)],
) -> Option<(Relation, &stream::Position)> {
    let mut next: HashMap<(Relation, u64), Vec<usize>> = HashMap::new();
    for (i, (relation, from, _, _)) in links.iter().enumerate() {
        next.entry((*relation, *from)).or_default().push(i);
    }
    // Depth first from every node, without recursion: 1 on the current path, 2 done.
    let mut state: HashMap<(Relation, u64), u8> = HashMap::new();
    for (relation, start, _, _) in links {
        if state.contains_key(&(*relation, *start)) {
            continue;
        }
        let mut path: Vec<((Relation, u64), usize)> = vec![((*relation, *start), 0)];
        state.insert((*relation, *start), 1);
        while let Some((node, k)) = path.last_mut() {
            let node = *node;
            let out = next.get(&node).map(Vec::as_slice).unwrap_or_default();
            let Some(&link) = out.get(*k) else {
                state.insert(node, 2);
                path.pop();
                continue;
            };
            *k += 1;
            let target = (node.0, links[link].2);
            match state.get(&target) {
                Some(1) => return Some((node.0, &links[link].3)),
                Some(_) => {}
                None => {
                    state.insert(target, 1);
                    path.push((target, 0));
                }
            }
        }
    }
    None
}

/// The checkpoints: batches of [`DEFAULT_BATCH_SIZE`] entries, keyed as `super::bulk` keys them.
struct Run {
    collection: String,
    prefix: String,
    collection_hash: u128,
    batch: Xxh3,
    in_batch: usize,
    number: u64,
    report: Report,
}

impl Run {
    fn entry(&mut self, graph: &mut CsvGraph, hash: u128) -> std::io::Result<()> {
        self.batch.update(&hash.to_le_bytes());
        self.in_batch += 1;
        self.report.records += 1;
        if self.in_batch == DEFAULT_BATCH_SIZE {
            self.close(graph)?;
        }
        Ok(())
    }

    fn close(&mut self, graph: &mut CsvGraph) -> std::io::Result<()> {
        if self.in_batch == 0 {
            return Ok(());
        }
        let key = format!(
            "{}{}/{:032x}",
            self.prefix,
            self.number,
            self.batch.digest128()
        );
        graph.batch(&key, &self.collection, self.number, self.in_batch)?;
        self.batch = Xxh3::new();
        self.batch.update(&self.collection_hash.to_le_bytes());
        self.in_batch = 0;
        self.number += 1;
        self.report.batches += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(edges: &[(u64, u64)]) -> Vec<(Relation, u64, u64, stream::Position)> {
        edges
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                (
                    Relation::EventPartOf,
                    *a,
                    *b,
                    stream::Position::Line(i as u64 + 2),
                )
            })
            .collect()
    }

    #[test]
    fn a_loop_is_found_at_the_link_that_closes_it_and_a_diamond_is_no_loop() {
        assert!(cycle(&links(&[(1, 2), (1, 3), (2, 4), (3, 4), (4, 5)])).is_none());
        let looped = links(&[(1, 2), (2, 3), (3, 1), (7, 1)]);
        let (relation, at) = cycle(&looped).expect("a loop");
        assert_eq!(
            (relation, at),
            (Relation::EventPartOf, &stream::Position::Line(4))
        );
        // The same ids under two relations are two graphs.
        let mut two = links(&[(1, 2)]);
        two.push((Relation::PlaceWithin, 2, 1, stream::Position::Line(9)));
        assert!(cycle(&two).is_none());
    }
}
