//! Reading a data file one record at a time, in flat memory, whatever its size. Two forms:
//!
//! - **NDJSON** (`casegraph/v1` as newline-delimited JSON): a header line
//!   `{"format": "casegraph/v1", "collection": {…}}`, then one record per line, each saying what it is
//!   (`{"record": "event", "id": …}`; not `kind`, which actors, places and sources have already). A line that does not parse is one bad record; the next line
//!   is read as usual.
//! - **The `casegraph/v1` document**: parsed as a stream (serde's visitor over the top-level map), in
//!   passes: once for `format` and `collection` (wherever they are), then once per list, in dependency
//!   order (terms, actors, places, sources, events, participations, counts, relations), each element handed on
//!   as soon as it is read.
//!
//! The reader runs on its own thread and hands [`Item`]s over a bounded channel, so parsing overlaps
//! the database writes and at most a channel's worth of records is in memory. The form is told by the
//! first line: a complete JSON object with only `format` and `collection` is an NDJSON header.

use std::{
    fmt,
    fs::File,
    io::{BufRead, BufReader, Read},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use serde::{
    de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor},
    Deserialize,
};
use tokio::sync::mpsc;
use xxhash_rust::xxh3::xxh3_128;

use super::document::{
    ActorRecord, CollectionRecord, CountRecord, EventRecord, ParticipationRecord, PlaceRecord,
    SourceRecord, TermRecord, FORMAT_TAG,
};
use super::relations::RelationRecord;

/// Where a record is in its file, as the user finds it: `line 12` (NDJSON) or `events[3]` (document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    Line(u64),
    Item { list: &'static str, index: usize },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(n) => write!(f, "line {n}"),
            Position::Item { list, index } => write!(f, "{list}[{index}]"),
        }
    }
}

/// One record of either form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "record", rename_all = "camelCase")]
pub enum Record {
    Term(TermRecord),
    Actor(ActorRecord),
    Place(PlaceRecord),
    Source(SourceRecord),
    Event(EventRecord),
    Participation(ParticipationRecord),
    Count(CountRecord),
    /// Evidence for a relation drawn by an earlier record (`relations` of a document).
    Relation(RelationRecord),
}

/// What the reader hands on, in file order.
#[derive(Debug)]
pub enum Item {
    /// The collection, with a hash of its text; always the first item of a readable file.
    Collection(CollectionRecord, u128),
    /// Boxed: most items are entries, and a channel slot is as large as its largest variant anyway.
    Entry(Box<Entry>),
    /// The file cannot be read on (not JSON, not this format, an I/O error); nothing follows.
    Fatal(String),
}

/// One record as read: where it is, a hash of its text (for checkpoints), and the record — or why it
/// does not parse (wrong shape, unknown key or kind: one bad record; reading goes on).
#[derive(Debug)]
pub struct Entry {
    pub at: Position,
    pub hash: u128,
    pub record: Result<Record, String>,
}

/// The NDJSON header line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    collection: CollectionRecord,
}

/// How much of the reading is done, in millionths, for progress and ETA: a file read in `passes`
/// passes is done at pass `pass` plus the share of its bytes read in that pass.
struct Counting<R> {
    inner: R,
    done: Arc<AtomicU64>,
    start: u64,
    per_byte: f64,
    bytes: u64,
}

/// Reading done when the whole file has been read.
pub const DONE: u64 = 1_000_000;

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        let done = self.start + (self.bytes as f64 * self.per_byte) as u64;
        self.done.store(done.min(DONE), Ordering::Relaxed);
        Ok(n)
    }
}

/// Starts reading `path` on a thread of its own; `done` follows the reading (see [`DONE`]).
pub fn spawn(path: &str, done: Arc<AtomicU64>) -> std::io::Result<mpsc::Receiver<Item>> {
    spawn_reading(path, done, &LISTS)
}

/// [`spawn`] for the `relations` entries only (and the collection): a document's one list of them,
/// or the lines of an NDJSON file that can be one (every other line is skipped unparsed). For
/// `crate::import::offline`, which needs the relations' evidence before the records that draw them.
pub fn spawn_relations(path: &str) -> std::io::Result<mpsc::Receiver<Item>> {
    spawn_reading(path, Arc::new(AtomicU64::new(0)), &["relations"])
}

