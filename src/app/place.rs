//! Places, in a hierarchy (`within`).

use crate::{
    domain::{LocationPrecision, NodeId, NodeKind, PlaceKind, Relation},
    error::AppResult,
    store::{
        records::{NodeRecord, PlaceRecord},
        write::{ChangeSet, Ident, PlaceWrite},
        Db,
    },
};

use super::{
    actor::link_set, commit, commit_patch, existing, first_error, given_or, given_text_or,
    parse_stored, Check, Origin,
};

/// A place as a caller gives it. Upserting replaces every field and relation given here.
#[derive(Debug, Clone)]
pub struct PlaceDraft {
    /// Stable id; generated when omitted.
    pub id: Option<String>,
    pub collection: String,
    pub kind: PlaceKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    /// The place it lies within.
    pub within: Option<String>,
    /// Latitude and longitude (WGS-84), where known.
    pub location: Option<(f64, f64)>,
    pub precision: LocationPrecision,
}

/// Changes to a place: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct PlacePatch {
    pub kind: Option<PlaceKind>,
    pub name: Option<String>,
    pub aliases: Option<Vec<String>>,
    /// `""` removes it.
    pub description: Option<String>,
    pub within: Option<String>,
    pub location: Option<(f64, f64)>,
    pub precision: Option<LocationPrecision>,
}

impl PlaceDraft {
    /// Every rule of a place, into `cs`. Returns the place's id.
    pub(crate) fn check(
        &self,
        v: &mut Check,
        _origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let id = v.new_id("id", self.id.as_deref());
        let collection = v.id("collection", &self.collection);
        let write = node(v, id.clone(), collection, self);
        let within = v.opt_id("within", self.within.as_deref());
        if let (Some(from), Some(within)) = (&id, within) {
            let targets = within.into_iter().collect();
            cs.links
                .push(link_set(v, Relation::PlaceWithin, from, targets, "within"));
        }
        cs.places.push(write?);
        id
    }
}

fn node(
    v: &mut Check,
    id: Option<NodeId>,
    collection: Option<NodeId>,
    d: &PlaceDraft,
) -> Option<PlaceWrite> {
    let name = v.line("name", &d.name);
    let aliases = v.lines("aliases", &d.aliases);
    let description = v.opt_paragraph("description", d.description.as_deref());
    let location = v.location("location", d.location);
    Some(PlaceWrite {
        ident: Ident {
            id: id?,
            collection: collection?,
            field: v.at(""),
        },
        kind: d.kind,
        name: name?,
        aliases: aliases?,
        description: description?,
        location: location?,
        precision: d.precision,
    })
}

/// Creates or replaces a place. Errors are named under `prefix` (`input`).
pub async fn upsert(db: &Db, draft: PlaceDraft, prefix: &str) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Changes some fields of a place; its parent changes only when given.
pub async fn update(db: &Db, id: &str, patch: PlacePatch, prefix: &str) -> AppResult<NodeRecord> {
    let (key, current) = existing(db, id, NodeKind::Place, |n| match n {
        NodeRecord::Place(r) => Some(r),
        _ => None,
    })
    .await?;
    let merged = merge(&current, &patch)?;
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let done = v.within(prefix, |v| {
        let collection = v.id("collection", &current.collection);
        let write = node(v, Some(key.clone()), collection, &merged);
        if let Some(within) = patch.within.as_deref().and_then(|w| v.id("within", w)) {
            cs.links.push(link_set(
                v,
                Relation::PlaceWithin,
                &key,
                vec![within],
                "within",
            ));
        }
        cs.places.push(write?);
        Some(())
    });
    v.finish(done).map_err(|e| first_error(e, ""))?;
    commit_patch(db, cs, NodeRecord::Place(current)).await
}

fn merge(current: &PlaceRecord, patch: &PlacePatch) -> AppResult<PlaceDraft> {
    Ok(PlaceDraft {
        id: Some(current.id.clone()),
        collection: current.collection.clone(),
        kind: match patch.kind {
            Some(k) => k,
            None => parse_stored(&current.kind)?,
        },
        name: given_or(patch.name.clone(), &current.name),
        aliases: given_or(patch.aliases.clone(), &current.aliases),
        description: given_text_or(patch.description.clone(), &current.description),
        within: None,
        location: patch
            .location
            .or_else(|| current.location.as_ref().map(|l| (l.latitude, l.longitude))),
        precision: match patch.precision {
            Some(p) => p,
            None => parse_stored(&current.precision)?,
        },
    })
}
