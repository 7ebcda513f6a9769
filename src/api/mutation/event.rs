//! Events.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, claims, expect, ids, DeletePayload, FuzzyDateInput, NestedClaimInput};
use crate::{
    api::{db, types},
    app::{
        self,
        event::{EventDraft, EventPatch as Patch},
    },
    domain::NodeKind,
    error::AppResult,
};

/// An event. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct EventInput {
    /// Stable id (generated when omitted; an existing id is replaced).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// Event type key (an `EVENT_TYPE` term of the collection).
    #[graphql(name = "type")]
    event_type: String,
    /// Short title.
    title: String,
    /// What happened.
    description: Option<String>,
    /// When.
    date: FuzzyDateInput,
    /// Where (a place of the collection).
    place: Option<ID>,
    /// Larger events it is part of.
    #[graphql(default)]
    part_of: Vec<ID>,
    /// Events that followed.
    #[graphql(default)]
    followed_by: Vec<ID>,
    /// Events it led to.
    #[graphql(default)]
    led_to: Vec<ID>,
    /// Claims supporting the event (added or updated; other claims are kept).
    #[graphql(default)]
    claims: Vec<NestedClaimInput>,
}

/// Changes to an event: only the fields given change.
#[derive(InputObject, Default)]
pub struct EventPatch {
    /// New event type key.
    #[graphql(name = "type")]
    event_type: Option<String>,
    /// New title.
    title: Option<String>,
    /// New description.
    description: Option<String>,
    /// New date.
    date: Option<FuzzyDateInput>,
    /// New place.
    place: Option<ID>,
    /// Replace the events it is part of.
    part_of: Option<Vec<ID>>,
    /// Replace the events that followed.
    followed_by: Option<Vec<ID>>,
    /// Replace the events it led to.
    led_to: Option<Vec<ID>>,
}

#[derive(Default)]
pub struct EventMutation;

#[Object]
impl EventMutation {
    /// Creates or replaces an event (by `input.id`), with its place, relations and claims.
    async fn upsert_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: EventInput,
    ) -> AppResult<types::Event> {
        let draft = EventDraft {
            id: input.id.map(|id| id.0),
            collection: input.collection.0,
            event_type: input.event_type,
            title: input.title,
            description: input.description,
            date: input.date.into(),
            place: input.place.map(|id| id.0),
            part_of: ids(input.part_of),
            followed_by: ids(input.followed_by),
            led_to: ids(input.led_to),
            claims: claims(input.claims),
        };
        expect(
            app::event::upsert(db(ctx), draft, "input").await?,
            types::as_event,
        )
    }

    /// Changes some fields of an event.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: EventPatch,
    ) -> AppResult<types::Event> {
        let patch = Patch {
            event_type: patch.event_type,
            title: patch.title,
            description: patch.description,
            date: patch.date.map(Into::into),
            place: patch.place.map(|id| id.0),
            part_of: patch.part_of.map(ids),
            followed_by: patch.followed_by.map(ids),
            led_to: patch.led_to.map(ids),
        };
        expect(
            app::event::update(db(ctx), &id, patch, "patch").await?,
            types::as_event,
        )
    }

    /// Deletes an event with its participations, its counts and every claim about them.
    async fn delete_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Event, id).await
    }
}
