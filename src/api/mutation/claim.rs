//! Claims.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, expect, DeletePayload};
use crate::{
    api::{db, types},
    app::{
        self,
        claim::{ClaimDraft, StandaloneClaimDraft},
    },
    domain::{ClaimStatus, NodeKind},
    error::AppResult,
};

/// A claim: a source's support for an event, a participation or a count.
#[derive(InputObject)]
pub struct ClaimInput {
    /// Stable id (generated when omitted; an existing id is updated).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// The event, participation or count supported.
    about: ID,
    /// The source cited.
    source: ID,
    /// The supporting passage, verbatim.
    excerpt: Option<String>,
    /// How far it can be relied on.
    status: ClaimStatus,
    /// A reviewer's note.
    note: Option<String>,
}

#[derive(Default)]
pub struct ClaimMutation;

#[Object]
impl ClaimMutation {
    /// Adds a claim (or updates one, by `input.id`).
    async fn add_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: ClaimInput,
    ) -> AppResult<types::Claim> {
        let draft = StandaloneClaimDraft {
            collection: input.collection.0,
            about: input.about.0,
            claim: ClaimDraft {
                id: input.id.map(|id| id.0),
                source: input.source.0,
                excerpt: input.excerpt,
                status: input.status,
                note: input.note,
            },
        };
        expect(
            app::claim::add_claim(db(ctx), draft, "input").await?,
            types::as_claim,
        )
    }

    /// Re-rates a claim: wrong claims are marked `DISPUTED` or `RETRACTED`, not deleted.
    async fn rate_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The claim's new status.")] status: ClaimStatus,
        #[graphql(desc = "Why (kept with the claim).")] note: Option<String>,
    ) -> AppResult<types::Claim> {
        expect(
            app::claim::rate_claim(db(ctx), &id, status, note).await?,
            types::as_claim,
        )
    }

    /// Deletes a claim entered by mistake. (A claim that turned out wrong should be re-rated instead.)
    async fn delete_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Claim, id).await
    }
}
