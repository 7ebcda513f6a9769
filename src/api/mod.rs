//! The GraphQL API: schema assembly, per-request data, and the SDL export.
//!
//! Reads are `query.rs` (the root lists and `node`) and `types/` (one module per GraphQL type, resolving
//! its fields from the request's cache in `loaders.rs`, filled level by level as `plan.rs` reads the
//! selection); writes are `mutation.rs`, merged from one part
//! per kind under `mutation/`, each translating its input into a draft of the application layer
//! (`crate::app`). Resolvers never write Cypher.

pub mod documents;
pub mod graph;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod nested;
pub mod pagination;
pub mod plan;
pub mod query;
pub mod relation;
pub mod system;
pub mod types;

use async_graphql::{
    BatchRequest, BatchResponse, EmptySubscription, MergedObject, SDLExportOptions, Schema,
};

use crate::{config::GraphqlLimits, store::Db};

/// The root query type: the union of every area's queries.
#[derive(MergedObject, Default)]
pub struct Query(
    system::SystemQuery,
    query::GraphQuery,
    relation::RelationQuery,
    graph::GraphQuestions,
);

pub type CasegraphSchema = Schema<Query, mutation::Mutation, EmptySubscription>;

/// Builds the schema with the configured depth and complexity limits.
///
/// Requests over HTTP are measured by [`limits::check_batch`] before they get here, more strictly
/// (its complexity multiplies by page sizes); async-graphql's own limits stay as a second line for
/// any other caller of the schema.
pub fn build_schema(limits: GraphqlLimits) -> CasegraphSchema {
    build_schema_with(
        limits,
        std::sync::Arc::new(documents::Documents::new(limits.document_cache)),
    )
}

/// [`build_schema`] answering validation from `documents` (the HTTP handler keeps its parses there).
pub fn build_schema_with(
    limits: GraphqlLimits,
    documents: std::sync::Arc<documents::Documents>,
) -> CasegraphSchema {
    // `Default::default()`: the mutation root is merged from parts (see `mutation.rs`).
    Schema::build(Query::default(), Default::default(), EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .data(limits)
        .extension(documents::CachedValidation(documents))
        .finish()
}

/// The schema as SDL, with sorted fields so that a change shows up as a small diff. The committed copy
/// is `schema/schema.graphql`; a test fails when they differ.
pub fn sdl() -> String {
    build_schema(GraphqlLimits::default())
        .sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}

/// Gives each request of a batch its database handle and its own loader cache.
/// (The limits are not needed here: the schema carries them as data, see [`build_schema`].)
pub fn attach_request_data(mut batch: BatchRequest, db: &Db) -> BatchRequest {
    // One cache per request, not per batch: in `[query, mutation, query]` the last query must not
    // answer from what the first one read before the mutation. (The handle, and with it the round-trip
    // count, is shared by the batch.) Nor may a cache outlive its request: a later request would see
    // stale data, and with access control data of another caller's collections.
    for request in batch.iter_mut() {
        request
            .data
            .insert(std::sync::Arc::new(loaders::Loaders::new(db.clone())));
    }
    batch.data(db.clone())
}

/// Runs a batch's requests one after another, in order. async-graphql runs them concurrently, so in
/// `[query, mutation, query]` the last query could read before the mutation commits; in order, every
/// request sees what the ones before it wrote (and each has its own cache, see
/// [`attach_request_data`]).
pub async fn execute(schema: &CasegraphSchema, batch: BatchRequest) -> BatchResponse {
    match batch {
        BatchRequest::Single(request) => BatchResponse::Single(schema.execute(request).await),
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(schema.execute(request).await);
            }
            BatchResponse::Batch(responses)
        }
    }
}

/// The request's database handle, as set by [`attach_request_data`].
pub(crate) fn db<'a>(ctx: &async_graphql::Context<'a>) -> &'a Db {
    ctx.data_unchecked::<Db>()
}
