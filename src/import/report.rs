//! What `casegraph import` reports (`super::bulk`): the records it read, the batches it wrote or
//! found already written, what it wrote, and the records it left out.

use std::time::Duration;

use crate::store::write::Summary;

/// A record left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `line 12`, `events[3]`.
    pub at: String,
    /// Every reason, one per line, each with its field.
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.reason)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Records read (good and bad, in committed batches and in skipped ones).
    pub records: u64,
    /// Batches written by this run.
    pub batches_written: u64,
    /// Batches already committed by an earlier run, and skipped.
    pub batches_resumed: u64,
    /// What this run wrote.
    pub written: Summary,
    /// Records left out (`--on-error skip`).
    pub skipped: Vec<Problem>,
    pub elapsed: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        write!(
            f,
            "{} records in {:.1} s ({:.0} events/s): wrote {} batch(es), {} already imported; {}",
            self.records,
            secs,
            self.written.events as f64 / secs.max(1e-3),
            self.batches_written,
            self.batches_resumed,
            self.written
        )?;
        if !self.skipped.is_empty() {
            write!(f, "\n{} record(s) skipped:", self.skipped.len())?;
            for p in &self.skipped {
                write!(f, "\n  {p}")?;
            }
        }
        Ok(())
    }
}

/// Adds a batch's summary to the run's.
pub(super) fn add(total: &mut Summary, s: &Summary) {
    total.collections += s.collections;
    total.terms += s.terms;
    total.actors += s.actors;
    total.places += s.places;
    total.sources += s.sources;
    total.events += s.events;
    total.participations += s.participations;
    total.counts += s.counts;
    total.claims += s.claims;
    total.links += s.links;
}
