//! Events: raids, detentions, recruitment offers, charges … with a fuzzy date, a place, their
//! structure (part of, followed by, led to) and the claims that source them.

use crate::{
    domain::{NodeId, NodeKind, Relation},
    error::AppResult,
    store::{
        records::{EventRecord, NodeRecord},
        write::{ChangeSet, EventWrite, Ident},
        Db,
    },
};

use super::{
    actor::link_set,
    check::DateDraft,
    claim::{self, ClaimDraft},
    commit, commit_patch, existing, first_error, given_or, given_text_or, Check, Origin,
};

/// An event as a caller gives it. Upserting replaces every field and relation given here; claims are
/// added or updated (other claims are kept).
#[derive(Debug, Clone)]
pub struct EventDraft {
    /// Stable id; generated when omitted.
    pub id: Option<String>,
    pub collection: String,
    /// Key of an `EVENT_TYPE` term of the collection.
    pub event_type: String,
    pub title: String,
    pub description: Option<String>,
    pub date: DateDraft,
    pub place: Option<String>,
    pub part_of: Vec<String>,
    pub followed_by: Vec<String>,
    pub led_to: Vec<String>,
    pub claims: Vec<ClaimDraft>,
}

/// Changes to an event: only the fields given change; relations are replaced only when given.
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    pub event_type: Option<String>,
    pub title: Option<String>,
    /// `""` removes it.
    pub description: Option<String>,
    pub date: Option<DateDraft>,
    pub place: Option<String>,
    pub part_of: Option<Vec<String>>,
    pub followed_by: Option<Vec<String>>,
    pub led_to: Option<Vec<String>>,
}

/// The to-many relations an event lists, with their field names.
const RELATIONS: [(Relation, &str); 3] = [
    (Relation::EventPartOf, "partOf"),
    (Relation::EventFollowedBy, "followedBy"),
    (Relation::EventLedTo, "ledTo"),
];

impl EventDraft {
    /// Every rule of an event, into `cs`. Returns the event's id.
    pub(crate) fn check(
        &self,
        v: &mut Check,
        origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let id = v.new_id("id", self.id.as_deref());
        let collection = v.id("collection", &self.collection);
        let write = node(v, id.clone(), collection.clone(), self);
        let place = v.opt_id("place", self.place.as_deref());
        if let (Some(from), Some(place)) = (&id, place) {
            let targets = place.into_iter().collect();
            cs.links
                .push(link_set(v, Relation::EventAt, from, targets, "place"));
        }
        let lists = [&self.part_of, &self.followed_by, &self.led_to];
        for ((relation, field), targets) in RELATIONS.into_iter().zip(lists) {
            if let (Some(from), Some(targets)) = (&id, v.ids(field, targets)) {
                cs.links.push(link_set(v, relation, from, targets, field));
            }
        }
        if let (Some(about), Some(collection)) = (&id, &collection) {
            claim::check_nested(v, origin, about, collection, &self.claims, cs);
        }
        cs.events.push(write?);
        id
    }
}

fn node(
    v: &mut Check,
    id: Option<NodeId>,
    collection: Option<NodeId>,
    d: &EventDraft,
) -> Option<EventWrite> {
    let event_type = v.term_key("type", &d.event_type);
    let title = v.line("title", &d.title);
    let description = v.opt_paragraph("description", d.description.as_deref());
    let date = v.date("date", &d.date);
    Some(EventWrite {
        ident: Ident {
            id: id?,
            collection: collection?,
            field: v.at(""),
        },
        event_type: event_type?,
        title: title?,
        description: description?,
        date: date?,
    })
}

/// Creates or replaces an event with its place, relations and claims. Errors are named under `prefix`.
pub async fn upsert(db: &Db, draft: EventDraft, prefix: &str) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Changes some fields of an event.
pub async fn update(db: &Db, id: &str, patch: EventPatch, prefix: &str) -> AppResult<NodeRecord> {
    let (key, current) = existing(db, id, NodeKind::Event, |n| match n {
        NodeRecord::Event(r) => Some(r),
        _ => None,
    })
    .await?;
    let merged = merge(&current, &patch);
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let done = v.within(prefix, |v| {
        let collection = v.id("collection", &current.collection);
        let write = node(v, Some(key.clone()), collection, &merged);
        if let Some(place) = patch.place.as_deref().and_then(|p| v.id("place", p)) {
            cs.links
                .push(link_set(v, Relation::EventAt, &key, vec![place], "place"));
        }
        let given = [&patch.part_of, &patch.followed_by, &patch.led_to];
        for ((relation, field), targets) in RELATIONS.into_iter().zip(given) {
            if let Some(targets) = targets.as_ref().and_then(|t| v.ids(field, t)) {
                cs.links.push(link_set(v, relation, &key, targets, field));
            }
        }
        cs.events.push(write?);
        Some(())
    });
    v.finish(done).map_err(|e| first_error(e, ""))?;
    commit_patch(db, cs, NodeRecord::Event(current)).await
}

fn merge(current: &EventRecord, patch: &EventPatch) -> EventDraft {
    EventDraft {
        id: Some(current.id.clone()),
        collection: current.collection.clone(),
        event_type: given_or(patch.event_type.clone(), &current.event_type),
        title: given_or(patch.title.clone(), &current.title),
        description: given_text_or(patch.description.clone(), &current.description),
        date: patch.date.clone().unwrap_or_else(|| DateDraft {
            edtf: current.date_edtf.clone(),
            inferred: current.date_inferred,
            basis: current.date_basis.clone(),
        }),
        place: None,
        part_of: vec![],
        followed_by: vec![],
        led_to: vec![],
        claims: vec![],
    }
}
