//! Provenance: claims, and the reified statements they support (participations and counts).

use async_graphql::{Context, Interface, Object, SimpleObject, ID};

use super::{
    as_actor, as_claim, as_count, as_event, as_source, follow_as, follow_one, stored, Actor, Event,
    Source, Term,
};
use crate::{
    api::{
        nested::{self, NestedArgs},
        pagination::ListConnection,
        query::SortDirection,
    },
    domain::{ClaimStatus, CountQualifier},
    error::AppError,
    store::{
        read::Edge,
        records::{ClaimRecord, CountRecord, NodeRecord, ParticipationRecord},
    },
};

/// One source's support for one fact (an event, a participation or a count), with the excerpt that
/// supports it and how far it can be relied on. Wrong claims are re-rated, never deleted.
#[derive(Clone)]
pub struct Claim(pub ClaimRecord);

/// One source's support for one fact (an event, a participation or a count), with the excerpt that
/// supports it and how far it can be relied on. Wrong claims are re-rated, never deleted.
#[Object]
impl Claim {
    /// The claim's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection the claim belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// How far the claim can be relied on.
    async fn status(&self) -> Result<ClaimStatus, AppError> {
        stored(&self.0.status, "claim status")
    }
    /// The passage of the source that supports the fact, verbatim.
    async fn excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }
    /// A reviewer's note, e.g. why the claim was re-rated.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When the claim was recorded (ISO 8601 date-time).
    async fn created_at(&self) -> Option<&str> {
        self.0.created_at.as_deref()
    }
    /// For a claim about a relation (an event led to another, a place lies within another): the
    /// relation's id, as graph edges and `relation` show it. Null for a claim about a fact.
    async fn about_relation(&self) -> Option<ID> {
        self.0.about_relation.clone().map(ID)
    }
    /// The source the claim cites.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>, AppError> {
        follow_one(ctx, Edge::ClaimSource, &self.0.id, as_source).await
    }
    /// The fact the claim supports.
    async fn subject(&self, ctx: &Context<'_>) -> Result<Option<Fact>, AppError> {
        let found = super::follow(ctx, Edge::ClaimSubject, &self.0.id).await?;
        Ok(found.into_iter().find_map(|l| match l.node {
            NodeRecord::Event(r) => Some(Fact::Event(Event(r))),
            NodeRecord::Participation(r) => Some(Fact::Participation(Participation(r))),
            NodeRecord::Count(r) => Some(Fact::Count(Count(r))),
            _ => None,
        }))
    }
}

/// A fact: a statement of the graph that sources support or dispute — an event, a participation or a
/// count; what a claim is about. Its claims and how well it is sourced are the same for all three.
// The paging arguments repeat `ty = …` across `arg(…)`s, which clippy takes for duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(
        name = "claims",
        ty = "ListConnection<Claim>",
        desc = "The claims behind this fact; `status` keeps only claims with these statuses.",
        arg(
            name = "status",
            ty = "Option<Vec<ClaimStatus>>",
            desc = "Keep only claims with one of these statuses."
        ),
        arg(
            name = "direction",
            ty = "Option<SortDirection>",
            desc = "Sort direction by creation time (default: ascending)."
        ),
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Page size from the start (or from `after`)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Cursor to continue after."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Page size from the end (or from `before`)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Cursor to continue before."
        )
    ),
    field(
        name = "provenance",
        ty = "Provenance",
        desc = "How well this fact is sourced."
    )
)]
pub enum Fact {
    Event(Event),
    Participation(Participation),
    Count(Count),
}

/// A summary of the claims behind a fact, to tell at a glance how well it is sourced.
#[derive(SimpleObject)]
pub struct Provenance {
    /// All claims about the fact, whatever their status.
    claim_count: i32,
    /// Claims that still count as support (not disputed or retracted).
    standing_claim_count: i32,
    /// Distinct sources cited by the standing claims.
    source_count: i32,
    /// The statuses present among the claims.
    statuses: Vec<ClaimStatus>,
    /// At least one standing claim is `CONFIRMED`.
    confirmed: bool,
    /// At least one claim is `DISPUTED`.
    disputed: bool,
    /// The fact rests on a single source, and what supports it is flagged `UNCONFIRMED`.
    single_unconfirmed_source: bool,
}

