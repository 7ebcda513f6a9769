//! Places.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, expect, DeletePayload, GeoPointInput};
use crate::{
    api::{db, types},
    app::{
        self,
        place::{PlaceDraft, PlacePatch as Patch},
    },
    domain::{LocationPrecision, NodeKind, PlaceKind},
    error::AppResult,
};

/// A place. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct PlaceInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// What kind of place.
    kind: PlaceKind,
    /// Main name.
    name: String,
    /// Other names.
    #[graphql(default)]
    aliases: Vec<String>,
    /// What the place is.
    description: Option<String>,
    /// The place it lies within.
    within: Option<ID>,
    /// Coordinates, where known.
    location: Option<GeoPointInput>,
    /// How precisely the position is known.
    precision: LocationPrecision,
}

/// Changes to a place: only the fields given change.
#[derive(InputObject, Default)]
pub struct PlacePatch {
    /// New kind.
    kind: Option<PlaceKind>,
    /// New name.
    name: Option<String>,
    /// Replace the aliases.
    aliases: Option<Vec<String>>,
    /// New description.
    description: Option<String>,
    /// New parent place.
    within: Option<ID>,
    /// New coordinates.
    location: Option<GeoPointInput>,
    /// New precision.
    precision: Option<LocationPrecision>,
}

#[derive(Default)]
pub struct PlaceMutation;

#[Object]
impl PlaceMutation {
    /// Creates or replaces a place (by `input.id`).
    async fn upsert_place(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: PlaceInput,
    ) -> AppResult<types::Place> {
        let draft = PlaceDraft {
            id: input.id.map(|id| id.0),
            collection: input.collection.0,
            kind: input.kind,
            name: input.name,
            aliases: input.aliases,
            description: input.description,
            within: input.within.map(|id| id.0),
            location: input.location.map(Into::into),
            precision: input.precision,
        };
        expect(
            app::place::upsert(db(ctx), draft, "input").await?,
            types::as_place,
        )
    }

    /// Changes some fields of a place.
    async fn update_place(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: PlacePatch,
    ) -> AppResult<types::Place> {
        let patch = Patch {
            kind: patch.kind,
            name: patch.name,
            aliases: patch.aliases,
            description: patch.description,
            within: patch.within.map(|id| id.0),
            location: patch.location.map(Into::into),
            precision: patch.precision,
        };
        expect(
            app::place::update(db(ctx), &id, patch, "patch").await?,
            types::as_place,
        )
    }

    /// Deletes a place; events there lose their place, places within it lose their parent.
    async fn delete_place(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Place, id).await
    }
}
