//! Timelines, co-occurrence and conflicts as the API shows them.

use async_graphql::{Enum, Object, SimpleObject};

use super::edges::Bounds;
use crate::{
    api::types::{Actor, Claim, Count, Event, Source},
    domain::{figure_sum::Span, ClaimStatus, CountQualifier, DatePrecision, FuzzyDate},
    error::AppError,
    store::graph::{
        conflicts::{Conflict, ConflictKind, Figure},
        timeline::{CoActor, TimelineRow},
    },
};

/// How an event is placed on a timeline.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum TimelinePlacement {
    /// On a known day.
    Day,
    /// Somewhere within a bounded span (a month, a year, an interval): placed at its first day,
    /// after shorter spans that start on the same day.
    WithinSpan,
    /// The start is unknown ("in recent months"): placed before every event with a known start, in
    /// the order of the latest day it can fall on.
    OpenStart,
    /// The end is open ("from January 1 on"): placed at its first day, after what ends that day.
    OpenEnd,
}

/// One event on a timeline, with how its fuzzy date places it.
pub struct TimelineEntry {
    pub position: usize,
    pub row: TimelineRow,
    pub date: FuzzyDate,
}

impl TimelineEntry {
    pub(crate) fn new(position: usize, row: TimelineRow) -> Result<Self, AppError> {
        let date = FuzzyDate::from_stored(
            &row.event.date_edtf,
            row.event.date_inferred,
            row.event.date_basis.clone(),
        )
        .map_err(|e| AppError::internal(format!("stored date of {}: {e}", row.event.id)))?;
        Ok(TimelineEntry {
            position,
            row,
            date,
        })
    }

    fn placement_of(&self) -> TimelinePlacement {
        match (self.date.earliest(), self.date.latest()) {
            (None, _) => TimelinePlacement::OpenStart,
            (Some(_), None) => TimelinePlacement::OpenEnd,
            (Some(a), Some(b)) if a == b && self.date.precision() == DatePrecision::Day => {
                TimelinePlacement::Day
            }
            _ => TimelinePlacement::WithinSpan,
        }
    }
}

/// One event on a timeline, with how its fuzzy date places it.
#[Object]
impl TimelineEntry {
    /// Position on the timeline, from 1.
    async fn position(&self) -> i32 {
        self.position as i32
    }
    /// The event.
    async fn event(&self) -> Event {
        Event(self.row.event.clone())
    }
    /// How the date places the event.
    async fn placement(&self) -> TimelinePlacement {
        self.placement_of()
    }
    /// The first day the event can fall on (ISO); null when its start is unknown.
    async fn earliest(&self) -> Option<String> {
        self.date.earliest().map(|d| d.to_string())
    }
    /// The last day the event can fall on (ISO); null when its end is open.
    async fn latest(&self) -> Option<String> {
        self.date.latest().map(|d| d.to_string())
    }
    /// The date as recorded (EDTF).
    async fn edtf(&self) -> &str {
        self.date.edtf()
    }
    /// How finely the date is known.
    async fn precision(&self) -> DatePrecision {
        self.date.precision()
    }
    /// The date is worked out, not stated by the source.
    async fn inferred(&self) -> bool {
        self.date.inferred()
    }
    /// The placement in words, e.g. "start unknown, by 2025-01-31".
    async fn note(&self) -> String {
        let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
        let mut note = match self.placement_of() {
            TimelinePlacement::OpenStart => format!(
                "start unknown, by {}: placed before every event with a known start",
                d(self.date.latest())
            ),
            TimelinePlacement::OpenEnd => format!("from {} on, end open", d(self.date.earliest())),
            TimelinePlacement::Day => format!("on {}", d(self.date.earliest())),
            TimelinePlacement::WithinSpan => format!(
                "some time from {} to {}",
                d(self.date.earliest()),
                d(self.date.latest())
            ),
        };
        if self.date.inferred() {
            note.push_str(" (date inferred, not stated)");
        }
        note
    }
    /// For an actor's timeline: the roles the actor played in the event.
    async fn roles(&self) -> &[String] {
        &self.row.roles
    }
}