/// Loads every claim about `id`.
async fn claims_of(ctx: &Context<'_>, id: &str) -> Result<Vec<Claim>, AppError> {
    follow_as(ctx, Edge::ClaimsAbout, id, as_claim).await
}

/// Summarises the claims about `id` (from the same batched load as `claims`).
pub(crate) async fn provenance_of(ctx: &Context<'_>, id: &str) -> Result<Provenance, AppError> {
    let claims = claims_of(ctx, id).await?;
    let mut statuses: Vec<ClaimStatus> = Vec::new();
    let mut standing = Vec::new();
    for c in &claims {
        let status: ClaimStatus = stored(&c.0.status, "claim status")?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
        if status.is_standing() {
            standing.push((status, c.0.source_id.clone()));
        }
    }
    let mut sources: Vec<&str> = standing.iter().filter_map(|(_, s)| s.as_deref()).collect();
    sources.sort_unstable();
    sources.dedup();
    Ok(Provenance {
        claim_count: claims.len() as i32,
        standing_claim_count: standing.len() as i32,
        source_count: sources.len() as i32,
        confirmed: standing.iter().any(|(s, _)| *s == ClaimStatus::Confirmed),
        disputed: statuses.contains(&ClaimStatus::Disputed),
        single_unconfirmed_source: sources.len() == 1
            && standing.iter().any(|(s, _)| *s == ClaimStatus::Unconfirmed)
            && !standing.iter().any(|(s, _)| *s == ClaimStatus::Confirmed),
        statuses,
    })
}

/// A stored figure as GraphQL's 32-bit `Int`. Writes keep figures in range (see `domain::Figure`), so
/// one outside it is corrupt data, not something to hand a client rounded or wrapped.
fn figure(stored: Option<i64>) -> Result<Option<i32>, AppError> {
    stored
        .map(|n| {
            i32::try_from(n)
                .map_err(|_| AppError::internal(format!("stored figure {n} exceeds a 32-bit Int")))
        })
        .transpose()
}

/// An actor's part in an event, with a role ("perpetrator", "target", "offerer" …). A node of its own so
/// that claims can support or dispute it.
#[derive(Clone)]
pub struct Participation(pub ParticipationRecord);

/// An actor's part in an event, with a role ("perpetrator", "target", "offerer" …). A node of its own so
/// that claims can support or dispute it.
#[Object]
impl Participation {
    /// The participation's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// The role's key in the `PARTICIPANT_ROLE` taxonomy, e.g. `perpetrator`.
    async fn role(&self) -> &str {
        &self.0.role
    }
    /// The role's taxonomy term, with its label and description.
    async fn role_term(&self, ctx: &Context<'_>) -> Result<Option<Term>, AppError> {
        follow_one(ctx, Edge::ParticipationRoleTerm, &self.0.id, super::as_term).await
    }
    /// Details of the actor's part, in the source's terms.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Who took part.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<Actor>, AppError> {
        follow_one(ctx, Edge::ParticipationActor, &self.0.id, as_actor).await
    }
    /// In what.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>, AppError> {
        follow_one(ctx, Edge::ParticipationEvent, &self.0.id, as_event).await
    }
    /// The claims behind this participation; `status` keeps only claims with these statuses.
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
    /// How well this participation is sourced.
    pub(crate) async fn provenance(&self, ctx: &Context<'_>) -> Result<Provenance, AppError> {
        provenance_of(ctx, &self.0.id).await
    }
}

/// A figure about an event as one source gives it: "at least 3,000 detained". Different sources'
/// figures for the same thing are separate counts; none overwrites another.
#[derive(Clone)]
pub struct Count(pub CountRecord);

