//! What spans nodes: links and merges.

use async_graphql::{Context, Object, ID};

use super::claim::{InferenceInput, RelationClaimInput};
use super::common::{expect, LinkPayload};
use crate::{
    api::{db, types},
    app,
    domain::{NodeKind, Relation},
    error::AppResult,
};

#[derive(Default)]
pub struct GraphMutation;

#[Object]
impl GraphMutation {
    /// Adds one relationship. For relations that allow one target (an event's place, a place's parent,
    /// a source's publisher, a figure's parent), the new target replaces the old one.
    #[allow(clippy::too_many_arguments)]
    async fn link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which relationship.")] relation: Relation,
        #[graphql(desc = "The id of the node the relationship starts from.")] from: ID,
        #[graphql(desc = "The id of the node the relationship points to.")] to: ID,
        #[graphql(desc = "The citing passage (for SOURCE_CITES).")] excerpt: Option<String>,
        #[graphql(
            desc = "The claims the relation rests on: who says so, verbatim, with what status (not for SOURCE_CITES or COUNT_PART_OF)."
        )]
        claims: Option<Vec<RelationClaimInput>>,
        #[graphql(
            desc = "For a relation no source states: the analyst's reasoning. It is shown as inference, never as sourced."
        )]
        inference: Option<InferenceInput>,
    ) -> AppResult<LinkPayload> {
        let changed = if claims.is_none() && inference.is_none() {
            app::graph::link(db(ctx), relation, &from, &to, excerpt, false).await?
        } else {
            let draft = app::relation::RelationEvidenceDraft {
                relation,
                from: from.0,
                to: to.0,
                collection: None,
                claims: claims
                    .unwrap_or_default()
                    .into_iter()
                    .map(RelationClaimInput::into_draft)
                    .collect(),
                inference: inference.map(|i| app::relation::InferenceDraft {
                    reasoning: i.reasoning,
                }),
            };
            app::relation::link_with_evidence(db(ctx), draft, excerpt).await?
        };
        Ok(LinkPayload { changed })
    }

    /// Removes one relationship, with the claims about it.
    async fn unlink(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which relationship.")] relation: Relation,
        #[graphql(desc = "The id of the node the relationship starts from.")] from: ID,
        #[graphql(desc = "The id of the node the relationship points to.")] to: ID,
    ) -> AppResult<LinkPayload> {
        let changed = app::graph::link(db(ctx), relation, &from, &to, None, true).await?;
        Ok(LinkPayload { changed })
    }

    /// Merges a duplicate actor into another: participations, memberships, publications move over; the
    /// duplicate's names become aliases; the duplicate is deleted.
    async fn merge_actors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of the node that stays.")] keep: ID,
        #[graphql(desc = "The id of the duplicate: merged into `keep`, then deleted.")]
        duplicate: ID,
    ) -> AppResult<types::Actor> {
        let node = app::graph::merge(db(ctx), NodeKind::Actor, &keep, &duplicate).await?;
        expect(node, types::as_actor)
    }

    /// Merges a duplicate place into another: events, sub-places and names move over.
    async fn merge_places(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of the node that stays.")] keep: ID,
        #[graphql(desc = "The id of the duplicate: merged into `keep`, then deleted.")]
        duplicate: ID,
    ) -> AppResult<types::Place> {
        let node = app::graph::merge(db(ctx), NodeKind::Place, &keep, &duplicate).await?;
        expect(node, types::as_place)
    }
}
