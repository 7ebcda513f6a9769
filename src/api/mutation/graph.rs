//! What spans nodes: links and merges.

use async_graphql::{Context, Object, ID};

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
    async fn link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which relationship.")] relation: Relation,
        #[graphql(desc = "The id of the node the relationship starts from.")] from: ID,
        #[graphql(desc = "The id of the node the relationship points to.")] to: ID,
        #[graphql(desc = "The citing passage (for SOURCE_CITES).")] excerpt: Option<String>,
    ) -> AppResult<LinkPayload> {
        let changed = app::graph::link(db(ctx), relation, &from, &to, excerpt, false).await?;
        Ok(LinkPayload { changed })
    }

    /// Removes one relationship.
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
