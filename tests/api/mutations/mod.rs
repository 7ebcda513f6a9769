//! Every mutation against the real Neo4j, one file per section: upserts, patches, deletes, links,
//! claims, merges; the errors of bad input (code and field); atomicity; user text that must reach
//! Cypher only as parameters; and [`rules`], which runs every input rule through both entry points
//! (GraphQL and import). The node factories and request helpers they share are in `helpers.rs`.
//!
//! Each test writes only into its own collection (`app.collection`) and ids prefixed by it.

mod actors;
mod atomicity;
mod bad_identities;
mod bad_references;
mod bad_values;
mod claims;
mod collections;
mod events;
mod idempotence;
mod links;
mod merges;
mod parameters;
mod participations_and_counts;
mod places;
mod rules;
mod sources;