fn spawn_reading(
    path: &str,
    done: Arc<AtomicU64>,
    lists: &'static [&'static str],
) -> std::io::Result<mpsc::Receiver<Item>> {
    let size = File::open(path)?.metadata()?.len().max(1);
    let path = path.to_owned();
    let (tx, rx) = mpsc::channel(1024);
    std::thread::Builder::new()
        .name("import-reader".into())
        .spawn(move || {
            let open = |pass: u64, passes: u64| {
                let inner = File::open(&path)?;
                let per_pass = DONE / passes;
                Ok(BufReader::with_capacity(
                    1 << 16,
                    Counting {
                        inner,
                        done: done.clone(),
                        start: pass * per_pass,
                        per_byte: per_pass as f64 / size as f64,
                        bytes: 0,
                    },
                ))
            };
            if let Err(message) = read_all(open, &tx, lists) {
                let _ = tx.blocking_send(Item::Fatal(message));
            }
        })?;
    Ok(rx)
}

/// The lists of a document in the order they are read: each record's own references (a
/// participation's event, a claim's source, a term key) point to an earlier list.
/// `relations` come last: they give evidence for relations the records before them draw.
const LISTS: [&str; 8] = [
    "terms",
    "actors",
    "places",
    "sources",
    "events",
    "participations",
    "counts",
    "relations",
];

/// Reads a whole file into `tx`; an `Err` is the reason reading stopped. `open(pass, passes)` opens
/// the file from its start: a document is read in several passes (see [`read_document`]).
fn read_all<R: BufRead>(
    open: impl Fn(u64, u64) -> std::io::Result<R>,
    tx: &mpsc::Sender<Item>,
    lists: &'static [&'static str],
) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot read the file: {e}");
    let mut reader = open(0, 1).map_err(cannot)?;
    let mut first = String::new();
    reader.read_line(&mut first).map_err(cannot)?;
    if let Ok(header) = serde_json::from_str::<Header>(&first) {
        check_format(&header.format)?;
        let hash = xxh3_128(first.trim().as_bytes());
        send(tx, Item::Collection(header.collection, hash))?;
        return read_lines(reader, tx, lists.len() < LISTS.len());
    }
    drop(reader);
    read_document(open, tx, lists)
}

/// A whole document, in passes that each read the file in flat memory: the first finds `format` and
/// `collection` wherever they are (JSON objects have no order; tools that sort keys put `actors`
/// first), then one pass per list in the order of [`LISTS`], whatever their order in the file.
/// Skipping what a pass does not need is parsing without building anything: cheap next to writing.
fn read_document<R: BufRead>(
    open: impl Fn(u64, u64) -> std::io::Result<R>,
    tx: &mpsc::Sender<Item>,
    lists: &'static [&'static str],
) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot read the file: {e}");
    let passes = 1 + lists.len() as u64;
    let mut de = serde_json::Deserializer::from_reader(open(0, passes).map_err(cannot)?);
    let (collection, hash) = de::Deserializer::deserialize_map(&mut de, Head)
        .and_then(|head| de.end().map(|()| head))
        .map_err(|e| stopped_or(e, "document"))?;
    send(tx, Item::Collection(collection, hash))?;
    for (pass, list) in (1..).zip(lists.iter().copied()) {
        let mut de = serde_json::Deserializer::from_reader(open(pass, passes).map_err(cannot)?);
        de::Deserializer::deserialize_map(&mut de, Records { tx, list })
            .map_err(|e| stopped_or(e, "document"))?;
    }
    Ok(())
}

/// A serde error, or the receiver's "stop" passed through serde.
fn stopped_or(e: serde_json::Error, what: &str) -> String {
    let text = e.to_string();
    if text.starts_with(STOPPED) {
        STOPPED.to_owned()
    } else {
        format!("not a casegraph/v1 {what}: {text}")
    }
}

const STOPPED: &str = "the import stopped";

fn check_format(format: &str) -> Result<(), String> {
    if format == FORMAT_TAG {
        Ok(())
    } else {
        Err(format!(
            "format: is `{format}`; this importer reads `{FORMAT_TAG}`"
        ))
    }
}

fn send(tx: &mpsc::Sender<Item>, item: Item) -> Result<(), String> {
    tx.blocking_send(item).map_err(|_| STOPPED.to_owned())
}

/// `relations_only`: skip, unparsed, every line that cannot be a `relation` record (one has the
/// JSON string `"relation"` as its `record`).
fn read_lines<R: BufRead>(
    reader: R,
    tx: &mpsc::Sender<Item>,
    relations_only: bool,
) -> Result<(), String> {
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read the file: {e}"))?;
        let at = Position::Line(i as u64 + 2);
        if line.trim().is_empty() || (relations_only && !line.contains("\"relation\"")) {
            continue;
        }
        let record = serde_json::from_str::<Record>(&line)
            .map_err(|e| format!("not a casegraph/v1 record: {e}"));
        let hash = xxh3_128(line.as_bytes());
        send(tx, Item::Entry(Box::new(Entry { at, hash, record })))?;
    }
    Ok(())
}