/// A figure about an event as one source gives it: "at least 3,000 detained". Different sources'
/// figures for the same thing are separate counts; none overwrites another.
#[Object]
impl Count {
    /// The count's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// What is counted, e.g. "people detained".
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The figure itself; null when only bounds are known ("more than 3,000").
    async fn value(&self) -> Result<Option<i32>, AppError> {
        figure(self.0.value)
    }
    /// How the figure is qualified: exact, at least, about …
    async fn qualifier(&self) -> Result<CountQualifier, AppError> {
        stored(&self.0.qualifier, "count qualifier")
    }
    /// Lower bound, when one is given.
    async fn lower(&self) -> Result<Option<i32>, AppError> {
        figure(self.0.lower)
    }
    /// Upper bound, when one is given.
    async fn upper(&self) -> Result<Option<i32>, AppError> {
        figure(self.0.upper)
    }
    /// The unit, e.g. "person".
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    /// The sub-group counted, e.g. "women and children".
    async fn subgroup(&self) -> Option<&str> {
        self.0.subgroup.as_deref()
    }
    /// The figure as the source put it, e.g. "much higher".
    async fn wording(&self) -> Option<&str> {
        self.0.wording.as_deref()
    }
    /// The event the figure is about.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>, AppError> {
        follow_one(ctx, Edge::CountEvent, &self.0.id, as_event).await
    }
    /// The larger figure this one is part of ("2 released" of "31 charged").
    async fn part_of(&self, ctx: &Context<'_>) -> Result<Option<Count>, AppError> {
        follow_one(ctx, Edge::CountParent, &self.0.id, as_count).await
    }
    /// The figures this one breaks down into.
    #[allow(clippy::too_many_arguments)]
    async fn breakdown(
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
        nested::page(ctx, Edge::CountBreakdown, &self.0.id, args, as_count).await
    }
    /// The claims behind this figure; `status` keeps only claims with these statuses.
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
    /// How well this figure is sourced.
    pub(crate) async fn provenance(&self, ctx: &Context<'_>) -> Result<Provenance, AppError> {
        provenance_of(ctx, &self.0.id).await
    }
}

pub(crate) use filter::provenance_filters;
pub use filter::{ClaimFilter, CountFilter, ParticipationFilter, ProvenanceFilter};

/// The list's filter, next to the type it lists: the GraphQL input and its translation into the
/// store's [`Filter`](crate::store::read::Filter)s, which carry domain values.
mod filter {
    use async_graphql::{InputObject, ID};

    use crate::domain::ClaimStatus;
    use crate::{error::AppError, store::read::Filter};

    /// Keep what is backed by claims of a certain kind.
    #[derive(InputObject, Default, Clone)]
    pub struct ProvenanceFilter {
        /// At least one claim has one of these statuses (e.g. `[CONFIRMED]` for "only what is confirmed").
        status_in: Option<Vec<ClaimStatus>>,
        /// No claim has any of these statuses (e.g. `[DISPUTED, RETRACTED]`).
        status_not_in: Option<Vec<ClaimStatus>>,
        /// At least this many distinct sources among the standing (not disputed or retracted) claims.
        // i64 (still `Int` on the wire), so that a number beyond 32 bits is refused below on this
        // field, like a figure, rather than by validation without one.
        min_sources: Option<i64>,
        /// At most this many distinct sources among the standing claims (`1`: single-source facts).
        max_sources: Option<i64>,
    }

    pub(crate) fn provenance_filters(
        p: &Option<ProvenanceFilter>,
        field: &str,
        out: &mut Vec<Filter>,
    ) -> Result<(), AppError> {
        let Some(p) = p else { return Ok(()) };
        if let Some(s) = &p.status_in {
            out.push(Filter::ProvenanceStatusIn(s.clone()));
        }
        if let Some(s) = &p.status_not_in {
            out.push(Filter::ProvenanceStatusNotIn(s.clone()));
        }
        for (value, name, min) in [
            (p.min_sources, "minSources", true),
            (p.max_sources, "maxSources", false),
        ] {
            if let Some(n) = value {
                if n < 0 {
                    return Err(AppError::bad_input(
                        format!("{field}.{name}"),
                        "must not be negative",
                    ));
                }
                if n > i64::from(i32::MAX) {
                    return Err(AppError::bad_input(
                        format!("{field}.{name}"),
                        format!("must be at most {} (GraphQL's 32-bit Int)", i32::MAX),
                    ));
                }
                out.push(if min {
                    Filter::MinSources(n)
                } else {
                    Filter::MaxSources(n)
                });
            }
        }
        if let (Some(lo), Some(hi)) = (p.min_sources, p.max_sources) {
            if hi < lo {
                return Err(AppError::bad_input(
                    format!("{field}.maxSources"),
                    "is below minSources",
                ));
            }
        }
        Ok(())
    }

