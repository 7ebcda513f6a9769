//! The graph a change set writes, as `neo4j-admin database import full` CSV files: the offline first
//! load (`crate::import::offline`). Not Cypher, but the same graph shape as [`super::apply`] and
//! [`super::apply_bulk`] — labels, properties, derived keys ([`crate::store::records::SORT_KEYS`]),
//! relationship types and properties — so it lives next to the statements it mirrors (`nodes.rs`,
//! `fresh.rs`, `relation_evidence.rs`). tests/api/offline_import.rs loads a file both ways and
//! compares the two graphs property for property.
//!
//! Layout: one node file per label (`nodes-Event.csv` …, labels `Node:Event`), one relationship file
//! per type and pair of end labels (`rels-PART_OF-Event-Event.csv` …). Each label is its own ID space
//! (`:ID(Event)`, `:END_ID(Event)`), so a reference to a missing id, or to a node of another kind,
//! fails the import. `neo4j-admin.args` lists the files and options (an argument file: `@path`).
//!
//! Values: text is always quoted (a quote doubled); an empty cell is null, i.e. no property — as a
//! `SET n.x = null` stores nothing. Lists (aliases) are joined with U+001E, which stored text cannot
//! hold (`domain::NonEmptyText` refuses control characters). An empty list cannot be written in
//! CSV, so the store never stores one either (`nodes.rs`: no aliases, no property).

use std::{
    collections::HashMap,
    fs::File,
    io::{self, BufWriter, Write},
    path::{Path, PathBuf},
};

mod cells;
mod regions;

use cells::{date, list, raw, search_text, sort_date, sort_key, text};

use super::{
    event_dates::{EventDates, EventHasher},
    links::{check_shapes, rel_type},
    relation_id, ChangeSet,
};
use crate::{
    domain::{NodeKind, NonEmptyText, Relation},
    error::AppResult,
    store::{
        migrations::{self, PARTICIPATION_COPIES},
        records::{span_class, term_id},
    },
};

/// The array delimiter of the files (see the module's documentation).
const ARRAY_DELIMITER: char = '\u{1E}';

/// The node files: label and header. Each header lists what the kind's `SET` in `nodes.rs` writes,
/// then `createdAt` and the derived keys the kind has.
const NODES: [(NodeKind, &str); 9] = [
    (NodeKind::Collection, "id:ID(Collection),collection,name,description,createdAt:datetime,sortName"),
    (NodeKind::Term, "id:ID(Term),collection,vocabulary,key,label,description,createdAt:datetime,sortTerm"),
    (NodeKind::Actor, "id:ID(Actor),collection,kind,name,aliases:string[],description,createdAt:datetime,sortName,searchText"),
    (NodeKind::Place, "id:ID(Place),collection,kind,name,aliases:string[],description,precision,location:point,createdAt:datetime,sortName,searchText"),
    (NodeKind::Source, "id:ID(Source),collection,kind,title,url,language,publishedEdtf,publishedEarliest:date,publishedLatest:date,publishedPrecision,publishedApproximate:boolean,publishedUncertain:boolean,publishedInferred:boolean,publishedBasis,createdAt:datetime,sortPublished,searchText"),
    (NodeKind::Event, "id:ID(Event),collection,type,title,description,dateEdtf,dateEarliest:date,dateLatest:date,datePrecision,dateApproximate:boolean,dateUncertain:boolean,dateInferred:boolean,dateBasis,createdAt:datetime,sortDate,spanClass:long,sortTitle,searchText,placeId"),
    (NodeKind::Participation, "id:ID(Participation),collection,role,description,createdAt:datetime,actorId,eventSortDate,eventId"),
    (NodeKind::Count, "id:ID(Count),collection,subject,value:long,qualifier,lower:long,upper:long,unit,wording,subgroup,createdAt:datetime,sortFigure:long,searchText"),
    (NodeKind::Claim, "id:ID(Claim),collection,excerpt,status,note,aboutRelation,createdAt:datetime,sortCreated,searchText"),
];

