//! Events.

use async_graphql::{Context, Object, ID};

use super::{
    as_claim, as_count, as_event, as_participation, as_place,
    date::FuzzyDateObject,
    follow_one,
    provenance::{provenance_of, Provenance},
    Claim, Count, Participation, Place, Term,
};
use crate::{
    api::{
        nested::{self, NestedArgs},
        pagination::ListConnection,
        query::SortDirection,
    },
    domain::{ClaimStatus, FuzzyDate},
    error::AppError,
    store::{read::Edge, records::EventRecord},
};

/// Something that happened: a raid, a detention, a recruitment offer, a charge … with its type, place,
/// fuzzy date, participants, figures and the claims it rests on.
#[derive(Clone)]
pub struct Event(pub EventRecord);

/// Something that happened: a raid, a detention, a recruitment offer, a charge … with its type, place,
/// fuzzy date, participants, figures and the claims it rests on.
#[Object]
impl Event {
    /// The event's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// The event type's key in the `EVENT_TYPE` taxonomy, e.g. `detention`.
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// The event type's taxonomy term, with its label and description.
    async fn type_term(&self, ctx: &Context<'_>) -> Result<Option<Term>, AppError> {
        follow_one(ctx, Edge::EventTypeTerm, &self.0.id, super::as_term).await
    }
    /// A short title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What happened, in the sources' terms.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When it happened, as precisely as known.
    async fn date(&self) -> Result<FuzzyDateObject, AppError> {
        let d = FuzzyDate::from_stored(
            &self.0.date_edtf,
            self.0.date_inferred,
            self.0.date_basis.clone(),
        )
        .map_err(|e| AppError::internal(format!("stored date of {}: {e}", self.0.id)))?;
        Ok(FuzzyDateObject(d))
    }
    /// Where it happened.
    async fn place(&self, ctx: &Context<'_>) -> Result<Option<Place>, AppError> {
        follow_one(ctx, Edge::EventPlace, &self.0.id, as_place).await
    }
    /// Who took part and in what role; `role` keeps only participations with that role key.
    #[allow(clippy::too_many_arguments)]
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep only those with this role key (a `PARTICIPANT_ROLE` term).")]
        role: Option<String>,
        #[graphql(desc = "Sort direction by role (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Participation>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .role(role);
        nested::page(
            ctx,
            Edge::EventParticipations,
            &self.0.id,
            args,
            as_participation,
        )
        .await
    }
    /// Figures about the event, each as one source gives it.
    #[allow(clippy::too_many_arguments)]
    async fn counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by value (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Count>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::EventCounts, &self.0.id, args, as_count).await
    }
    /// The claims behind the event itself; `status` keeps only claims with these statuses.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep only claims with one of these statuses.")] status: Option<
            Vec<ClaimStatus>,
        >,
        #[graphql(desc = "Sort direction by creation time (default: ascending).")]
        direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Claim>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .status(status);
        nested::page(ctx, Edge::ClaimsAbout, &self.0.id, args, as_claim).await
    }
    /// How well the event itself is sourced.
    pub(crate) async fn provenance(&self, ctx: &Context<'_>) -> Result<Provenance, AppError> {
        provenance_of(ctx, &self.0.id).await
    }
    /// Larger events this one is part of.
    #[allow(clippy::too_many_arguments)]
    async fn part_of(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .sort(sort);
        nested::page(ctx, Edge::EventPartOf, &self.0.id, args, as_event).await
    }
    /// Events that are part of this one.
    #[allow(clippy::too_many_arguments)]
    async fn parts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .sort(sort);
        nested::page(ctx, Edge::EventParts, &self.0.id, args, as_event).await
    }
    /// Events that came next.
    #[allow(clippy::too_many_arguments)]
    async fn followed_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .sort(sort);
        nested::page(ctx, Edge::EventFollowedBy, &self.0.id, args, as_event).await
    }
    /// Events that came before and were followed by this one.
    #[allow(clippy::too_many_arguments)]
    async fn preceded_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .sort(sort);
        nested::page(ctx, Edge::EventPrecededBy, &self.0.id, args, as_event).await
    }
    /// Events this one led to (a causal link the sources make).
    #[allow(clippy::too_many_arguments)]
    async fn led_to(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .sort(sort);
        nested::page(ctx, Edge::EventLedTo, &self.0.id, args, as_event).await
    }
    /// Events that led to this one.
    #[allow(clippy::too_many_arguments)]
    async fn caused_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .sort(sort);
        nested::page(ctx, Edge::EventCausedBy, &self.0.id, args, as_event).await
    }
}

pub use filter::{EventFilter, EventSort};

/// The list's filter, next to the type it lists: the GraphQL input and its translation into the
/// store's [`Filter`](crate::store::read::Filter)s, which carry domain values.
mod filter {
    use async_graphql::{Enum, InputObject, ID};

    use crate::{error::AppError, store::read::Filter};

    use crate::api::types::{
        date::{self, DateRangeInput},
        provenance::ProvenanceFilter,
    };

    /// Filters for `events`. All given conditions must hold.
    #[derive(InputObject, Default, Clone)]
    pub struct EventFilter {
        /// Event type keys (`EVENT_TYPE` terms), e.g. `["raid", "detention"]`.
        types: Option<Vec<String>>,
        /// Keep events whose date overlaps this window.
        date: Option<DateRangeInput>,
        /// Keep events at this place or anywhere within it.
        place: Option<ID>,
        /// Keep events this actor took part in.
        actor: Option<ID>,
        /// Keep events with a participant in this role (combined with `actor`: that actor in that role).
        role: Option<String>,
        /// Keep events that rest, directly or through a participation or a figure, on a claim citing this source
        /// — or any source published by this outlet, when the id is an actor's.
        source: Option<ID>,
        /// Case-insensitive text in the title or description.
        text: Option<String>,
        /// Keep events whose own claims match.
        provenance: Option<ProvenanceFilter>,
        /// `true`: only events with facts in dispute — a `DISPUTED` claim behind the event, one of its
        /// participations or figures, or two of its figures about the same thing that differ (the
        /// `conflicts` of the graph questions); `false`: only the others.
        in_dispute: Option<bool>,
    }

    /// What to sort events by.
    #[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
    pub enum EventSort {
        /// Earliest possible date (open starts first).
        #[default]
        Date,
        /// Title, case-insensitive.
        Title,
    }

    impl EventFilter {
        /// The store's filters for these conditions; errors are named under `filter`.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(t) = &f.types {
                filters.push(Filter::Types(t.clone()));
            }
            if let Some(d) = &f.date {
                let from = date::date(&d.from, "filter.date.from")?;
                let to = date::date(&d.to, "filter.date.to")?;
                let window =
                    crate::domain::DateRange::new(from, to).map_err(|e| e.under("filter.date"))?;
                filters.push(Filter::DateOverlap(window));
            }
            if let Some(p) = &f.place {
                filters.push(Filter::EventWithinPlace(p.to_string()));
            }
            if f.actor.is_some() || f.role.is_some() {
                filters.push(Filter::Participant {
                    actor: f.actor.as_ref().map(|a| a.to_string()),
                    role: f.role.clone(),
                });
            }
            if let Some(s) = &f.source {
                filters.push(Filter::CitesSource(s.to_string()));
            }
            super::super::text_filter(&f.text, &mut filters);
            super::super::provenance::provenance_filters(
                &f.provenance,
                "filter.provenance",
                &mut filters,
            )?;
            filters.extend(f.in_dispute.map(Filter::InDispute));
            Ok(filters)
        }
    }
}
