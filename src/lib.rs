//! casegraph: a GraphQL knowledge graph of events, actors, places and sources, with provenance, over
//! Neo4j. The modules, in the order a request meets them:
//!
//! - [`config`]: the typed configuration, read once from the environment.
//! - [`telemetry`]: logging with `tracing`.
//! - [`startup`]: builds the application (store, migrations, seed, router, listener).
//! - [`http`]: routes, GraphQL-over-HTTP, GraphiQL, health probes, limits.
//! - [`api`]: the GraphQL schema: types, queries, mutations, DataLoaders. No Cypher here.
//! - [`domain`]: validated values: fuzzy dates, counts, claim statuses, ids, taxonomies.
//! - [`store`]: every Cypher statement, the connection pool, migrations, collection scoping.
//! - [`import`]: the `casegraph/v1` data format and its loader (the seed dataset uses it).
//! - [`error`]: the one error type and its stable codes.

pub mod api;
pub mod app;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod import;
pub mod startup;
pub mod store;
pub mod telemetry;