/// An import's checkpoints (`write/bulk.rs::record_batch`): no `Node` label, nothing refers to them.
const BATCHES: &str = "key,collection,batch:long,records:long,committedAt:datetime";

/// The migrations ledger (`migrations::LEDGER`): the backfills these files make redundant.
const LEDGER: &str = "name,appliedBy,appliedAt:datetime";

/// The backfills whose key is a relationship these files hold, not a node's column: the events'
/// region relationships (`regions.rs`).
#[cfg(test)]
pub(super) const RELATIONSHIP_BACKFILLS: [(&str, &str); 1] = [(migrations::EVENT_REGIONS, REGIONS)];

/// The region relationships' file: `records::region_keys`'s properties.
const REGIONS: &str = "IN_REGION";

/// The relationships a node's own write draws (`fresh.rs::create_all`), without properties.
const OWN: [(&str, NodeKind, NodeKind); 7] = [
    ("IN_EVENT", NodeKind::Participation, NodeKind::Event),
    ("PARTICIPATES_AS", NodeKind::Actor, NodeKind::Participation),
    ("COUNT_OF", NodeKind::Count, NodeKind::Event),
    ("ABOUT", NodeKind::Claim, NodeKind::Event),
    ("ABOUT", NodeKind::Claim, NodeKind::Participation),
    ("ABOUT", NodeKind::Claim, NodeKind::Count),
    ("CITES", NodeKind::Claim, NodeKind::Source),
];

/// Where each file goes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Node(NodeKind),
    Batches,
    Ledger,
    Own(usize),
    Link(Relation),
    Regions,
}

struct Out {
    file: BufWriter<File>,
    path: PathBuf,
    /// `--nodes=<labels>=` or `--relationships=<type>=`.
    option: String,
}

/// Writes a graph as CSV files, change set by change set, holding the open files and the events' days.
pub struct CsvGraph {
    dir: PathBuf,
    outs: HashMap<Key, Out>,
    events: EventDates,
    /// Every node's `createdAt` (and a checkpoint's `committedAt`): when the files were written, in
    /// whole seconds, so that `toString(createdAt)` (a claim's `sortCreated`) is this very text.
    created_at: String,
    line: String,
    /// Participations written without their copies (left to the migrations' backfill).
    uncopied: u64,
    /// The hierarchy and the events at a place, for the region relationships written at the end.
    regions: Option<regions::Regions>,
}

impl CsvGraph {
    /// Creates every file (with its header) in `dir`, which must exist. `event_hash` is
    /// [`super::event_dates::event_hash`] but in tests.
    pub fn create(
        dir: &Path,
        created_at: chrono::DateTime<chrono::Utc>,
        event_hash: EventHasher,
    ) -> io::Result<Self> {
        let mut graph = CsvGraph {
            dir: dir.to_owned(),
            outs: HashMap::new(),
            events: EventDates::new(event_hash),
            created_at: created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            line: String::new(),
            uncopied: 0,
            regions: Some(regions::Regions::create(dir)?),
        };
        for (kind, header) in NODES {
            let name = format!("nodes-{}.csv", kind.label());
            graph.open(
                Key::Node(kind),
                &name,
                format!("--nodes=Node:{}=", kind.label()),
                header,
            )?;
        }
        graph.open(
            Key::Batches,
            "nodes-ImportBatch.csv",
            "--nodes=ImportBatch=".into(),
            BATCHES,
        )?;
        graph.open(
            Key::Ledger,
            "nodes-AppliedMigration.csv",
            format!("--nodes={}=", migrations::LEDGER),
            LEDGER,
        )?;
        for (i, (ty, from, to)) in OWN.iter().enumerate() {
            let name = format!("rels-{ty}-{}-{}.csv", from.label(), to.label());
            let header = format!(":START_ID({}),:END_ID({})", from.label(), to.label());
            graph.open(
                Key::Own(i),
                &name,
                format!("--relationships={ty}="),
                &header,
            )?;
        }
        graph.open(
            Key::Regions,
            "rels-IN_REGION-Event-Place.csv",
            format!("--relationships={REGIONS}="),
            ":START_ID(Event),:END_ID(Place),regionId,spanClass:long,sortDate,eventId",
        )?;
        for r in Relation::ALL.iter().copied() {
            let (ty, rule) = (rel_type(r), r.rule());
            let (from, to) = (rule.from.label(), rule.to.label());
            let name = format!("rels-{ty}-{from}-{to}.csv");
            let header = format!(":START_ID({from}),:END_ID({to}),id,excerpt,inference");
            graph.open(
                Key::Link(r),
                &name,
                format!("--relationships={ty}="),
                &header,
            )?;
        }
        Ok(graph)
    }

