//! The graph's queries: fetch by id (Relay `node`/`nodes`), and filtered, sorted, paginated lists.

use async_graphql::{Context, Enum, Object, ID};

use super::{
    db,
    pagination::{paginate, ListConnection, PageArgs},
    types::{
        self, Actor, ActorFilter, Claim, ClaimFilter, Collection, Count, CountFilter, Event,
        EventFilter, EventSort, Node, Participation, ParticipationFilter, Place, PlaceFilter,
        Source, SourceFilter, Term,
    },
};
use crate::{
    domain::Vocabulary,
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
        let mut found = super::plan::load_nodes(ctx, &[id.to_string()]).await?;
        Ok(found.remove(id.as_str()).map(Node::from))
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
        let asked: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        let found = super::plan::load_nodes(ctx, &asked).await?;
        Ok(asked
            .iter()
            .map(|id| found.get(id).cloned().map(Node::from))
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
        let filters = filter.unwrap_or_default().filters()?;
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
        let filters = filter.unwrap_or_default().filters()?;
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
        let filters = filter.unwrap_or_default().filters()?;
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
        let filters = filter.unwrap_or_default().filters()?;
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
        let filters = filter.unwrap_or_default().filters()?;
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
        let filters = filter.unwrap_or_default().filters()?;
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
        let filters = filter.unwrap_or_default().filters()?;
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