    /// Filters for `counts`.
    #[derive(InputObject, Default, Clone)]
    pub struct CountFilter {
        /// Keep figures about this event.
        event: Option<ID>,
        /// Keep figures that rest on a claim citing this source (or a source published by this outlet).
        source: Option<ID>,
        /// Case-insensitive text in the subject or wording.
        text: Option<String>,
        /// Keep figures whose claims match (e.g. `{statusIn: [UNCONFIRMED]}`).
        provenance: Option<ProvenanceFilter>,
        /// `true`: only facts in dispute — a `DISPUTED` claim behind them, or (figures) another figure
        /// about the same thing that says something else; `false`: only the others.
        in_dispute: Option<bool>,
    }

    impl CountFilter {
        /// The store's filters for these conditions.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(e) = &f.event {
                filters.push(Filter::CountOfEvent(e.to_string()));
            }
            if let Some(s) = &f.source {
                filters.push(Filter::CitesSource(s.to_string()));
            }
            super::super::text_filter(&f.text, &mut filters);
            provenance_filters(&f.provenance, "filter.provenance", &mut filters)?;
            filters.extend(f.in_dispute.map(Filter::InDispute));
            Ok(filters)
        }
    }

    /// Filters for `participations`. All given conditions must hold.
    #[derive(InputObject, Default, Clone)]
    pub struct ParticipationFilter {
        /// Role keys (`PARTICIPANT_ROLE` terms), e.g. `["perpetrator"]`.
        roles: Option<Vec<String>>,
        /// Keep this actor's participations.
        actor: Option<ID>,
        /// Keep participations in this event.
        event: Option<ID>,
        /// Keep participations that rest on a claim citing this source (or a source published by this outlet).
        source: Option<ID>,
        /// Keep participations whose claims match.
        provenance: Option<ProvenanceFilter>,
        /// `true`: only facts in dispute — a `DISPUTED` claim behind them, or (figures) another figure
        /// about the same thing that says something else; `false`: only the others.
        in_dispute: Option<bool>,
    }

    impl ParticipationFilter {
        /// The store's filters for these conditions.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(r) = &f.roles {
                filters.push(Filter::Roles(r.clone()));
            }
            if let Some(a) = &f.actor {
                filters.push(Filter::ParticipationOfActor(a.to_string()));
            }
            if let Some(e) = &f.event {
                filters.push(Filter::ParticipationInEvent(e.to_string()));
            }
            if let Some(s) = &f.source {
                filters.push(Filter::CitesSource(s.to_string()));
            }
            provenance_filters(&f.provenance, "filter.provenance", &mut filters)?;
            filters.extend(f.in_dispute.map(Filter::InDispute));
            Ok(filters)
        }
    }

    /// Filters for `claims`.
    #[derive(InputObject, Default, Clone)]
    pub struct ClaimFilter {
        /// Claim statuses.
        status: Option<Vec<ClaimStatus>>,
        /// Keep claims citing this source (or a source published by this outlet).
        source: Option<ID>,
        /// Case-insensitive text in the excerpt.
        text: Option<String>,
    }

    impl ClaimFilter {
        /// The store's filters for these conditions.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(s) = &f.status {
                filters.push(Filter::ClaimStatusIn(s.clone()));
            }
            if let Some(s) = &f.source {
                filters.push(Filter::ClaimCites(s.to_string()));
            }
            super::super::text_filter(&f.text, &mut filters);
            Ok(filters)
        }
    }
}