/// Events in time order.
#[derive(SimpleObject)]
pub struct Timeline {
    /// The events, earliest first (see `TimelinePlacement` for fuzzy dates).
    pub entries: Vec<TimelineEntry>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}

/// An actor that shares events with another.
pub struct CoActorObject(pub CoActor);

/// An actor that shares events with another.
#[Object(name = "CoActor")]
impl CoActorObject {
    /// The actor.
    async fn actor(&self) -> Actor {
        Actor(self.0.actor.clone())
    }
    /// How many events the two share.
    async fn shared_event_count(&self) -> i32 {
        self.0.events.len() as i32
    }
    /// The shared events.
    async fn events(&self) -> Vec<Event> {
        self.0.events.iter().cloned().map(Event).collect()
    }
}

/// The actors that share events with an actor, most shared events first.
#[derive(SimpleObject)]
pub struct CoOccurrence {
    /// The co-occurring actors, ranked.
    pub actors: Vec<CoActorObject>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}

/// Why figures are in conflict.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ConflictReason {
    /// Sources give different figures (value, qualifier or bounds) for the same thing.
    DifferentFigures,
    /// A claim behind one of the figures is disputed.
    Disputed,
}

/// One source's backing for a figure.
pub struct FigureSource(crate::store::graph::conflicts::Backing);

/// One source's backing for a figure: the claim, the source and its outlet.
#[Object]
impl FigureSource {
    /// The claim (status, excerpt).
    async fn claim(&self) -> Claim {
        Claim(self.0.claim.clone())
    }
    /// The claim's status.
    async fn status(&self) -> Result<ClaimStatus, AppError> {
        crate::api::types::stored(&self.0.claim.status, "claim status")
    }
    /// The passage of the source, verbatim.
    async fn excerpt(&self) -> Option<&str> {
        self.0.claim.excerpt.as_deref()
    }
    /// The source cited.
    async fn source(&self) -> Source {
        Source(self.0.source.clone())
    }
    /// The outlet (or body) that published the source.
    async fn outlet(&self) -> Option<Actor> {
        self.0.outlet.clone().map(Actor)
    }
}

/// A figure in a conflict, with every source behind it.
pub struct ConflictingFigure(Figure);

/// A figure in a conflict, with every source behind it.
#[Object]
impl ConflictingFigure {
    /// The figure.
    async fn count(&self) -> Count {
        Count(self.0.count.clone())
    }
    /// The figure in words, as its qualifier allows: "at least 3,000", "more than 3,000".
    async fn reading(&self) -> Result<String, AppError> {
        let c = &self.0.count;
        let q: CountQualifier = crate::api::types::stored(&c.qualifier, "count qualifier")?;
        Ok(Span::of(q, c.value, c.lower, c.upper).describe())
    }
    /// The sources behind it, each with its outlet.
    async fn sources(&self) -> Vec<FigureSource> {
        self.0.backing.iter().cloned().map(FigureSource).collect()
    }
}

/// Figures about the same thing (event, subject, sub-group, unit) that do not agree.
pub struct FigureConflict(pub Conflict);

/// Figures about the same thing (event, subject, sub-group, unit) that do not agree, side by side.
#[Object]
impl FigureConflict {
    /// The event the figures are about.
    async fn event(&self) -> Event {
        Event(self.0.event.clone())
    }
    /// What is counted.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The sub-group counted, if any.
    async fn subgroup(&self) -> Option<&str> {
        self.0.subgroup.as_deref()
    }
    /// The unit.
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    /// Why the figures are in conflict.
    async fn reasons(&self) -> Vec<ConflictReason> {
        self.0
            .kinds
            .iter()
            .map(|k| match k {
                ConflictKind::DifferentFigures => ConflictReason::DifferentFigures,
                ConflictKind::Disputed => ConflictReason::Disputed,
            })
            .collect()
    }
    /// The figures, each with its sources and outlets.
    async fn figures(&self) -> Vec<ConflictingFigure> {
        self.0
            .figures
            .iter()
            .cloned()
            .map(ConflictingFigure)
            .collect()
    }
}

/// Figures on which sources disagree.
#[derive(SimpleObject)]
pub struct Conflicts {
    /// The conflicts, by event date.
    pub conflicts: Vec<FigureConflict>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}
