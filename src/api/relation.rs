//! One relation and what it rests on: `relation(relation:, from:, to:)`.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::{db, types::Claim};
use crate::{
    domain::{NodeId, Relation},
    error::AppResult,
    store::{evidence, evidence::RelationEvidenceRecord, write::relation_id},
};

/// The analyst's reasoning for a relation no source states.
#[derive(SimpleObject)]
pub struct Inference {
    /// Why the analyst drew the relation, and what the sources do not say.
    pub reasoning: String,
}

/// A relation between two nodes and what it rests on: claims citing sources, or the analyst's
/// inference — never shown as sourced when no source says it.
pub struct RelationFact(pub RelationEvidenceRecord);

/// A relation between two nodes and what it rests on: claims citing sources, or the analyst's
/// inference — never shown as sourced when no source says it.
#[Object]
impl RelationFact {
    /// The relation's stable id (what `Claim.aboutRelation` holds).
    async fn id(&self) -> ID {
        let r = &self.0;
        ID(r.id
            .clone()
            .unwrap_or_else(|| relation_id(r.relation, &r.from, &r.to)))
    }
    /// Which relation.
    async fn relation(&self) -> Relation {
        self.0.relation
    }
    /// The id of the node it starts from.
    async fn from(&self) -> ID {
        ID(self.0.from.clone())
    }
    /// The id of the node it points to.
    async fn to(&self) -> ID {
        ID(self.0.to.clone())
    }
    /// The claims about it, each with its source, excerpt and status.
    async fn claims(&self) -> Vec<Claim> {
        self.0.claims.iter().cloned().map(Claim).collect()
    }
    /// What it rests on, summed up as on graph edges: basis, statuses, source count, a note.
    async fn evidence(&self) -> crate::api::graph::edges::RelationEvidence {
        crate::api::graph::edges::RelationEvidence::new(
            self.0.claims.clone(),
            self.0.inference.clone(),
        )
    }
    /// Set when the analyst drew the relation without a source: their reasoning.
    async fn inference(&self) -> Option<Inference> {
        self.0
            .inference
            .clone()
            .map(|reasoning| Inference { reasoning })
    }
}

#[derive(Default)]
pub struct RelationQuery;

#[Object]
impl RelationQuery {
    /// One relation between two nodes, with its claims or its inference; null when it is not drawn.
    async fn relation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which relation.")] relation: Relation,
        #[graphql(desc = "The id of the node the relation starts from.")] from: ID,
        #[graphql(desc = "The id of the node the relation points to.")] to: ID,
    ) -> AppResult<Option<RelationFact>> {
        let from = NodeId::parse(&from).map_err(|e| e.under("from"))?;
        let to = NodeId::parse(&to).map_err(|e| e.under("to"))?;
        let found =
            evidence::relation_evidence(db(ctx), relation, from.as_str(), to.as_str()).await?;
        Ok(found.map(RelationFact))
    }
}
