//! Claims.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, expect, DeletePayload};
use crate::{
    api::{db, types},
    app::{
        self,
        claim::{ClaimDraft, StandaloneClaimDraft},
        relation::RelationEvidenceDraft,
    },
    domain::{ClaimStatus, NodeKind, Relation},
    error::{AppError, AppResult},
};

/// A relation, named by its kind and its ends.
#[derive(InputObject)]
pub struct RelationRefInput {
    /// Which relationship.
    relation: Relation,
    /// The id of the node the relationship starts from.
    from: ID,
    /// The id of the node the relationship points to.
    to: ID,
}

/// A claim about the relation being linked: a source's support for it.
#[derive(InputObject)]
pub struct RelationClaimInput {
    /// Stable id (generated when omitted; an existing id is updated).
    id: Option<ID>,
    /// The source cited.
    source: ID,
    /// The supporting passage, verbatim.
    excerpt: Option<String>,
    /// How far it can be relied on.
    status: ClaimStatus,
    /// A reviewer's note.
    note: Option<String>,
}

impl RelationClaimInput {
    pub(super) fn into_draft(self) -> ClaimDraft {
        ClaimDraft {
            id: self.id.map(|id| id.0),
            source: self.source.0,
            excerpt: self.excerpt,
            status: self.status,
            note: self.note,
        }
    }
}

/// A relation drawn without a source: why the analyst drew it.
#[derive(InputObject)]
pub struct InferenceInput {
    /// The reasoning, in full (what in the sources it rests on, and what they do not say).
    pub(super) reasoning: String,
}

/// A claim: a source's support for an event, a participation, a count, or a relation.
#[derive(InputObject)]
pub struct ClaimInput {
    /// Stable id (generated when omitted; an existing id is updated).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// The event, participation or count supported (or give `relation`).
    about: Option<ID>,
    /// The relation supported, by its kind and ends (instead of `about`).
    relation: Option<RelationRefInput>,
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
        let claim = ClaimDraft {
            id: input.id.map(|id| id.0),
            source: input.source.0,
            excerpt: input.excerpt,
            status: input.status,
            note: input.note,
        };
        let node =
            match (input.about, input.relation) {
                (Some(about), None) => {
                    let draft = StandaloneClaimDraft {
                        collection: input.collection.0,
                        about: about.0,
                        claim,
                    };
                    app::claim::add_claim(db(ctx), draft, "input").await?
                }
                (None, Some(r)) => {
                    let draft = RelationEvidenceDraft {
                        relation: r.relation,
                        from: r.from.0,
                        to: r.to.0,
                        collection: Some(input.collection.0),
                        claims: vec![claim],
                        inference: None,
                    };
                    app::relation::add_relation_claim(db(ctx), draft, "input").await?
                }
                _ => return Err(AppError::bad_input(
                    "input.about",
                    "give either `about` (a fact) or `relation` (a relation), not both or neither",
                )),
            };
        expect(node, types::as_claim)
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
