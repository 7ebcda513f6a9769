//! Collections and taxonomy terms.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, expect, DeletePayload};
use crate::{
    api::{db, types},
    app::{
        self,
        collection::{CollectionDraft, TermDraft},
    },
    domain::{NodeKind, Vocabulary},
    error::AppResult,
};

/// A collection (an investigation or a dataset).
#[derive(InputObject)]
pub struct CollectionInput {
    /// The collection's stable id.
    id: ID,
    /// A human-readable name.
    name: String,
    /// What it holds and where it comes from.
    description: Option<String>,
}

/// A taxonomy term. Its id is derived from collection, vocabulary and key.
#[derive(InputObject)]
pub struct TermInput {
    /// The collection whose taxonomy gets the term.
    collection: ID,
    /// Which taxonomy.
    vocabulary: Vocabulary,
    /// Stable snake_case key, e.g. `contract_signing`.
    key: String,
    /// Human-readable label.
    label: String,
    /// What it means and when to use it.
    description: Option<String>,
}

#[derive(Default)]
pub struct CollectionMutation;

#[Object]
impl CollectionMutation {
    /// Creates or updates a collection.
    async fn upsert_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: CollectionInput,
    ) -> AppResult<types::Collection> {
        let draft = CollectionDraft {
            id: input.id.0,
            name: input.name,
            description: input.description,
        };
        let node = app::collection::upsert_collection(db(ctx), draft, "input").await?;
        expect(node, types::as_collection)
    }

    /// Deletes a collection and everything in it.
    async fn delete_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Collection, id).await
    }

    /// Creates or updates a taxonomy term (an event type or a participant role).
    async fn upsert_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: TermInput,
    ) -> AppResult<types::Term> {
        let draft = TermDraft {
            collection: input.collection.0,
            vocabulary: input.vocabulary,
            key: input.key,
            label: input.label,
            description: input.description,
        };
        let node = app::collection::upsert_term(db(ctx), draft, "input").await?;
        expect(node, types::as_term)
    }

    /// Deletes a term that nothing uses any more (`CONFLICT` otherwise).
    async fn delete_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Term, id).await
    }
}
