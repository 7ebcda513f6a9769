//! Claims: a source's support for a fact, nested in the fact's own write or added on their own.

use crate::{
    domain::{ClaimStatus, NodeId},
    error::AppResult,
    store::{
        records::NodeRecord,
        write::{self, ChangeSet, ClaimWrite, Ident},
        Db,
    },
};

use super::{commit, first_error, in_transaction, reread, Check, Origin};

/// A claim as a caller gives it, inside the fact it supports.
#[derive(Debug, Clone)]
pub struct ClaimDraft {
    /// Stable id; generated when omitted.
    pub id: Option<String>,
    pub source: String,
    pub excerpt: Option<String>,
    pub status: ClaimStatus,
    pub note: Option<String>,
}

/// A claim added on its own, about a fact that exists.
#[derive(Debug, Clone)]
pub struct StandaloneClaimDraft {
    pub collection: String,
    pub about: String,
    pub claim: ClaimDraft,
}

impl ClaimDraft {
    /// Checks one claim about `about`, named relative to the current path.
    fn check(
        &self,
        v: &mut Check,
        origin: Origin,
        about: &NodeId,
        collection: &NodeId,
    ) -> Option<ClaimWrite> {
        let id = v.new_id("id", self.id.as_deref());
        let source = v.id("source", &self.source);
        let excerpt = excerpt(v, origin, self.excerpt.as_deref(), "the claim rests on");
        let note = v.opt_paragraph("note", self.note.as_deref());
        Some(ClaimWrite {
            ident: Ident {
                id: id?,
                collection: collection.clone(),
                field: v.at(""),
            },
            about: about.clone(),
            source: source?,
            excerpt: excerpt?,
            status: self.status,
            note: note?,
        })
    }
}

/// A claim's or a citation's excerpt: optional (blank means none) through the API; required and not
/// blank in a data file (see [`Origin::claims_need_excerpts`]).
pub(crate) fn excerpt(
    v: &mut Check,
    origin: Origin,
    excerpt: Option<&str>,
    what: &str,
) -> Option<Option<crate::domain::NonEmptyText>> {
    match (origin.claims_need_excerpts(), excerpt) {
        (true, None) => {
            v.error(
                "excerpt",
                format!("quote the passage {what}: every claim and citation in a data file needs an excerpt"),
            );
            None
        }
        (true, Some(e)) => v.paragraph("excerpt", e).map(Some),
        (false, e) => v.opt_paragraph("excerpt", e),
    }
}

/// Checks the claims of one fact (`claims[0]` …) into `cs`. A fact from a data file needs at least one
/// (see [`Origin::facts_need_claims`]).
pub(crate) fn check_nested(
    v: &mut Check,
    origin: Origin,
    about: &NodeId,
    collection: &NodeId,
    claims: &[ClaimDraft],
    cs: &mut ChangeSet,
) {
    if origin.facts_need_claims() && claims.is_empty() {
        v.error(
            "claims",
            "cite at least one source: every fact in a data file needs a claim",
        );
    }
    for (i, c) in claims.iter().enumerate() {
        if let Some(w) = v.within(&format!("claims[{i}]"), |v| {
            c.check(v, origin, about, collection)
        }) {
            cs.claims.push(w);
        }
    }
}

/// Adds a claim (or updates one, by id). Errors are named under `prefix`.
pub async fn add_claim(
    db: &Db,
    draft: StandaloneClaimDraft,
    prefix: &str,
) -> AppResult<NodeRecord> {
    let mut v = Check::new();
    let mut cs = ChangeSet::default();
    let id = v.within(prefix, |v| {
        let collection = v.id("collection", &draft.collection);
        let about = v.id("about", &draft.about);
        let claim = draft
            .claim
            .check(v, Origin::Api, about.as_ref()?, collection.as_ref()?);
        let claim = claim?;
        let id = claim.ident.id.clone();
        cs.claims.push(claim);
        Some(id)
    });
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Re-rates a claim: wrong claims are marked `DISPUTED` or `RETRACTED`, not deleted.
pub async fn rate_claim(
    db: &Db,
    id: &str,
    status: ClaimStatus,
    note: Option<String>,
) -> AppResult<NodeRecord> {
    let mut v = Check::new();
    let key = v.id("id", id);
    let note = v.opt_paragraph("note", note.as_deref());
    let (key, note) = v.finish(key.zip(note)).map_err(|e| first_error(e, ""))?;
    in_transaction(db, |tx| {
        let (k, note) = (key.clone(), note.clone());
        Box::pin(async move { write::rate_claim(tx, &k, status, note).await })
    })
    .await?;
    reread(db, key.as_str()).await
}