    fn open(&mut self, key: Key, name: &str, option: String, header: &str) -> io::Result<()> {
        let path = self.dir.join(name);
        let mut file = BufWriter::with_capacity(1 << 16, File::create(&path)?);
        writeln!(file, "{header}")?;
        self.outs.insert(key, Out { file, path, option });
        Ok(())
    }

    /// Writes a checked record's change set. Its link sets are checked as the store checks them (a
    /// to-one relation takes one target, no node links to itself); `inference` gives the reasoning
    /// of a relation the file gives evidence for (its `relations` entry), if any. What needs the
    /// whole graph (references, kinds) is checked by the import through the ID spaces.
    pub fn write(
        &mut self,
        cs: &ChangeSet,
        inference: &mut dyn FnMut(Relation, &str, &str) -> Option<String>,
    ) -> AppResult<()> {
        check_shapes(&cs.links, true)?;
        for set in cs
            .links
            .iter()
            .filter(|s| s.relation == Relation::PlaceWithin)
        {
            if let (Some(regions), Some((parent, _))) = (&mut self.regions, set.targets.first()) {
                regions.within(set.from.as_str(), parent.as_str());
            }
        }
        self.write_nodes(cs).map_err(io_error)?;
        for set in &cs.links {
            // Each target once, at its last place in the list (its excerpt is the one kept), as
            // `fresh.rs::create_links` draws them.
            for (i, (to, excerpt)) in set.targets.iter().enumerate() {
                if set.targets[i + 1..].iter().any(|(t, _)| t == to) {
                    continue;
                }
                let (from, to) = (set.from.as_str(), to.as_str());
                let reasoning = inference(set.relation, from, to);
                self.row(|l| {
                    text(l, Some(from));
                    text(l, Some(to));
                    text(l, Some(&relation_id(set.relation, from, to)));
                    text(l, excerpt.as_ref().map(NonEmptyText::as_str));
                    text(l, reasoning.as_deref());
                });
                self.flush_row(Key::Link(set.relation)).map_err(io_error)?;
            }
        }
        // Claims about relations (`relation_evidence.rs::write_statement`): anchored by the
        // relationship's id, citing their source, in the relation's collection.
        for item in &cs.relation_evidence {
            let about = relation_id(item.relation, item.from.as_str(), item.to.as_str());
            let collection = item.collection.as_ref().map(|c| c.as_str());
            for c in &item.claims {
                let (excerpt, note) = (opt(&c.excerpt), opt(&c.note));
                self.claim(
                    c.id.as_str(),
                    collection,
                    excerpt,
                    c.status.as_str(),
                    note,
                    Some(&about),
                )
                .map_err(io_error)?;
                self.own(6, c.id.as_str(), c.source.as_str())
                    .map_err(io_error)?;
            }
        }
        Ok(())
    }

    /// One checkpoint node (`write/bulk.rs::record_batch`).
    pub fn batch(
        &mut self,
        key: &str,
        collection: &str,
        batch: u64,
        records: usize,
    ) -> io::Result<()> {
        let at = self.created_at.clone();
        self.row(|l| {
            text(l, Some(key));
            text(l, Some(collection));
            raw(l, Some(batch));
            raw(l, Some(records));
            raw(l, Some(at));
        });
        self.flush_row(Key::Batches)
    }

