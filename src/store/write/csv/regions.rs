//! The events' region relationships in the export's files (`records::region_keys`): one
//! `IN_REGION` row from each event to its place and to every place above it, with the place's id
//! and the event's span class, sort key and id, as the online writers and the backfill draw them.
//!
//! A streamed file may give a place's parent after the events at or below it, so the rows are
//! written once the whole file is read. The events are not held in memory (they grow with the
//! file): each event at a place is spooled to a file beside the export's; only the hierarchy is
//! held (a place and its parent, far fewer than the events). The export checked the hierarchy for
//! loops before [`Regions::finish`] runs; the walk up stops at 32 levels as `region_keys` does.

use std::{
    collections::HashMap,
    fs::File,
    io::{self, BufRead, BufReader, BufWriter, Write},
    path::{Path, PathBuf},
};

use super::cells::{raw, text};

/// Levels above a place that `region_keys` follows (`WITHIN*0..32`).
const MAX_DEPTH: usize = 32;

pub(super) struct Regions {
    /// Each place's parent, from the `WITHIN` sets.
    parents: HashMap<String, String>,
    spool: BufWriter<File>,
    spool_path: PathBuf,
}

impl Regions {
    /// Starts the spool in `dir` (removed by [`Regions::finish`]).
    pub(super) fn create(dir: &Path) -> io::Result<Self> {
        let spool_path = dir.join("regions.spool");
        Ok(Regions {
            parents: HashMap::new(),
            spool: BufWriter::with_capacity(1 << 16, File::create(&spool_path)?),
            spool_path,
        })
    }

    /// A place's parent.
    pub(super) fn within(&mut self, place: &str, parent: &str) {
        self.parents.insert(place.to_owned(), parent.to_owned());
    }

    /// An event at `place`, with its span class and sort key.
    pub(super) fn event(
        &mut self,
        id: &str,
        place: &str,
        span_class: i64,
        sort_date: &str,
    ) -> io::Result<()> {
        let line = serde_json::to_string(&(id, place, span_class, sort_date))?;
        writeln!(self.spool, "{line}")
    }

    /// Writes every spooled event's rows through `emit` (one call per row, the row's cells already
    /// in `line`), then removes the spool.
    pub(super) fn finish(
        self,
        mut emit: impl FnMut(&dyn Fn(&mut String)) -> io::Result<()>,
    ) -> io::Result<()> {
        let Regions {
            parents,
            spool,
            spool_path,
        } = self;
        spool.into_inner().map_err(|e| e.into_error())?;
        for line in BufReader::new(File::open(&spool_path)?).lines() {
            let (id, place, span, sort): (String, String, i64, String) =
                serde_json::from_str(&line?)?;
            let mut region = Some(place.as_str());
            let mut depth = 0;
            while let Some(r) = region {
                emit(&|l: &mut String| {
                    text(l, Some(&id));
                    text(l, Some(r));
                    text(l, Some(r));
                    raw(l, Some(span));
                    text(l, Some(&sort));
                    text(l, Some(&id));
                })?;
                depth += 1;
                region = if depth > MAX_DEPTH {
                    None
                } else {
                    parents.get(r).map(String::as_str)
                };
            }
        }
        std::fs::remove_file(&spool_path)
    }
}
