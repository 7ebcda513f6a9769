//! Actors: state bodies and their units, groups of people, persons, organisations, news outlets.

use async_graphql::{Context, Object, ID};

use super::{
    as_actor, as_event, as_participation, as_source, stored, Event, EventSort, Participation,
    Source,
};
use crate::{
    api::{
        nested::{self, NestedArgs},
        pagination::ListConnection,
        query::SortDirection,
    },
    domain::ActorKind,
    error::AppError,
    store::{read::Edge, records::ActorRecord},
};

/// Someone who acts or is acted upon: the police, a court's press service, a ministry, "migrants from
/// Central Asia", a person, a news outlet.
#[derive(Clone)]
pub struct Actor(pub ActorRecord);

/// Someone who acts or is acted upon: the police, a court's press service, a ministry, "migrants from
/// Central Asia", a person, a news outlet.
#[Object]
impl Actor {
    /// The actor's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// What kind of actor this is.
    async fn kind(&self) -> Result<ActorKind, AppError> {
        stored(&self.0.kind, "actor kind")
    }
    /// The main name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Other names, spellings and transliterations.
    async fn aliases(&self) -> &[String] {
        &self.0.aliases
    }
    /// Who or what the actor is.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The actor's parts in events; `role` keeps only those with that role key.
    #[allow(clippy::too_many_arguments)]
    async fn participations(
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
            Edge::ActorParticipations,
            &self.0.id,
            args,
            as_participation,
        )
        .await
    }
    /// The events the actor took part in (in any role, or in `role`), each once, earliest first.
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep only those with this role key (a `PARTICIPANT_ROLE` term).")]
        role: Option<String>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .role(role)
            .sort(sort);
        nested::page(ctx, Edge::ActorEvents, &self.0.id, args, as_event).await
    }
    /// Bodies or groups the actor belongs to (a press service of the courts; men among the detainees).
    #[allow(clippy::too_many_arguments)]
    async fn member_of(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by name (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Actor>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::ActorMemberOf, &self.0.id, args, as_actor).await
    }
    /// Actors that belong to this one.
    #[allow(clippy::too_many_arguments)]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by name (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Actor>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::ActorMembers, &self.0.id, args, as_actor).await
    }
    /// Bodies the actor answers to.
    #[allow(clippy::too_many_arguments)]
    async fn answers_to(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by name (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Actor>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::ActorAnswersTo, &self.0.id, args, as_actor).await
    }
    /// Actors that answer to this one.
    #[allow(clippy::too_many_arguments)]
    async fn subordinates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by name (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Actor>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::ActorSubordinates, &self.0.id, args, as_actor).await
    }
    /// Sources the actor published (for news outlets and press services).
    #[allow(clippy::too_many_arguments)]
    async fn publications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by publication date (default: ascending).")]
        direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Source>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::ActorPublications, &self.0.id, args, as_source).await
    }
}

pub use filter::ActorFilter;

/// The list's filter, next to the type it lists: the GraphQL input and its translation into the
/// store's [`Filter`](crate::store::read::Filter)s, which carry domain values.
mod filter {
    use async_graphql::InputObject;

    use crate::domain::ActorKind;
    use crate::{error::AppError, store::read::Filter};

    /// Filters for `actors`.
    #[derive(InputObject, Default, Clone)]
    pub struct ActorFilter {
        /// Actor kinds.
        kinds: Option<Vec<ActorKind>>,
        /// Case-insensitive text in the name, aliases or description.
        text: Option<String>,
    }

    impl ActorFilter {
        /// The store's filters for these conditions.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(k) = &f.kinds {
                filters.push(Filter::ActorKinds(k.clone()));
            }
            super::super::text_filter(&f.text, &mut filters);
            Ok(filters)
        }
    }
}
