//! Sources: news reports, official statements, documents, and their chains of citation.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::{as_actor, as_claim, date::FuzzyDateObject, follow_one, stored, Actor, Claim};
use crate::{
    api::{
        nested::{self, NestedArgs},
        pagination::ListConnection,
        query::SortDirection,
    },
    domain::{FuzzyDate, SourceKind},
    error::AppError,
    store::{
        read::Edge,
        records::{NodeRecord, SourceRecord},
    },
};

/// Where a claim comes from: a news report, a press statement, a document.
#[derive(Clone)]
pub struct Source(pub SourceRecord);

/// One source citing another, with the passage that does so: an item of `cites`/`citedBy`. The
/// citation is the list's item (`nodes`, `edges { node }`), with the other source under `source`,
/// as a participation is an item of `participants` with its actor under `actor`: the schema shows a
/// relationship that carries facts of its own as an object, not as fields on the connection's edge.
#[derive(SimpleObject)]
pub struct Citation {
    /// The other source.
    source: Source,
    /// The passage of the citing source that credits the other one.
    excerpt: Option<String>,
}

/// Where a claim comes from: a news report, a press statement, a document.
#[Object]
impl Source {
    /// The source's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// What kind of source this is.
    async fn kind(&self) -> Result<SourceKind, AppError> {
        stored(&self.0.kind, "source kind")
    }
    /// The title as published (or a description where there is none).
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Where it can be read, when known.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Language (BCP 47 tag, e.g. `en`, `ru`).
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// When it was published, as precisely as known.
    async fn published(&self) -> Result<Option<FuzzyDateObject>, AppError> {
        let Some(edtf) = &self.0.published_edtf else {
            return Ok(None);
        };
        let d = FuzzyDate::from_stored(
            edtf,
            self.0.published_inferred,
            self.0.published_basis.clone(),
        )
        .map_err(|e| AppError::internal(format!("stored date of {}: {e}", self.0.id)))?;
        Ok(Some(FuzzyDateObject(d)))
    }
    /// The outlet or body that published it.
    async fn publisher(&self, ctx: &Context<'_>) -> Result<Option<Actor>, AppError> {
        follow_one(ctx, Edge::SourcePublisher, &self.0.id, as_actor).await
    }
    /// The sources this one cites (Meduza cites Fontanka), each with the citing passage; ordered by
    /// the cited source's publication date, then id.
    #[allow(clippy::too_many_arguments)]
    async fn cites(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by publication date (default: ascending).")]
        direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Citation>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        citations(ctx, Edge::SourceCites, &self.0.id, args).await
    }
    /// The sources that cite this one, each with its citing passage; ordered by the citing source's
    /// publication date, then id. A much-cited source has many: page through them.
    #[allow(clippy::too_many_arguments)]
    async fn cited_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by publication date (default: ascending).")]
        direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Citation>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        citations(ctx, Edge::SourceCitedBy, &self.0.id, args).await
    }
    /// The claims that rest on this source.
    #[allow(clippy::too_many_arguments)]
    async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by creation time (default: ascending).")]
        direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Claim>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::SourceClaims, &self.0.id, args, as_claim).await
    }
}

/// A page of citations: the other source, with the excerpt the relationship carries.
async fn citations(
    ctx: &Context<'_>,
    edge: Edge,
    id: &str,
    args: NestedArgs,
) -> Result<ListConnection<Citation>, AppError> {
    nested::page_linked(ctx, edge, id, args, |l| match l.node {
        NodeRecord::Source(s) => Some(Citation {
            source: Source(s),
            excerpt: l
                .edge
                .get("excerpt")
                .and_then(|v| v.as_str())
                .map(str::to_string),
        }),
        _ => None,
    })
    .await
}

pub use filter::SourceFilter;

/// The list's filter, next to the type it lists: the GraphQL input and its translation into the
/// store's [`Filter`](crate::store::read::Filter)s, which carry domain values.
mod filter {
    use async_graphql::InputObject;

    use crate::domain::SourceKind;
    use crate::{error::AppError, store::read::Filter};

    /// Filters for `sources`.
    #[derive(InputObject, Default, Clone)]
    pub struct SourceFilter {
        /// Source kinds.
        kinds: Option<Vec<SourceKind>>,
        /// Case-insensitive text in the title.
        text: Option<String>,
    }

    impl SourceFilter {
        /// The store's filters for these conditions.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(k) = &f.kinds {
                filters.push(Filter::SourceKinds(k.clone()));
            }
            super::super::text_filter(&f.text, &mut filters);
            Ok(filters)
        }
    }
}
