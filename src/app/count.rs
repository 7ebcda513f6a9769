//! Counts: a figure about an event as one source gives it — exact, a floor, a ceiling, a range or only
//! a comparison — with its breakdown (`partOf`) and claims.

use crate::{
    domain::{CountQualifier, Figure, FigureParts, NodeId, NodeKind, Relation, ValidationError},
    error::AppResult,
    store::{
        read::Edge,
        records::{CountRecord, NodeRecord},
        write::{ChangeSet, CountWrite, Ident},
        Db,
    },
};

use super::{
    actor::link_set,
    claim::{self, ClaimDraft},
    commit, commit_patch, existing, first_error, given_or, given_text_or, parse_stored,
    participation::relation_target,
    Check, Origin,
};

/// The unit a figure counts in when the caller does not say: most figures in the reports this graph
/// holds count people.
pub const DEFAULT_UNIT: &str = "person";

/// A figure as a caller gives it. Numbers are taken as 64-bit so that one beyond GraphQL's 32-bit
/// `Int` reaches the domain's check and is refused on its own field (see [`Figure::MAX`]).
#[derive(Debug, Clone)]
pub struct CountDraft {
    /// Stable id; generated when omitted.
    pub id: Option<String>,
    pub collection: String,
    pub event: String,
    pub subject: String,
    pub value: Option<i64>,
    pub qualifier: CountQualifier,
    pub lower: Option<i64>,
    pub upper: Option<i64>,
    /// Defaults to [`DEFAULT_UNIT`].
    pub unit: Option<String>,
    pub subgroup: Option<String>,
    pub wording: Option<String>,
    /// The larger figure this one breaks down.
    pub part_of: Option<String>,
    pub claims: Vec<ClaimDraft>,
}

/// A number of a figure patch: left out, removed (null), or a new value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NumberPatch {
    #[default]
    Keep,
    Remove,
    Set(i64),
}

/// Changes to a figure: only the fields given change, and the figure they make must hold together.
#[derive(Debug, Clone, Default)]
pub struct CountPatch {
    pub subject: Option<String>,
    pub value: NumberPatch,
    pub qualifier: Option<CountQualifier>,
    pub lower: NumberPatch,
    pub upper: NumberPatch,
    pub unit: Option<String>,
    /// `""` removes it.
    pub subgroup: Option<String>,
    /// `""` removes it.
    pub wording: Option<String>,
    pub part_of: Option<String>,
}

impl CountDraft {
    /// Every rule of a figure, into `cs`. Returns its id.
    pub(crate) fn check(
        &self,
        v: &mut Check,
        origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let id = v.new_id("id", self.id.as_deref());
        let collection = v.id("collection", &self.collection);
        let figure = v.ok("", Figure::new(self.parts()));
        let write = node(v, id.clone(), collection.clone(), self, figure);
        let part_of = v.opt_id("partOf", self.part_of.as_deref());
        if let (Some(from), Some(part_of)) = (&id, part_of) {
            let targets = part_of.into_iter().collect();
            cs.links
                .push(link_set(v, Relation::CountPartOf, from, targets, "partOf"));
        }
        if let (Some(about), Some(collection)) = (&id, &collection) {
            claim::check_nested(v, origin, about, collection, &self.claims, cs);
        }
        cs.counts.push(write?);
        id
    }

    fn parts(&self) -> FigureParts {
        FigureParts {
            value: self.value,
            qualifier: self.qualifier,
            lower: self.lower,
            upper: self.upper,
            unit: self.unit.clone().unwrap_or_else(|| DEFAULT_UNIT.into()),
            wording: self.wording.clone(),
        }
    }
}

fn node(
    v: &mut Check,
    id: Option<NodeId>,
    collection: Option<NodeId>,
    d: &CountDraft,
    figure: Option<Figure>,
) -> Option<CountWrite> {
    let event = v.id("event", &d.event);
    let subject = v.line("subject", &d.subject);
    let subgroup = v.opt_line("subgroup", d.subgroup.as_deref());
    Some(CountWrite {
        ident: Ident {
            id: id?,
            collection: collection?,
            field: v.at(""),
        },
        event: event?,
        subject: subject?,
        figure: figure?,
        subgroup: subgroup?,
    })
}

