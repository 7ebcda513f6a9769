//! The graph's queries: fetch by id (Relay `node`/`nodes`), and filtered, sorted, paginated lists.

use async_graphql::{Context, Enum, InputObject, Object, ID};

use super::{
    db,
    pagination::{paginate, ListConnection, PageArgs},
    types::{
        self, Actor, Claim, Collection, Count, Event, Node, Participation, Place, Source, Term,
    },
};
use crate::{
    domain::{ActorKind, ClaimStatus, DateRange, PlaceKind, SourceKind, Vocabulary},
    error::AppError,
    store::{
        read::{Filter, ListKind, SortKey},
        Db,
    },
};

#[derive(Default)]
pub struct GraphQuery;

/// Sort direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum SortDirection {
    /// Smallest first (earliest date, A to Z).
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// A time window. Filters keep what overlaps it: an event from Dec 31 to Jan 1 matches a window of
/// Jan 1 alone.
#[derive(InputObject, Default, Clone)]
pub struct DateRangeInput {
    /// First day of the window (ISO `YYYY-MM-DD`); omit for an open start.
    from: Option<String>,
    /// Last day of the window (ISO `YYYY-MM-DD`); omit for an open end.
    to: Option<String>,
}

/// Keep what is backed by claims of a certain kind.
#[derive(InputObject, Default, Clone)]
pub struct ProvenanceFilter {
    /// At least one claim has one of these statuses (e.g. `[CONFIRMED]` for "only what is confirmed").
    status_in: Option<Vec<ClaimStatus>>,
    /// No claim has any of these statuses (e.g. `[DISPUTED, RETRACTED]`).
    status_not_in: Option<Vec<ClaimStatus>>,
    /// At least this many distinct sources among the standing (not disputed or retracted) claims.
    min_sources: Option<i32>,
    /// At most this many distinct sources among the standing claims (`1`: single-source facts).
    max_sources: Option<i32>,
}

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
    /// Keep events that rest, directly or through a participation or a figure, on a claim citing this source.
    source: Option<ID>,
    /// Case-insensitive text in the title or description.
    text: Option<String>,
    /// Keep events whose own claims match.
    provenance: Option<ProvenanceFilter>,
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

/// Filters for `actors`.
#[derive(InputObject, Default, Clone)]
pub struct ActorFilter {
    /// Actor kinds.
    kinds: Option<Vec<ActorKind>>,
    /// Case-insensitive text in the name, aliases or description.
    text: Option<String>,
}

/// Filters for `places`.
#[derive(InputObject, Default, Clone)]
pub struct PlaceFilter {
    /// Place kinds.
    kinds: Option<Vec<PlaceKind>>,
    /// Keep this place and everything within it.
    within: Option<ID>,
    /// Case-insensitive text in the name, aliases or description.
    text: Option<String>,
}

/// Filters for `sources`.
#[derive(InputObject, Default, Clone)]
pub struct SourceFilter {
    /// Source kinds.
    kinds: Option<Vec<SourceKind>>,
    /// Case-insensitive text in the title.
    text: Option<String>,
}

/// Filters for `counts`.
#[derive(InputObject, Default, Clone)]
pub struct CountFilter {
    /// Keep figures about this event.
    event: Option<ID>,
    /// Keep figures that rest on a claim citing this source.
    source: Option<ID>,
    /// Case-insensitive text in the subject or wording.
    text: Option<String>,
    /// Keep figures whose claims match (e.g. `{statusIn: [UNCONFIRMED]}`).
    provenance: Option<ProvenanceFilter>,
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
    /// Keep participations that rest on a claim citing this source.
    source: Option<ID>,
    /// Keep participations whose claims match.
    provenance: Option<ProvenanceFilter>,
}

/// Filters for `claims`.
#[derive(InputObject, Default, Clone)]
pub struct ClaimFilter {
    /// Claim statuses.
    status: Option<Vec<ClaimStatus>>,
    /// Keep claims citing this source.
    source: Option<ID>,
    /// Case-insensitive text in the excerpt.
    text: Option<String>,
}

