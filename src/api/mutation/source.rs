//! Sources.

use async_graphql::{Context, InputObject, Object, ID};

use super::common::{self, expect, DeletePayload, FuzzyDateInput};
use crate::{
    api::{db, types},
    app::{
        self,
        source::{CitationDraft, SourceDraft, SourcePatch as Patch},
    },
    domain::{NodeKind, SourceKind},
    error::AppResult,
};

/// One source citing another.
#[derive(InputObject, Clone)]
pub struct CitationInput {
    /// The cited source.
    source: ID,
    /// The passage that cites it.
    excerpt: Option<String>,
}

/// A source. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct SourceInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// What kind of source.
    kind: SourceKind,
    /// Title as published.
    title: String,
    /// Where it can be read (http or https).
    url: Option<String>,
    /// Language (BCP 47).
    language: Option<String>,
    /// Publication date.
    published: Option<FuzzyDateInput>,
    /// The outlet or body that published it (an actor).
    publisher: Option<ID>,
    /// Sources it cites.
    #[graphql(default)]
    cites: Vec<CitationInput>,
}

/// Changes to a source: only the fields given change.
#[derive(InputObject, Default)]
pub struct SourcePatch {
    /// New kind.
    kind: Option<SourceKind>,
    /// New title.
    title: Option<String>,
    /// New URL (http or https; `""` removes it).
    url: Option<String>,
    /// New language (BCP 47; `""` removes it).
    language: Option<String>,
    /// New publication date.
    published: Option<FuzzyDateInput>,
    /// New publisher (an actor).
    publisher: Option<ID>,
    /// Replace the sources it cites.
    cites: Option<Vec<CitationInput>>,
}

fn citations(cites: Vec<CitationInput>) -> Vec<CitationDraft> {
    cites
        .into_iter()
        .map(|c| CitationDraft {
            source: c.source.0,
            excerpt: c.excerpt,
        })
        .collect()
}

#[derive(Default)]
pub struct SourceMutation;

#[Object]
impl SourceMutation {
    /// Creates or replaces a source (by `input.id`), with its publisher and citations.
    async fn upsert_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: SourceInput,
    ) -> AppResult<types::Source> {
        let draft = SourceDraft {
            id: input.id.map(|id| id.0),
            collection: input.collection.0,
            kind: input.kind,
            title: input.title,
            url: input.url,
            language: input.language,
            published: input.published.map(Into::into),
            publisher: input.publisher.map(|id| id.0),
            cites: citations(input.cites),
        };
        expect(
            app::source::upsert(db(ctx), draft, "input").await?,
            types::as_source,
        )
    }

    /// Changes some fields of a source; its publisher and citations change only when given.
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: SourcePatch,
    ) -> AppResult<types::Source> {
        let patch = Patch {
            kind: patch.kind,
            title: patch.title,
            url: patch.url,
            language: patch.language,
            published: patch.published.map(Into::into),
            publisher: patch.publisher.map(|id| id.0),
            cites: patch.cites.map(citations),
        };
        expect(
            app::source::update(db(ctx), &id, patch, "patch").await?,
            types::as_source,
        )
    }

    /// Deletes a source that no claim cites (`CONFLICT` otherwise: re-rate or delete those claims first).
    async fn delete_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        common::delete(ctx, NodeKind::Source, id).await
    }
}
