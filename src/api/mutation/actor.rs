//! Actors.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, expect, ids, DeletePayload};
use crate::{
    api::{db, types},
    app::{
        self,
        actor::{ActorDraft, ActorPatch as Patch},
    },
    domain::{ActorKind, NodeKind},
    error::AppResult,
};

/// An actor. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct ActorInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// What kind of actor.
    kind: ActorKind,
    /// Main name.
    name: String,
    /// Other names.
    #[graphql(default)]
    aliases: Vec<String>,
    /// Who or what it is.
    description: Option<String>,
    /// Bodies or groups it belongs to.
    #[graphql(default)]
    member_of: Vec<ID>,
    /// Bodies it answers to.
    #[graphql(default)]
    answers_to: Vec<ID>,
}

/// Changes to an actor: only the fields given change.
#[derive(InputObject, Default)]
pub struct ActorPatch {
    /// New kind.
    kind: Option<ActorKind>,
    /// New name.
    name: Option<String>,
    /// Replace the aliases.
    aliases: Option<Vec<String>>,
    /// New description.
    description: Option<String>,
    /// Replace the memberships.
    member_of: Option<Vec<ID>>,
    /// Replace the superiors.
    answers_to: Option<Vec<ID>>,
}

#[derive(Default)]
pub struct ActorMutation;

#[Object]
impl ActorMutation {
    /// Creates or replaces an actor (by `input.id`).
    async fn upsert_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: ActorInput,
    ) -> AppResult<types::Actor> {
        let draft = ActorDraft {
            id: input.id.map(|id| id.0),
            collection: input.collection.0,
            kind: input.kind,
            name: input.name,
            aliases: input.aliases,
            description: input.description,
            member_of: ids(input.member_of),
            answers_to: ids(input.answers_to),
        };
        expect(
            app::actor::upsert(db(ctx), draft, "input").await?,
            types::as_actor,
        )
    }

    /// Changes some fields of an actor.
    async fn update_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: ActorPatch,
    ) -> AppResult<types::Actor> {
        let patch = Patch {
            kind: patch.kind,
            name: patch.name,
            aliases: patch.aliases,
            description: patch.description,
            member_of: patch.member_of.map(ids),
            answers_to: patch.answers_to.map(ids),
        };
        expect(
            app::actor::update(db(ctx), &id, patch, "patch").await?,
            types::as_actor,
        )
    }

    /// Deletes an actor with its participations and the claims about them.
    async fn delete_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Actor, id).await
    }
}