/// A document's first pass: its `format` and `collection`, every list skipped unread.
struct Head;

impl<'de> Visitor<'de> for Head {
    type Value = (CollectionRecord, u128);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a casegraph/v1 document (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut format, mut collection) = (false, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let value: String = map.next_value()?;
                    check_format(&value).map_err(de::Error::custom)?;
                    format = true;
                }
                "collection" => {
                    let c: serde_json::Value = map.next_value()?;
                    let hash = xxh3_128(c.to_string().as_bytes());
                    let c = CollectionRecord::deserialize(c).map_err(de::Error::custom)?;
                    collection = Some((c, hash));
                }
                "terms" | "actors" | "places" | "sources" | "events" | "participations"
                | "counts" | "relations" => {
                    map.next_value::<de::IgnoredAny>()?;
                }
                other => return Err(de::Error::custom(format!("unknown field `{other}`"))),
            }
        }
        if !format {
            return Err(de::Error::custom("missing field `format`"));
        }
        collection.ok_or_else(|| de::Error::custom("missing field `collection`"))
    }
}

/// A document's pass over one list: its records, handed on as they are read.
struct Records<'a> {
    tx: &'a mpsc::Sender<Item>,
    list: &'static str,
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a casegraph/v1 document (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == self.list {
                map.next_value_seed(List {
                    tx: self.tx,
                    list: self.list,
                })?;
            } else {
                // Another pass's list, or read (and checked) by the first pass.
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// One top-level list, each element handed on as it is read.
struct List<'a> {
    tx: &'a mpsc::Sender<Item>,
    list: &'static str,
}

impl<'de> DeserializeSeed<'de> for List<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {}", self.list)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        // Each element is read as JSON first, so that one of the wrong shape is a bad record (reported
        // with its position, skippable) rather than the end of the file.
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            let at = Position::Item {
                list: self.list,
                index,
            };
            let hash = xxh3_128(value.to_string().as_bytes());
            let record = match self.list {
                "terms" => record(value, Record::Term),
                "actors" => record(value, Record::Actor),
                "places" => record(value, Record::Place),
                "sources" => record(value, Record::Source),
                "events" => record(value, Record::Event),
                "participations" => record(value, Record::Participation),
                "counts" => record(value, Record::Count),
                _ => record(value, Record::Relation),
            }
            .map_err(|e| format!("not a casegraph/v1 record: {e}"));
            let entry = Entry { at, hash, record };
            send(self.tx, Item::Entry(Box::new(entry))).map_err(de::Error::custom)?;
            index += 1;
        }
        Ok(())
    }
}

