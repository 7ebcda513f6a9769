//! Collections and taxonomy terms.

use crate::{
    domain::{NodeId, Vocabulary},
    error::AppResult,
    store::{
        records::{term_id, NodeRecord},
        write::{ChangeSet, CollectionWrite, TermWrite},
        Db,
    },
};

use super::{commit, first_error, Check, Origin};

/// A collection (an investigation or a dataset) as a caller gives it.
#[derive(Debug, Clone)]
pub struct CollectionDraft {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

/// A taxonomy term as a caller gives it. Its id is derived from collection, vocabulary and key.
#[derive(Debug, Clone)]
pub struct TermDraft {
    pub collection: String,
    pub vocabulary: Vocabulary,
    pub key: String,
    pub label: String,
    pub description: Option<String>,
}

impl CollectionDraft {
    /// Checks the collection into `cs`; `field` is where the caller's input sits (for conflicts the
    /// store reports later).
    pub(crate) fn check(
        &self,
        v: &mut Check,
        _origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let id = v.id("id", &self.id);
        let name = v.line("name", &self.name);
        let description = v.opt_paragraph("description", self.description.as_deref());
        let id = id?;
        cs.collections.push(CollectionWrite {
            id: id.clone(),
            name: name?,
            description: description?,
            field: v.at(""),
        });
        Some(id)
    }
}

impl TermDraft {
    /// Checks the term into `cs`, in `collection` when the caller's record does not name its own
    /// (a data file's terms belong to the file's collection). Returns the term's derived id.
    pub(crate) fn check(
        &self,
        v: &mut Check,
        _origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let collection = v.id("collection", &self.collection);
        let key = v.term_key("key", &self.key);
        let label = v.line("label", &self.label);
        let description = v.opt_paragraph("description", self.description.as_deref());
        let (collection, key) = (collection?, key?);
        // The id is derived; a long collection id and key may make it too long for an id.
        let derived = term_id(collection.as_str(), self.vocabulary, key.as_str());
        let id = v.ok("key", NodeId::parse(&derived))?;
        cs.terms.push(TermWrite {
            collection,
            vocabulary: self.vocabulary,
            key,
            label: label?,
            description: description?,
            field: v.at(""),
        });
        Some(id)
    }
}

/// Creates or updates a collection. Errors are named under `prefix` (`input`).
pub async fn upsert_collection(
    db: &Db,
    draft: CollectionDraft,
    prefix: &str,
) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Creates or updates a taxonomy term. Errors are named under `prefix` (`input`).
pub async fn upsert_term(db: &Db, draft: TermDraft, prefix: &str) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}
