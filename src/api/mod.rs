//! The GraphQL API: schema assembly, per-request data, and the SDL export.
//!
//! Reads are `query.rs` (the root lists and `node`) and `types/` (one module per GraphQL type, resolving
//! its fields through the DataLoaders of `loaders.rs`); writes are `mutation.rs`, merged from one part
//! per kind under `mutation/`, each translating its input into a draft of the application layer
//! (`crate::app`). Resolvers never write Cypher.

pub mod graph;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod relation;
pub mod system;
pub mod types;

use async_graphql::{BatchRequest, EmptySubscription, MergedObject, SDLExportOptions, Schema};

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
    // `Default::default()`: the mutation root is merged from parts (see `mutation.rs`).
    Schema::build(Query::default(), Default::default(), EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .data(limits)
        .finish()
}

/// The schema as SDL, with sorted fields so that a change shows up as a small diff. The committed copy
/// is `schema/schema.graphql`; a test fails when they differ.
pub fn sdl() -> String {
    build_schema(GraphqlLimits::default())
        .sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}

/// Gives one request (or batch) its database handle and its DataLoaders.
/// (The limits are not needed here: the schema carries them as data, see [`build_schema`].)
pub fn attach_request_data(batch: BatchRequest, db: &Db) -> BatchRequest {
    // One loader per request: its cache must not outlive the request, or a later request would see
    // stale data (and, with access control, data of another caller's collections).
    let loaders = std::sync::Arc::new(loaders::Loaders::new(db.clone()));
    batch.data(db.clone()).data(loaders)
}

/// The request's database handle, as set by [`attach_request_data`].
pub(crate) fn db<'a>(ctx: &async_graphql::Context<'a>) -> &'a Db {
    ctx.data_unchecked::<Db>()
}