    /// Participations written so far without their copies of their actor and event.
    pub fn uncopied(&self) -> u64 {
        self.uncopied
    }

    /// The backfills these files make redundant: every node has its derived keys
    /// (`records::SORT_KEYS`, written by [`Self::write_nodes`]; a test checks each key the backfills
    /// look for is a column) and every event with a place its copy of the place's id; every
    /// participation has its copies only if none was left without them; every event at a place
    /// its region relationships (written by [`Self::finish`]).
    fn ledger(&self) -> Vec<String> {
        migrations::backfills()
            .into_iter()
            .map(|b| b.name)
            .filter(|name| name != PARTICIPATION_COPIES || self.uncopied == 0)
            .collect()
    }

    /// Records the backfills made redundant ([`Self::ledger`]), flushes every file and writes
    /// `neo4j-admin.args` (the files by their final place, `final_dir`). Called once every record
    /// is written, so the ledger speaks for the whole file.
    pub fn finish(mut self, final_dir: &Path) -> io::Result<()> {
        // The whole hierarchy is known now (and checked for loops by the export).
        if let Some(regions) = self.regions.take() {
            regions.finish(|fill| {
                self.row(fill);
                self.flush_row(Key::Regions)
            })?;
        }
        let at = self.created_at.clone();
        for name in self.ledger() {
            self.row(|l| {
                text(l, Some(&name));
                text(l, Some("export-csv"));
                raw(l, Some(&at));
            });
            self.flush_row(Key::Ledger)?;
        }
        let mut options = Vec::new();
        let mut outs: Vec<Out> = self.outs.into_values().collect();
        outs.sort_by(|a, b| a.path.cmp(&b.path));
        for mut out in outs {
            out.file.flush()?;
            out.file
                .into_inner()
                .map_err(|e| e.into_error())?
                .sync_all()?;
            let name = out
                .path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            // Quoted: a picocli argument file splits at spaces otherwise.
            let path = final_dir.join(name).display().to_string();
            options.push(format!(
                "\"{}{}\"",
                out.option,
                path.replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
        let mut args = String::from(
            "--delimiter=,\n--array-delimiter=U+001E\n--multiline-fields=true\n\
             --ignore-empty-strings=false\n--id-type=string\n--bad-tolerance=0\n--strict=true\n\
             --skip-bad-relationships=false\n--skip-duplicate-nodes=false\n--normalize-types=true\n",
        );
        for o in options {
            args.push_str(&o);
            args.push('\n');
        }
        std::fs::write(self.dir.join("neo4j-admin.args"), args)
    }

    fn write_nodes(&mut self, cs: &ChangeSet) -> io::Result<()> {
        let at = self.created_at.clone();
        for c in &cs.collections {
            let name = c.name.as_str();
            self.row(|l| {
                text(l, Some(c.id.as_str()));
                text(l, Some(c.id.as_str()));
                text(l, Some(name));
                text(l, opt(&c.description));
                raw(l, Some(&at));
                text(l, Some(&name.to_lowercase()));
            });
            self.flush_row(Key::Node(NodeKind::Collection))?;
        }
        for t in &cs.terms {
            let (c, vocabulary) = (t.collection.as_str(), t.vocabulary.as_str());
            self.row(|l| {
                text(l, Some(&term_id(c, t.vocabulary, t.key.as_str())));
                text(l, Some(c));
                text(l, Some(vocabulary));
                text(l, Some(t.key.as_str()));
                text(l, Some(t.label.as_str()));
                text(l, opt(&t.description));
                raw(l, Some(&at));
                text(l, Some(&format!("{vocabulary}:{}", t.key.as_str())));
            });
            self.flush_row(Key::Node(NodeKind::Term))?;
        }
        for a in &cs.actors {
            let search = search_text(&[Some(a.name.as_str())], &a.aliases, &[opt(&a.description)]);
            self.row(|l| {
                text(l, Some(a.ident.id.as_str()));
                text(l, Some(a.ident.collection.as_str()));
                text(l, Some(a.kind.as_str()));
                text(l, Some(a.name.as_str()));
                list(l, &a.aliases);
                text(l, opt(&a.description));
                raw(l, Some(&at));
                text(l, Some(&a.name.as_str().to_lowercase()));
                text(l, Some(&search));
            });
            self.flush_row(Key::Node(NodeKind::Actor))?;
        }
        for p in &cs.places {
            let search = search_text(&[Some(p.name.as_str())], &p.aliases, &[opt(&p.description)]);
            let location = p
                .location
                .as_ref()
                .map(|x| format!("{{latitude:{}, longitude:{}}}", x.latitude(), x.longitude()));
            self.row(|l| {
                text(l, Some(p.ident.id.as_str()));
                text(l, Some(p.ident.collection.as_str()));
                text(l, Some(p.kind.as_str()));
                text(l, Some(p.name.as_str()));
                list(l, &p.aliases);
                text(l, opt(&p.description));
                text(l, Some(p.precision.as_str()));
                text(l, location.as_deref());
                raw(l, Some(&at));
                text(l, Some(&p.name.as_str().to_lowercase()));
                text(l, Some(&search));
            });
            self.flush_row(Key::Node(NodeKind::Place))?;
        }
        for s in &cs.sources {
            let search = search_text(&[Some(s.title.as_str())], &[], &[]);
            let d = s.published.as_ref();
            self.row(|l| {
                text(l, Some(s.ident.id.as_str()));
                text(l, Some(s.ident.collection.as_str()));
                text(l, Some(s.kind.as_str()));
                text(l, Some(s.title.as_str()));
                text(l, s.url.as_ref().map(|u| u.as_str()));
                text(l, s.language.as_ref().map(|x| x.as_str()));
                date(l, d);
                raw(l, Some(&at));
                text(l, Some(&sort_date(d)));
                text(l, Some(&search));
            });
            self.flush_row(Key::Node(NodeKind::Source))?;
        }
        for e in &cs.events {
            let title = e.title.as_str();
            let search = search_text(&[Some(title)], &[], &[opt(&e.description)]);
            // The copy of its place's id for the place's index of events (`links.rs::PLACE_KEY`):
            // the event's `AT` set is in its own change set.
            let place = cs
                .links
                .iter()
                .filter(|set| set.relation == Relation::EventAt && set.from == e.ident.id)
                .flat_map(|set| set.targets.iter().map(|(t, _)| t.as_str()))
                .min();
            self.row(|l| {
                text(l, Some(e.ident.id.as_str()));
                text(l, Some(e.ident.collection.as_str()));
                text(l, Some(e.event_type.as_str()));
                text(l, Some(title));
                text(l, opt(&e.description));
                date(l, Some(&e.date));
                raw(l, Some(&at));
                text(l, Some(&sort_date(Some(&e.date))));
                raw(l, Some(span_class(e.date.earliest(), e.date.latest())));
                text(l, Some(&title.to_lowercase()));
                text(l, Some(&search));
                text(l, place);
            });
            self.flush_row(Key::Node(NodeKind::Event))?;
            self.events.insert(e.ident.id.as_str(), e.date.earliest());
            if let (Some(regions), Some(place)) = (&mut self.regions, place) {
                let span = span_class(e.date.earliest(), e.date.latest());
                regions.event(e.ident.id.as_str(), place, span, &sort_date(Some(&e.date)))?;
            }
        }
        for p in &cs.participations {
            // Its copies for the actor's index of events (`records::PARTICIPATION_KEYS`) when its
            // event came earlier and is known for sure (`event_dates`); else none, and the
            // migrations' backfill (`scripts/bulk-load` runs it) fills them in as for an old graph.
            let day = self.events.get(p.event.as_str());
            let known = day.is_some();
            if !known {
                self.uncopied += 1;
            }
            self.row(|l| {
                text(l, Some(p.ident.id.as_str()));
                text(l, Some(p.ident.collection.as_str()));
                text(l, Some(p.role.as_str()));
                text(l, opt(&p.description));
                raw(l, Some(&at));
                text(l, known.then_some(p.actor.as_str()));
                text(l, day.map(sort_key).as_deref());
                text(l, known.then_some(p.event.as_str()));
            });
            self.flush_row(Key::Node(NodeKind::Participation))?;
            self.own(0, p.ident.id.as_str(), p.event.as_str())?;
            self.own(1, p.actor.as_str(), p.ident.id.as_str())?;
        }
        for c in &cs.counts {
            let f = &c.figure;
            let search = search_text(&[Some(c.subject.as_str()), f.wording()], &[], &[]);
            let sort = f.value().or(f.lower()).or(f.upper()).unwrap_or(-1);
            self.row(|l| {
                text(l, Some(c.ident.id.as_str()));
                text(l, Some(c.ident.collection.as_str()));
                text(l, Some(c.subject.as_str()));
                raw(l, f.value());
                text(l, Some(f.qualifier().as_str()));
                raw(l, f.lower());
                raw(l, f.upper());
                text(l, Some(f.unit()));
                text(l, f.wording());
                text(l, opt(&c.subgroup));
                raw(l, Some(&at));
                raw(l, Some(sort));
                text(l, Some(&search));
            });
            self.flush_row(Key::Node(NodeKind::Count))?;
            self.own(2, c.ident.id.as_str(), c.event.as_str())?;
        }
        for c in &cs.claims {
            let about = c.about.as_str();
            // A record's claims are about the record itself: an event, participation or count.
            let kind = if cs
                .participations
                .iter()
                .any(|p| p.ident.id.as_str() == about)
            {
                4
            } else if cs.counts.iter().any(|n| n.ident.id.as_str() == about) {
                5
            } else {
                3
            };
            let (excerpt, note) = (opt(&c.excerpt), opt(&c.note));
            let collection = Some(c.ident.collection.as_str());
            self.claim(
                c.ident.id.as_str(),
                collection,
                excerpt,
                c.status.as_str(),
                note,
                None,
            )?;
            self.own(kind, c.ident.id.as_str(), about)?;
            self.own(6, c.ident.id.as_str(), c.source.as_str())?;
        }
        Ok(())
    }

    fn claim(
        &mut self,
        id: &str,
        collection: Option<&str>,
        excerpt: Option<&str>,
        status: &str,
        note: Option<&str>,
        about_relation: Option<&str>,
    ) -> io::Result<()> {
        let at = self.created_at.clone();
        let search = search_text(&[], &[], &[excerpt]);
        self.row(|l| {
            text(l, Some(id));
            text(l, collection);
            text(l, excerpt);
            text(l, Some(status));
            text(l, note);
            text(l, about_relation);
            raw(l, Some(&at));
            text(l, Some(&at));
            text(l, Some(&search));
        });
        self.flush_row(Key::Node(NodeKind::Claim))
    }

    /// A relationship of [`OWN`] number `i`.
    fn own(&mut self, i: usize, from: &str, to: &str) -> io::Result<()> {
        self.row(|l| {
            text(l, Some(from));
            text(l, Some(to));
        });
        self.flush_row(Key::Own(i))
    }

    fn row(&mut self, fill: impl FnOnce(&mut String)) {
        self.line.clear();
        fill(&mut self.line);
        // Every cell ends with a comma; the last one is the line's end.
        self.line.pop();
        self.line.push('\n');
    }

    fn flush_row(&mut self, key: Key) -> io::Result<()> {
        let out = self
            .outs
            .get_mut(&key)
            .expect("every file is opened by create");
        out.file.write_all(self.line.as_bytes())
    }
}

fn io_error(e: io::Error) -> crate::error::AppError {
    crate::error::AppError::internal(format!("cannot write the CSV files: {e}"))
}

fn opt(t: &Option<NonEmptyText>) -> Option<&str> {
    t.as_ref().map(NonEmptyText::as_str)
}

#[cfg(test)]
mod tests;