fn record<T: DeserializeOwned>(
    value: serde_json::Value,
    wrap: fn(T) -> Record,
) -> Result<Record, serde_json::Error> {
    serde_json::from_value(value).map(wrap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Item> {
        let (tx, mut rx) = mpsc::channel(1024);
        let open = |_, _| Ok(std::io::Cursor::new(text.as_bytes().to_vec()));
        if let Err(e) = read_all(open, &tx, &LISTS) {
            tx.blocking_send(Item::Fatal(e)).unwrap();
        }
        drop(tx);
        let mut out = Vec::new();
        while let Some(i) = rx.blocking_recv() {
            out.push(i);
        }
        out
    }

    fn entry(item: &Item) -> (&Position, &Result<Record, String>) {
        match item {
            Item::Entry(e) => (&e.at, &e.record),
            other => panic!("not an entry: {other:?}"),
        }
    }

    #[test]
    fn reading_only_the_relations_hands_on_the_collection_and_the_relation_entries() {
        let relation =
            r#"{"relation":"PLACE_WITHIN","from":"c:p","to":"c:q","inference":{"reasoning":"r"}}"#;
        let ndjson = format!(
            "{}\n{}\n{}\n",
            r#"{"format":"casegraph/v1","collection":{"id":"c","name":"C"}}"#,
            r#"{"record":"term","vocabulary":"EVENT_TYPE","key":"raid","label":"Raid"}"#,
            relation.replacen('{', r#"{"record":"relation","#, 1)
        );
        let document = format!(
            r#"{{"relations":[{relation}],"format":"casegraph/v1","collection":{{"id":"c","name":"C"}},
                "terms":[{{"vocabulary":"EVENT_TYPE","key":"raid","label":"Raid"}}]}}"#
        );
        for (text, at) in [
            (ndjson, Position::Line(3)),
            (
                document,
                Position::Item {
                    list: "relations",
                    index: 0,
                },
            ),
        ] {
            let (tx, mut rx) = mpsc::channel(16);
            let open = |_, _| Ok(std::io::Cursor::new(text.as_bytes().to_vec()));
            read_all(open, &tx, &["relations"]).unwrap();
            drop(tx);
            let mut items = Vec::new();
            while let Some(i) = rx.blocking_recv() {
                items.push(i);
            }
            assert!(matches!(&items[0], Item::Collection(c, _) if c.id == "c"));
            assert!(matches!(entry(&items[1]), (p, Ok(Record::Relation(_))) if *p == at));
            assert_eq!(items.len(), 2);
        }
    }

    #[test]
    fn ndjson_records_come_with_their_line_and_a_bad_line_does_not_stop_the_rest() {
        let text = concat!(
            r#"{"format":"casegraph/v1","collection":{"id":"c","name":"C"}}"#,
            "\n",
            r#"{"record":"term","vocabulary":"EVENT_TYPE","key":"raid","label":"Raid"}"#,
            "\n\n",
            r#"{"record":"actor","id":"c:a","kind":"PERSON","name":"A","nmae":"x"}"#,
            "\n",
            r#"{"id":"c:b","kind":"PERSON","name":"B"}"#,
            "\n",
        );
        let items = read(text);
        assert!(matches!(&items[0], Item::Collection(c, _) if c.id == "c"));
        assert!(
            matches!(entry(&items[1]), (Position::Line(2), Ok(Record::Term(t))) if t.key == "raid")
        );
        // The actor on line 4 has a misspelt key; the record on line 5 does not say what it is.
        assert!(matches!(entry(&items[2]), (Position::Line(4), Err(m)) if m.contains("nmae")));
        assert!(matches!(entry(&items[3]), (Position::Line(5), Err(m)) if m.contains("record")));
        assert_eq!(items.len(), 4);
    }

    #[test]
    fn a_document_is_streamed_list_by_list_with_positions() {
        let text = r#"{"format":"casegraph/v1","collection":{"id":"c","name":"C"},
            "terms":[{"vocabulary":"EVENT_TYPE","key":"raid","label":"Raid"},{"vocabulary":"NOPE"}],
            "actors":[{"id":"c:a","kind":"PERSON","name":"A"}]}"#;
        let items = read(text);
        assert!(matches!(&items[0], Item::Collection(..)));
        assert!(matches!(
            entry(&items[1]),
            (
                Position::Item {
                    list: "terms",
                    index: 0
                },
                Ok(_)
            )
        ));
        assert!(
            matches!(entry(&items[2]), (Position::Item { list: "terms", index: 1 }, Err(m)) if m.contains("NOPE"))
        );
        assert!(
            matches!(entry(&items[3]), (Position::Item { list: "actors", index: 0 }, Ok(Record::Actor(a))) if a.name == "A")
        );
        assert_eq!(items.len(), 4);
    }

    #[test]
    fn a_document_may_name_its_format_and_collection_anywhere_but_must_name_them() {
        let items = read(
            r#"{"events":[],"actors":[{"id":"c:a","kind":"PERSON","name":"A"}],
                "collection":{"id":"c","name":"C"},"terms":[{"vocabulary":"EVENT_TYPE","key":"raid","label":"Raid"}],
                "format":"casegraph/v1"}"#,
        );
        assert!(
            matches!(&items[0], Item::Collection(c, _) if c.id == "c"),
            "{items:?}"
        );
        // Terms first, then actors: the lists are read in dependency order, not the file's.
        assert!(matches!(
            entry(&items[1]),
            (
                Position::Item {
                    list: "terms",
                    index: 0
                },
                Ok(_)
            )
        ));
        assert!(matches!(
            entry(&items[2]),
            (
                Position::Item {
                    list: "actors",
                    index: 0
                },
                Ok(_)
            )
        ));
        assert_eq!(items.len(), 3);
        let items = read(r#"{"format":"casegraph/v2","collection":{"id":"c","name":"C"}}"#);
        assert!(
            matches!(&items[0], Item::Fatal(m) if m.contains("casegraph/v2")),
            "{items:?}"
        );
        let items = read(r#"{"format":"casegraph/v1","actors":[]}"#);
        assert!(
            matches!(&items[0], Item::Fatal(m) if m.contains("missing field `collection`")),
            "{items:?}"
        );
        let items =
            read(r#"{"format":"casegraph/v1","collection":{"id":"c","name":"C"},"actrs":[]}"#);
        assert!(
            matches!(&items[0], Item::Fatal(m) if m.contains("unknown field `actrs`")),
            "{items:?}"
        );
        let items = read("not json");
        assert!(matches!(&items[0], Item::Fatal(_)), "{items:?}");
    }
}
