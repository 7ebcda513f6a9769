//! Participations: an actor's part in an event, with a role — a node of its own so that claims can
//! support or dispute it.

use futures::future::BoxFuture;

use crate::{
    domain::{NodeId, NodeKind},
    error::{AppError, AppResult},
    store::{
        read::{self, Edge},
        records::{NodeRecord, ParticipationRecord},
        write::{ChangeSet, Ident, ParticipationWrite},
        Db,
    },
};

use super::{
    claim::{self, ClaimDraft},
    commit, commit_patch, existing, first_error, given_or, given_text_or, Check, Origin,
};

/// A participation as a caller gives it.
#[derive(Debug, Clone)]
pub struct ParticipationDraft {
    /// Stable id; generated when omitted.
    pub id: Option<String>,
    pub collection: String,
    pub event: String,
    pub actor: String,
    /// Key of a `PARTICIPANT_ROLE` term of the collection.
    pub role: String,
    pub description: Option<String>,
    pub claims: Vec<ClaimDraft>,
}

/// Changes to a participation: only the fields given change; it moves to another event or actor only
/// when given.
#[derive(Debug, Clone, Default)]
pub struct ParticipationPatch {
    pub event: Option<String>,
    pub actor: Option<String>,
    pub role: Option<String>,
    /// `""` removes it.
    pub description: Option<String>,
}

impl ParticipationDraft {
    /// Every rule of a participation, into `cs`. Returns its id.
    pub(crate) fn check(
        &self,
        v: &mut Check,
        origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let id = v.new_id("id", self.id.as_deref());
        let collection = v.id("collection", &self.collection);
        let write = node(v, id.clone(), collection.clone(), self);
        if let (Some(about), Some(collection)) = (&id, &collection) {
            claim::check_nested(v, origin, about, collection, &self.claims, cs);
        }
        cs.participations.push(write?);
        id
    }
}

fn node(
    v: &mut Check,
    id: Option<NodeId>,
    collection: Option<NodeId>,
    d: &ParticipationDraft,
) -> Option<ParticipationWrite> {
    let event = v.id("event", &d.event);
    let actor = v.id("actor", &d.actor);
    let role = v.term_key("role", &d.role);
    let description = v.opt_paragraph("description", d.description.as_deref());
    Some(ParticipationWrite {
        ident: Ident {
            id: id?,
            collection: collection?,
            field: v.at(""),
        },
        event: event?,
        actor: actor?,
        role: role?,
        description: description?,
    })
}

/// Creates or replaces a participation with its claims. Errors are named under `prefix`.
pub async fn upsert(db: &Db, draft: ParticipationDraft, prefix: &str) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Changes some fields of a participation.
pub async fn update(
    db: &Db,
    id: &str,
    patch: ParticipationPatch,
    prefix: &str,
) -> AppResult<NodeRecord> {
    let (key, current) = existing(db, id, NodeKind::Participation, |n| match n {
        NodeRecord::Participation(r) => Some(r),
        _ => None,
    })
    .await?;
    // The write sets a participation's event and actor along with it, so the ones kept are read.
    let (event, actor) = futures::try_join!(
        relation_target(
            db,
            patch.event.clone(),
            Edge::ParticipationEvent,
            &current.id
        ),
        relation_target(
            db,
            patch.actor.clone(),
            Edge::ParticipationActor,
            &current.id
        ),
    )?;
    let merged = merge(&current, &patch, event, actor);
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let done = v.within(prefix, |v| {
        let collection = v.id("collection", &current.collection);
        cs.participations
            .push(node(v, Some(key.clone()), collection, &merged)?);
        Some(())
    });
    v.finish(done).map_err(|e| first_error(e, ""))?;
    commit_patch(db, cs, NodeRecord::Participation(current)).await
}

fn merge(
    current: &ParticipationRecord,
    patch: &ParticipationPatch,
    event: String,
    actor: String,
) -> ParticipationDraft {
    ParticipationDraft {
        id: Some(current.id.clone()),
        collection: current.collection.clone(),
        event,
        actor,
        role: given_or(patch.role.clone(), &current.role),
        description: given_text_or(patch.description.clone(), &current.description),
        claims: vec![],
    }
}

/// The node a structural relation of `id` points to (a participation's event or actor, a count's
/// event), which a patch must send again: `given` when the patch replaces it, else the current one,
/// read only then. Boxed like [`super::existing`].
pub(crate) fn relation_target<'a>(
    db: &'a Db,
    given: Option<String>,
    edge: Edge,
    id: &'a str,
) -> BoxFuture<'a, AppResult<String>> {
    Box::pin(async move {
        if let Some(target) = given {
            return Ok(target);
        }
        read::neighbours(db, edge, &[id.to_string()])
            .await?
            .remove(id)
            .and_then(|linked| linked.into_iter().next())
            .map(|l| l.node.id().to_string())
            .ok_or_else(|| AppError::internal(format!("{id} has no {edge:?}")))
    })
}
