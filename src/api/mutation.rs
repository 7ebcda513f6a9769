//! Mutations, merged from one part per kind of node (the way `Query` is merged), plus [`graph`] for
//! links and merges. A resolver only translates its GraphQL input into the application layer's draft
//! or patch and calls it (`crate::app`): every rule, default and transaction is there, shared with
//! the importer. Errors are named under the argument that held the value (`input.date.edtf`,
//! `patch.name`, `id`).

mod actor;
mod claim;
mod collection;
mod common;
mod count;
mod event;
mod graph;
mod participation;
mod place;
mod source;

use async_graphql::MergedObject;

pub use common::{DeletePayload, LinkPayload};

/// Writes. Each mutation is one transaction: it fully happens or not at all. Bad input gets
/// `BAD_USER_INPUT` with `extensions.field` naming the input at fault; unknown ids get `NOT_FOUND`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    collection::CollectionMutation,
    event::EventMutation,
    actor::ActorMutation,
    place::PlaceMutation,
    source::SourceMutation,
    participation::ParticipationMutation,
    count::CountMutation,
    claim::ClaimMutation,
    graph::GraphMutation,
);
