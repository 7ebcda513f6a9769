//! Evidence on relations: a relation that states something about the world (an event led to another,
//! a place lies within another, a unit answers to a body) rests on claims exactly as a fact does —
//! a source, a verbatim excerpt, a status — or, where the analyst drew it without a source, on their
//! stated reasoning, so that it is never shown as if a source said it.
//!
//! Both entry points come here: `link` / `addClaim` in GraphQL and the `relations` list of a
//! `casegraph/v1` file (through [`super::batch`]).

use crate::{
    domain::{NodeId, Relation},
    error::AppResult,
    store::{
        records::NodeRecord,
        write::{self, ChangeSet, RelationClaimWrite, RelationEvidenceWrite},
        Db,
    },
};

use super::{claim::ClaimDraft, first_error, in_transaction, reread, Check, Origin};

/// The analyst's reasoning for a relation no source states.
#[derive(Debug, Clone)]
pub struct InferenceDraft {
    pub reasoning: String,
}

/// What one relation rests on, as a caller gives it.
#[derive(Debug, Clone)]
pub struct RelationEvidenceDraft {
    pub relation: Relation,
    pub from: String,
    pub to: String,
    /// The collection the claims go into (a file's, or the one an `addClaim` names); none for `link`,
    /// whose claims go into the relation's collection.
    pub collection: Option<String>,
    pub claims: Vec<ClaimDraft>,
    pub inference: Option<InferenceDraft>,
}

impl RelationEvidenceDraft {
    /// Checks the evidence into `cs`. `replace`: the draft says everything about the relation (a file),
    /// so a missing inference clears a stored one.
    pub fn check(
        &self,
        v: &mut Check,
        origin: Origin,
        replace: bool,
        cs: &mut ChangeSet,
    ) -> Option<()> {
        if !self.relation.takes_evidence() {
            v.error(
                "relation",
                "takes no evidence of its own: a citation carries its citing passage, and a breakdown rests on the figures' claims",
            );
        }
        let from = v.id("from", &self.from);
        let to = v.id("to", &self.to);
        let collection = match &self.collection {
            Some(c) => v.id("collection", c).map(Some),
            None => Some(None),
        };
        if origin.facts_need_claims() && self.claims.is_empty() && self.inference.is_none() {
            v.error(
                "claims",
                "cite at least one source, or mark the relation as inference with its reasoning: every relation a file gives evidence for needs one or the other",
            );
        }
        let inference = match &self.inference {
            Some(i) => v.paragraph("inference.reasoning", &i.reasoning).map(Some),
            None => Some(None),
        };
        let mut claims = Vec::new();
        for (i, c) in self.claims.iter().enumerate() {
            if let Some(w) = v.within(&format!("claims[{i}]"), |v| check_claim(v, origin, c)) {
                claims.push(w);
            }
        }
        let field = v.at("");
        if claims.len() != self.claims.len() || !self.relation.takes_evidence() {
            return None;
        }
        cs.relation_evidence.push(RelationEvidenceWrite {
            relation: self.relation,
            from: from?,
            to: to?,
            collection: collection?,
            claims,
            inference: inference?,
            replace,
            field,
        });
        Some(())
    }
}

/// One claim about a relation: the rules of a fact's claim ([`super::claim`]), without the `about`.
fn check_claim(v: &mut Check, origin: Origin, c: &ClaimDraft) -> Option<RelationClaimWrite> {
    let id = v.new_id("id", c.id.as_deref());
    let source = v.id("source", &c.source);
    let excerpt = super::claim::excerpt(v, origin, c.excerpt.as_deref(), "the claim rests on");
    let note = v.opt_paragraph("note", c.note.as_deref());
    Some(RelationClaimWrite {
        id: id?,
        source: source?,
        excerpt: excerpt?,
        status: c.status,
        note: note?,
        field: v.at(""),
    })
}

/// Draws one relation with its evidence (`link` with `claims` or `inference`): the link as
/// [`super::graph::link`] draws it, then the evidence, in one transaction. Returns whether anything
/// changed.
pub async fn link_with_evidence(
    db: &Db,
    draft: RelationEvidenceDraft,
    excerpt: Option<String>,
) -> AppResult<bool> {
    let mut v = Check::new();
    let mut cs = ChangeSet::default();
    let excerpt = v.opt_paragraph("excerpt", excerpt.as_deref());
    let given = !draft.claims.is_empty() || draft.inference.is_some();
    let checked = if given {
        draft.check(&mut v, Origin::Api, false, &mut cs)
    } else {
        Some(())
    };
    let from = v.id("from", &draft.from);
    let to = v.id("to", &draft.to);
    let (((from, to), excerpt), ()) = v
        .finish(from.zip(to).zip(excerpt).zip(checked))
        .map_err(|e| first_error(e, ""))?;
    let relation = draft.relation;
    in_transaction(db, |tx| {
        let (from, to, excerpt) = (from.clone(), to.clone(), excerpt.clone());
        let evidence = cs.relation_evidence.clone();
        Box::pin(async move {
            let linked = write::link_one(tx, relation, &from, &to, excerpt, false).await?;
            write::apply_relation_evidence(tx, &evidence).await?;
            Ok(linked || given)
        })
    })
    .await
}

/// Adds (or updates, by id) one claim about a stored relation, and returns the claim.
pub async fn add_relation_claim(
    db: &Db,
    draft: RelationEvidenceDraft,
    prefix: &str,
) -> AppResult<NodeRecord> {
    let mut v = Check::new();
    let mut cs = ChangeSet::default();
    let checked = v.within(prefix, |v| draft.check(v, Origin::Api, false, &mut cs));
    v.finish(checked).map_err(|e| first_error(e, ""))?;
    let id: NodeId = cs
        .relation_evidence
        .first()
        .and_then(|e| e.claims.first())
        .map(|c| c.id.clone())
        .ok_or_else(|| crate::error::AppError::internal("a relation claim without its claim"))?;
    in_transaction(db, |tx| {
        let evidence = cs.relation_evidence.clone();
        Box::pin(async move { write::apply_relation_evidence(tx, &evidence).await })
    })
    .await?;
    reread(db, id.as_str()).await
}
