//! Participations.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, claims, expect, DeletePayload, NestedClaimInput};
use crate::{
    api::{db, types},
    app::{
        self,
        participation::{ParticipationDraft, ParticipationPatch as Patch},
    },
    domain::NodeKind,
    error::AppResult,
};

/// An actor's part in an event.
#[derive(InputObject)]
pub struct ParticipationInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// The event.
    event: ID,
    /// The actor.
    actor: ID,
    /// Role key (a `PARTICIPANT_ROLE` term of the collection).
    role: String,
    /// Details in the source's terms.
    description: Option<String>,
    /// Claims supporting the participation.
    #[graphql(default)]
    claims: Vec<NestedClaimInput>,
}

/// Changes to a participation: only the fields given change.
#[derive(InputObject, Default)]
pub struct ParticipationPatch {
    /// Move it to another event.
    event: Option<ID>,
    /// Move it to another actor.
    actor: Option<ID>,
    /// New role key.
    role: Option<String>,
    /// New description.
    description: Option<String>,
}

#[derive(Default)]
pub struct ParticipationMutation;

#[Object]
impl ParticipationMutation {
    /// Creates or replaces an actor's participation in an event, with its claims.
    async fn upsert_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: ParticipationInput,
    ) -> AppResult<types::Participation> {
        let draft = ParticipationDraft {
            id: input.id.map(|id| id.0),
            collection: input.collection.0,
            event: input.event.0,
            actor: input.actor.0,
            role: input.role,
            description: input.description,
            claims: claims(input.claims),
        };
        let node = app::participation::upsert(db(ctx), draft, "input").await?;
        expect(node, types::as_participation)
    }

    /// Changes some fields of a participation; it moves to another event or actor only when given.
    async fn update_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: ParticipationPatch,
    ) -> AppResult<types::Participation> {
        let patch = Patch {
            event: patch.event.map(|id| id.0),
            actor: patch.actor.map(|id| id.0),
            role: patch.role,
            description: patch.description,
        };
        let node = app::participation::update(db(ctx), &id, patch, "patch").await?;
        expect(node, types::as_participation)
    }

    /// Deletes a participation and the claims about it.
    async fn delete_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Participation, id).await
    }
}
