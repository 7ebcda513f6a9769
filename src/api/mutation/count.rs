//! Counts (figures).

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::common::{self, claims, expect, DeletePayload, NestedClaimInput};
use crate::{
    api::{db, types},
    app::{
        self,
        count::{CountDraft, CountPatch as Patch, NumberPatch},
    },
    domain::{CountQualifier, NodeKind},
    error::AppResult,
};

/// A figure about an event, as one source gives it.
#[derive(InputObject)]
pub struct CountInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// The event counted.
    event: ID,
    /// What is counted, e.g. "people detained".
    subject: String,
    /// The figure, if one is given.
    // i64, though GraphQL shows `Int`: a number beyond 32 bits must reach the domain's range check to
    // be refused as BAD_USER_INPUT on this field (an i32 would fail validation without a field).
    value: Option<i64>,
    /// How it is qualified.
    qualifier: CountQualifier,
    /// Lower bound.
    lower: Option<i64>,
    /// Upper bound.
    upper: Option<i64>,
    /// Unit (default "person").
    unit: Option<String>,
    /// The sub-group counted.
    subgroup: Option<String>,
    /// The figure as worded by the source.
    wording: Option<String>,
    /// The larger figure this one breaks down.
    part_of: Option<ID>,
    /// Claims supporting the figure.
    #[graphql(default)]
    claims: Vec<NestedClaimInput>,
}

/// Changes to a figure: only the fields given change, and the figure they make must hold together
/// (bounds in order, the value inside them).
#[derive(InputObject, Default)]
pub struct CountPatch {
    /// New description of what is counted.
    subject: Option<String>,
    /// New figure (null removes it).
    value: MaybeUndefined<i64>,
    /// New qualifier.
    qualifier: Option<CountQualifier>,
    /// New lower bound (null removes it).
    lower: MaybeUndefined<i64>,
    /// New upper bound (null removes it).
    upper: MaybeUndefined<i64>,
    /// New unit.
    unit: Option<String>,
    /// New sub-group (`""` removes it).
    subgroup: Option<String>,
    /// New wording (`""` removes it).
    wording: Option<String>,
    /// New larger figure this one breaks down.
    part_of: Option<ID>,
}

fn number(given: MaybeUndefined<i64>) -> NumberPatch {
    match given {
        MaybeUndefined::Undefined => NumberPatch::Keep,
        MaybeUndefined::Null => NumberPatch::Remove,
        MaybeUndefined::Value(v) => NumberPatch::Set(v),
    }
}

#[derive(Default)]
pub struct CountMutation;

#[Object]
impl CountMutation {
    /// Creates or replaces a figure about an event, with its claims.
    async fn upsert_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: CountInput,
    ) -> AppResult<types::Count> {
        let draft = CountDraft {
            id: input.id.map(|id| id.0),
            collection: input.collection.0,
            event: input.event.0,
            subject: input.subject,
            value: input.value,
            qualifier: input.qualifier,
            lower: input.lower,
            upper: input.upper,
            unit: input.unit,
            subgroup: input.subgroup,
            wording: input.wording,
            part_of: input.part_of.map(|id| id.0),
            claims: claims(input.claims),
        };
        expect(
            app::count::upsert(db(ctx), draft, "input").await?,
            types::as_count,
        )
    }

    /// Changes some fields of a figure; its parent figure changes only when given. The figure is checked
    /// as a whole, so a bound moved past the stored value is refused on that bound.
    async fn update_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: CountPatch,
    ) -> AppResult<types::Count> {
        let patch = Patch {
            subject: patch.subject,
            value: number(patch.value),
            qualifier: patch.qualifier,
            lower: number(patch.lower),
            upper: number(patch.upper),
            unit: patch.unit,
            subgroup: patch.subgroup,
            wording: patch.wording,
            part_of: patch.part_of.map(|id| id.0),
        };
        expect(
            app::count::update(db(ctx), &id, patch, "patch").await?,
            types::as_count,
        )
    }

    /// Deletes a figure and the claims about it.
    async fn delete_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Count, id).await
    }
}