fn date(value: &Option<String>, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    value
        .as_deref()
        .map(|v| {
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                AppError::bad_input(field, format!("{v:?} is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()
}

fn provenance_filters(
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
            out.push(if min {
                Filter::MinSources(n as i64)
            } else {
                Filter::MaxSources(n as i64)
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

fn text(t: &Option<String>, out: &mut Vec<Filter>) {
    if let Some(t) = t.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        out.push(Filter::Text(t.to_string()));
    }
}

fn scoped<'a>(ctx: &Context<'a>, collections: &Option<Vec<ID>>) -> Db {
    let requested: Option<Vec<String>> = collections
        .as_ref()
        .map(|c| c.iter().map(|id| id.to_string()).collect());
    db(ctx).narrowed(requested.as_deref())
}

fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        first,
        after,
        last,
        before,
    }
}

#[Object]
impl GraphQuery {
    /// Any object by its global id (Relay). Null when no such object is in the collections you can see.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> Result<Option<Node>, AppError> {
        Ok(types::load_node(ctx, &id).await?.map(Node::from))
    }

    /// Several objects by id, in the order asked (Relay); null for each id that names nothing.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ids (at most the maximum page size).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>, AppError> {
        let max = ctx
            .data_unchecked::<crate::config::GraphqlLimits>()
            .max_page_size;
        if ids.len() > max {
            return Err(AppError::bad_input(
                "ids",
                format!("at most {max} ids at once"),
            ));
        }
        let keys = ids.iter().map(|id| super::loaders::NodeKey(id.to_string()));
        let found = types::loader(ctx).load_many(keys).await?;
        Ok(ids
            .iter()
            .map(|id| {
                found
                    .get(&super::loaders::NodeKey(id.to_string()))
                    .cloned()
                    .map(Node::from)
            })
            .collect())
    }

    /// The collections (investigations, datasets) in the graph, sorted by name.
    async fn collections(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Collection>, AppError> {
        paginate(
            ctx,
            db(ctx),
            ListKind::Collection,
            vec![],
            SortKey::Name,
            false,
            page(first, after, last, before),
            types::as_collection,
        )
        .await
    }

    /// Taxonomy terms (event types, participant roles), sorted by vocabulary and key.
    #[allow(clippy::too_many_arguments)]
    async fn terms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only terms of this vocabulary.")] vocabulary: Option<Vocabulary>,
        #[graphql(desc = "Only terms of these collections.")] collections: Option<Vec<ID>>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Term>, AppError> {
        let db = scoped(ctx, &collections);
        let filters = vocabulary
            .map(|v| vec![Filter::Vocabulary(v)])
            .unwrap_or_default();
        paginate(
            ctx,
            &db,
            ListKind::Term,
            filters,
            SortKey::TermKey,
            false,
            page(first, after, last, before),
            types::as_term,
        )
        .await
    }

    /// Events, filtered, sorted and paginated (Relay cursors, stable under inserts).
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (default: all you can see).")] collections: Option<
            Vec<ID>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<EventFilter>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let f = filter.unwrap_or_default();
        let mut filters = Vec::new();
        if let Some(t) = &f.types {
            filters.push(Filter::Types(t.clone()));
        }
        if let Some(d) = &f.date {
            let from = date(&d.from, "filter.date.from")?;
            let to = date(&d.to, "filter.date.to")?;
            let window = DateRange::new(from, to).map_err(|e| e.under("filter.date"))?;
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
        text(&f.text, &mut filters);
        provenance_filters(&f.provenance, "filter.provenance", &mut filters)?;
        let sort = match sort.unwrap_or_default() {
            EventSort::Date => SortKey::DateEarliest,
            EventSort::Title => SortKey::Title,
        };
        let desc = direction.unwrap_or_default() == SortDirection::Desc;
        paginate(
            ctx,
            &scoped(ctx, &collections),
            ListKind::Event,
            filters,
            sort,
            desc,
            page(first, after, last, before),
            types::as_event,
        )
        .await
    }

    /// Actors, filtered and paginated, sorted by name.
    #[allow(clippy::too_many_arguments)]
    async fn actors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (default: all you can see).")] collections: Option<
            Vec<ID>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<ActorFilter>,
        #[graphql(desc = "Sort direction by name (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Actor>, AppError> {
        let f = filter.unwrap_or_default();
        let mut filters = Vec::new();
        if let Some(k) = &f.kinds {
            filters.push(Filter::ActorKinds(k.clone()));
        }
        text(&f.text, &mut filters);
        let desc = direction.unwrap_or_default() == SortDirection::Desc;
        paginate(
            ctx,
            &scoped(ctx, &collections),
            ListKind::Actor,
            filters,
            SortKey::Name,
            desc,
            page(first, after, last, before),
            types::as_actor,
        )
        .await
    }

    /// Places, filtered and paginated, sorted by name.
    #[allow(clippy::too_many_arguments)]
    async fn places(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (default: all you can see).")] collections: Option<
            Vec<ID>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<PlaceFilter>,
        #[graphql(desc = "Sort direction by name (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Place>, AppError> {
        let f = filter.unwrap_or_default();
        let mut filters = Vec::new();
        if let Some(k) = &f.kinds {
            filters.push(Filter::PlaceKinds(k.clone()));
        }
        if let Some(w) = &f.within {
            filters.push(Filter::PlaceWithinPlace(w.to_string()));
        }
        text(&f.text, &mut filters);
        let desc = direction.unwrap_or_default() == SortDirection::Desc;
        paginate(
            ctx,
            &scoped(ctx, &collections),
            ListKind::Place,
            filters,
            SortKey::Name,
            desc,
            page(first, after, last, before),
            types::as_place,
        )
        .await
    }

    /// Sources, filtered and paginated, sorted by publication date.
    #[allow(clippy::too_many_arguments)]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (default: all you can see).")] collections: Option<
            Vec<ID>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<SourceFilter>,
        #[graphql(desc = "Sort direction by publication date (default: ascending).")]
        direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Source>, AppError> {
        let f = filter.unwrap_or_default();
        let mut filters = Vec::new();
        if let Some(k) = &f.kinds {
            filters.push(Filter::SourceKinds(k.clone()));
        }
        text(&f.text, &mut filters);
        let desc = direction.unwrap_or_default() == SortDirection::Desc;
        paginate(
            ctx,
            &scoped(ctx, &collections),
            ListKind::Source,
            filters,
            SortKey::Published,
            desc,
            page(first, after, last, before),
            types::as_source,
        )
        .await
    }

    /// Figures (counts), filtered and paginated, sorted by value.
    #[allow(clippy::too_many_arguments)]
    async fn counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (default: all you can see).")] collections: Option<
            Vec<ID>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<CountFilter>,
        #[graphql(desc = "Sort direction by value (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Count>, AppError> {
        let f = filter.unwrap_or_default();
        let mut filters = Vec::new();
        if let Some(e) = &f.event {
            filters.push(Filter::CountOfEvent(e.to_string()));
        }
        if let Some(s) = &f.source {
            filters.push(Filter::CitesSource(s.to_string()));
        }
        text(&f.text, &mut filters);
        provenance_filters(&f.provenance, "filter.provenance", &mut filters)?;
        let desc = direction.unwrap_or_default() == SortDirection::Desc;
        paginate(
            ctx,
            &scoped(ctx, &collections),
            ListKind::Count,
            filters,
            SortKey::Figure,
            desc,
            page(first, after, last, before),
            types::as_count,
        )
        .await
    }

    /// Participations (who took part in what, in which role), filtered and paginated, sorted by role.
    #[allow(clippy::too_many_arguments)]
    async fn participations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (default: all you can see).")] collections: Option<
            Vec<ID>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<ParticipationFilter>,
        #[graphql(desc = "Sort direction by role (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Participation>, AppError> {
        let f = filter.unwrap_or_default();
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
        let desc = direction.unwrap_or_default() == SortDirection::Desc;
        paginate(
            ctx,
            &scoped(ctx, &collections),
            ListKind::Participation,
            filters,
            SortKey::Role,
            desc,
            page(first, after, last, before),
            types::as_participation,
        )
        .await
    }

    /// Claims, filtered and paginated, newest last.
    #[allow(clippy::too_many_arguments)]
    async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (default: all you can see).")] collections: Option<
            Vec<ID>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<ClaimFilter>,
        #[graphql(desc = "Sort direction by creation time (default: ascending).")]
        direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Claim>, AppError> {
        let f = filter.unwrap_or_default();
        let mut filters = Vec::new();
        if let Some(s) = &f.status {
            filters.push(Filter::ClaimStatusIn(s.clone()));
        }
        if let Some(s) = &f.source {
            filters.push(Filter::ClaimCites(s.to_string()));
        }
        text(&f.text, &mut filters);
        let desc = direction.unwrap_or_default() == SortDirection::Desc;
        paginate(
            ctx,
            &scoped(ctx, &collections),
            ListKind::Claim,
            filters,
            SortKey::CreatedAt,
            desc,
            page(first, after, last, before),
            types::as_claim,
        )
        .await
    }
}
