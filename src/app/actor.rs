//! Actors: police units, courts, ministries, groups of people, news outlets.

use crate::{
    domain::{ActorKind, NodeId, NodeKind, Relation},
    error::AppResult,
    store::{
        records::{ActorRecord, NodeRecord},
        write::{ActorWrite, ChangeSet, Ident, LinkSet},
        Db,
    },
};

use super::{
    commit, commit_patch, existing, first_error, given_or, given_text_or, parse_stored, Check,
    Origin,
};

/// An actor as a caller gives it. Upserting replaces every field and relation given here.
#[derive(Debug, Clone)]
pub struct ActorDraft {
    /// Stable id; generated when omitted.
    pub id: Option<String>,
    pub collection: String,
    pub kind: ActorKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub member_of: Vec<String>,
    pub answers_to: Vec<String>,
}

/// Changes to an actor: only the fields given change; relations are replaced only when given.
#[derive(Debug, Clone, Default)]
pub struct ActorPatch {
    pub kind: Option<ActorKind>,
    pub name: Option<String>,
    pub aliases: Option<Vec<String>>,
    /// `""` removes it.
    pub description: Option<String>,
    pub member_of: Option<Vec<String>>,
    pub answers_to: Option<Vec<String>>,
}

/// The relations an actor's draft lists, with their field names.
const RELATIONS: [(Relation, &str); 2] = [
    (Relation::ActorMemberOf, "memberOf"),
    (Relation::ActorAnswersTo, "answersTo"),
];

impl ActorDraft {
    /// Every rule of an actor, into `cs`. Returns the actor's id.
    pub(crate) fn check(
        &self,
        v: &mut Check,
        _origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let id = v.new_id("id", self.id.as_deref());
        let collection = v.id("collection", &self.collection);
        let write = node(v, id.clone(), collection, self);
        let links = [&self.member_of, &self.answers_to];
        for ((relation, field), targets) in RELATIONS.into_iter().zip(links) {
            if let (Some(from), Some(targets)) = (&id, v.ids(field, targets)) {
                cs.links.push(link_set(v, relation, from, targets, field));
            }
        }
        cs.actors.push(write?);
        id
    }
}

/// The node's own fields: shared by upserts and patches, so both follow the same rules.
fn node(
    v: &mut Check,
    id: Option<NodeId>,
    collection: Option<NodeId>,
    d: &ActorDraft,
) -> Option<ActorWrite> {
    let name = v.line("name", &d.name);
    let aliases = v.lines("aliases", &d.aliases);
    let description = v.opt_paragraph("description", d.description.as_deref());
    Some(ActorWrite {
        ident: Ident {
            id: id?,
            collection: collection?,
            field: v.at(""),
        },
        kind: d.kind,
        name: name?,
        aliases: aliases?,
        description: description?,
    })
}

pub(crate) fn link_set(
    v: &Check,
    relation: Relation,
    from: &NodeId,
    targets: Vec<NodeId>,
    field: &str,
) -> LinkSet {
    LinkSet {
        relation,
        from: from.clone(),
        targets: targets.into_iter().map(|t| (t, None)).collect(),
        field: v.at(field),
    }
}

/// Creates or replaces an actor. Errors are named under `prefix` (`input`).
pub async fn upsert(db: &Db, draft: ActorDraft, prefix: &str) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Changes some fields of an actor. Errors are named under `prefix` (`patch`).
pub async fn update(db: &Db, id: &str, patch: ActorPatch, prefix: &str) -> AppResult<NodeRecord> {
    let (key, current) = existing(db, id, NodeKind::Actor, |n| match n {
        NodeRecord::Actor(r) => Some(r),
        _ => None,
    })
    .await?;
    let merged = merge(&current, &patch)?;
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let done = v.within(prefix, |v| {
        let collection = v.id("collection", &current.collection);
        let write = node(v, Some(key.clone()), collection, &merged);
        let given = [&patch.member_of, &patch.answers_to];
        for ((relation, field), targets) in RELATIONS.into_iter().zip(given) {
            if let Some(targets) = targets.as_ref().and_then(|t| v.ids(field, t)) {
                cs.links.push(link_set(v, relation, &key, targets, field));
            }
        }
        cs.actors.push(write?);
        Some(())
    });
    v.finish(done).map_err(|e| first_error(e, ""))?;
    commit_patch(db, cs, NodeRecord::Actor(current)).await
}

/// The stored actor with the patch's fields over it, as a draft to check like any other.
fn merge(current: &ActorRecord, patch: &ActorPatch) -> AppResult<ActorDraft> {
    Ok(ActorDraft {
        id: Some(current.id.clone()),
        collection: current.collection.clone(),
        kind: match patch.kind {
            Some(k) => k,
            None => parse_stored(&current.kind)?,
        },
        name: given_or(patch.name.clone(), &current.name),
        aliases: given_or(patch.aliases.clone(), &current.aliases),
        description: given_text_or(patch.description.clone(), &current.description),
        member_of: vec![],
        answers_to: vec![],
    })
}