/// Creates or replaces a figure with its claims. Errors are named under `prefix`.
pub async fn upsert(db: &Db, draft: CountDraft, prefix: &str) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Changes some fields of a figure; its parent changes only when given. The figure is checked as a
/// whole, so a bound moved past the stored value is refused on that bound.
pub async fn update(db: &Db, id: &str, patch: CountPatch, prefix: &str) -> AppResult<NodeRecord> {
    let (key, current) = existing(db, id, NodeKind::Count, |n| match n {
        NodeRecord::Count(r) => Some(r),
        _ => None,
    })
    .await?;
    // The write sets a figure's event along with it, so the current one is read.
    let event = relation_target(db, None, Edge::CountEvent, &current.id).await?;
    let stored = stored_parts(&current)?;
    let merged = merge(&current, &patch, &stored, event);
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let done = v.within(prefix, |v| {
        let collection = v.id("collection", &current.collection);
        let figure = v.ok("", patched_figure(&stored, merged.parts(), &given(&patch)));
        let write = node(v, Some(key.clone()), collection, &merged, figure);
        if let Some(p) = patch.part_of.as_deref().and_then(|p| v.id("partOf", p)) {
            cs.links
                .push(link_set(v, Relation::CountPartOf, &key, vec![p], "partOf"));
        }
        cs.counts.push(write?);
        Some(())
    });
    v.finish(done).map_err(|e| first_error(e, ""))?;
    commit_patch(db, cs, NodeRecord::Count(current)).await
}

fn stored_parts(current: &CountRecord) -> AppResult<FigureParts> {
    Ok(FigureParts {
        value: current.value,
        qualifier: parse_stored(&current.qualifier)?,
        lower: current.lower,
        upper: current.upper,
        unit: current.unit.clone(),
        wording: current.wording.clone(),
    })
}

fn number(given: NumberPatch, stored: Option<i64>) -> Option<i64> {
    match given {
        NumberPatch::Keep => stored,
        NumberPatch::Remove => None,
        NumberPatch::Set(v) => Some(v),
    }
}

fn merge(
    current: &CountRecord,
    patch: &CountPatch,
    stored: &FigureParts,
    event: String,
) -> CountDraft {
    CountDraft {
        id: Some(current.id.clone()),
        collection: current.collection.clone(),
        event,
        subject: given_or(patch.subject.clone(), &current.subject),
        value: number(patch.value, stored.value),
        qualifier: patch.qualifier.unwrap_or(stored.qualifier),
        lower: number(patch.lower, stored.lower),
        upper: number(patch.upper, stored.upper),
        unit: Some(given_or(patch.unit.clone(), &stored.unit)),
        subgroup: given_text_or(patch.subgroup.clone(), &current.subgroup),
        wording: given_text_or(patch.wording.clone(), &stored.wording),
        part_of: None,
        claims: vec![],
    }
}

/// The figure fields a patch gives.
fn given(patch: &CountPatch) -> Vec<&'static str> {
    [
        ("value", patch.value != NumberPatch::Keep),
        ("qualifier", patch.qualifier.is_some()),
        ("lower", patch.lower != NumberPatch::Keep),
        ("upper", patch.upper != NumberPatch::Keep),
        ("unit", patch.unit.is_some()),
        ("wording", patch.wording.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, is_given)| is_given.then_some(field))
    .collect()
}

/// Validates a patched figure as a whole: a patch may make the stored numbers contradict each other.
/// The figure names the number it finds wrong; when the patch left that one alone (it raised `lower`
/// above the stored `value`), the fault is the changed field without which the figure would stand.
fn patched_figure(
    stored: &FigureParts,
    parts: FigureParts,
    given: &[&str],
) -> Result<Figure, ValidationError> {
    let err = match Figure::new(parts.clone()) {
        Ok(figure) => return Ok(figure),
        Err(err) => err,
    };
    if given.contains(&err.field.as_str()) {
        return Err(err);
    }
    let at_fault = given.iter().find(|field| {
        let mut trial = parts.clone();
        match **field {
            "value" => trial.value = stored.value,
            "qualifier" => trial.qualifier = stored.qualifier,
            "lower" => trial.lower = stored.lower,
            "upper" => trial.upper = stored.upper,
            "unit" => trial.unit = stored.unit.clone(),
            "wording" => trial.wording = stored.wording.clone(),
            _ => return false,
        }
        Figure::new(trial).err().as_ref() != Some(&err)
    });
    Err(match at_fault {
        Some(field) => ValidationError::new(*field, err.message),
        None => err,
    })
}
