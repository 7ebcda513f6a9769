//! A streamed record's references (`super::bulk`): what each record defines and names, resolved in
//! file order against the records before it in its batch and, with one index seek per distinct id for
//! the whole batch, against the database. A record's own references must resolve when it is reached;
//! a relation that cannot resolve yet is put off (it may name a record further on in the file).

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use super::{document::ClaimRecord, stream::Record};
use crate::{
    domain::{NodeKind, Relation, ValidationError, Vocabulary},
    error::AppResult,
    store::{
        records::term_id,
        write::{bulk, ChangeSet, LinkSet},
        Scope, Store,
    },
};

/// The outcome of [`resolve`].
pub(super) struct Resolved {
    pub(super) accepted: Vec<Checked>,
    /// Each rejected record's position and problems.
    pub(super) problems: Vec<(String, Vec<ValidationError>)>,
}

/// A record that passed its own checks, waiting for its references.
pub(super) struct Checked {
    /// Its place in the batch.
    pub(super) order: usize,
    pub(super) at: String,
    pub(super) changes: ChangeSet,
    /// The ids the record defines (its own, its claims'), with their kinds.
    pub(super) defines: Vec<(String, NodeKind)>,
    /// Its references: field, id, the kind it must be, and the relation it sets if it is one (which
    /// may name a record later in the file: see [`resolve`]).
    refers: Vec<Ref>,
    /// Relations put off until the end (their sets are moved here from `changes`).
    pub(super) deferred: Vec<(String, LinkSet)>,
    /// A `relations` entry, as JSON: its evidence is written once the whole file is (the relation it
    /// names may itself be put off), so it is kept with the batch's put-off relations.
    pub(super) evidence: Option<String>,
    pub(super) events: u64,
}

struct Ref {
    field: String,
    id: String,
    kind: NodeKind,
    relation: Option<Relation>,
}

fn reference(
    field: impl Into<String>,
    id: &str,
    kind: NodeKind,
    relation: Option<Relation>,
) -> Ref {
    Ref {
        field: field.into(),
        id: id.to_owned(),
        kind,
        relation,
    }
}

/// What a record defines and what it refers to.
pub(super) fn references(
    collection: &str,
    order: usize,
    at: String,
    record: &Record,
    changes: ChangeSet,
) -> Checked {
    let c = collection;
    let mut defines = Vec::new();
    let mut refers: Vec<Ref> = Vec::new();
    let list = |field: &str, ids: &[String], relation: Relation, refers: &mut Vec<Ref>| {
        for (i, id) in ids.iter().enumerate() {
            let kind = relation.rule().to;
            refers.push(reference(format!("{field}[{i}]"), id, kind, Some(relation)));
        }
    };
    let one = |field: &str, id: &Option<String>, relation: Relation, refers: &mut Vec<Ref>| {
        if let Some(id) = id {
            refers.push(reference(field, id, relation.rule().to, Some(relation)));
        }
    };
    let claims = |claims: &[ClaimRecord], defines: &mut Vec<_>, refers: &mut Vec<Ref>| {
        for (i, claim) in claims.iter().enumerate() {
            defines.push((claim.id.clone(), NodeKind::Claim));
            let field = format!("claims[{i}].source");
            refers.push(reference(field, &claim.source, NodeKind::Source, None));
        }
    };
    let mut events = 0;
    let mut evidence = None;
    match record {
        Record::Term(t) => {
            defines.push((term_id(c, t.vocabulary, &t.key), NodeKind::Term));
        }
        Record::Actor(a) => {
            defines.push((a.id.clone(), NodeKind::Actor));
            list(
                "memberOf",
                &a.member_of,
                Relation::ActorMemberOf,
                &mut refers,
            );
            list(
                "answersTo",
                &a.answers_to,
                Relation::ActorAnswersTo,
                &mut refers,
            );
        }
        Record::Place(p) => {
            defines.push((p.id.clone(), NodeKind::Place));
            one("within", &p.within, Relation::PlaceWithin, &mut refers);
        }
        Record::Source(s) => {
            defines.push((s.id.clone(), NodeKind::Source));
            one(
                "publisher",
                &s.publisher,
                Relation::SourcePublishedBy,
                &mut refers,
            );
            for (i, x) in s.cites.iter().enumerate() {
                let field = format!("cites[{i}].source");
                let r = reference(
                    field,
                    &x.source,
                    NodeKind::Source,
                    Some(Relation::SourceCites),
                );
                refers.push(r);
            }
        }
        Record::Event(e) => {
            events = 1;
            defines.push((e.id.clone(), NodeKind::Event));
            let ty = term_id(c, Vocabulary::EventType, &e.event_type);
            refers.push(reference("type", &ty, NodeKind::Term, None));
            one("place", &e.place, Relation::EventAt, &mut refers);
            list("partOf", &e.part_of, Relation::EventPartOf, &mut refers);
            list(
                "followedBy",
                &e.followed_by,
                Relation::EventFollowedBy,
                &mut refers,
            );
            list("ledTo", &e.led_to, Relation::EventLedTo, &mut refers);
            claims(&e.claims, &mut defines, &mut refers);
        }
        Record::Participation(p) => {
            defines.push((p.id.clone(), NodeKind::Participation));
            refers.push(reference("event", &p.event, NodeKind::Event, None));
            refers.push(reference("actor", &p.actor, NodeKind::Actor, None));
            let role = term_id(c, Vocabulary::ParticipantRole, &p.role);
            refers.push(reference("role", &role, NodeKind::Term, None));
            claims(&p.claims, &mut defines, &mut refers);
        }
        Record::Count(n) => {
            defines.push((n.id.clone(), NodeKind::Count));
            refers.push(reference("event", &n.event, NodeKind::Event, None));
            one("partOf", &n.part_of, Relation::CountPartOf, &mut refers);
            claims(&n.claims, &mut defines, &mut refers);
        }
        Record::Relation(r) => {
            // The ends must be records before this one (or stored); the relation between them is
            // drawn by the `from` record and checked when the evidence is written.
            let rule = r.relation.rule();
            refers.push(reference("from", &r.from, rule.from, None));
            refers.push(reference("to", &r.to, rule.to, None));
            claims(&r.claims, &mut defines, &mut refers);
            evidence = serde_json::to_string(r).ok();
        }
    }
    let mut changes = changes;
    // Written at the end, from `evidence`.
    changes.relation_evidence.clear();
    Checked {
        order,
        at,
        changes,
        defines,
        refers,
        deferred: Vec::new(),
        evidence,
        events,
    }
}

/// Resolves every record's references in file order: the records that may be written, and the
/// problems of the others (in file order).
///
/// `earlier` holds the ids (with their kinds) that the previous batch writes, when that batch's
/// transaction is still in flight (`super::bulk` prepares a batch while the one before it is
/// written): a reference to one of them resolves as it would once that batch has committed, as a
/// node of that kind in this collection. The import stops if that batch does not commit.
pub(super) async fn resolve(
    store: &Arc<Store>,
    collection: &str,
    checked: Vec<Checked>,
    failed: Vec<(usize, String, Vec<String>)>,
    earlier: &HashMap<String, NodeKind>,
) -> AppResult<Resolved> {
    // Where each id is defined in this batch (the first time), to tell "later" from "skipped".
    let mut in_batch: HashMap<String, (usize, String)> = HashMap::new();
    for r in &checked {
        for (id, _) in &r.defines {
            in_batch
                .entry(id.clone())
                .or_insert((r.order, r.at.clone()));
        }
    }
    for (order, at, defines) in failed {
        for id in defines {
            in_batch.entry(id).or_insert((order, at.clone()));
        }
    }
    // Only what the batch does not define itself is looked up, each id once. (A record's own id
    // clashing with a stored node of another kind or collection is the store's check, inside the
    // write: `store::write::guards::check_identities`.)
    let ids: HashSet<&str> = checked
        .iter()
        .flat_map(|r| r.refers.iter().map(|x| x.id.as_str()))
        .filter(|id| !in_batch.contains_key(*id) && !earlier.contains_key(*id))
        .collect();
    let db = store.session(Scope::all());
    let ids: Vec<&str> = ids.into_iter().collect();
    let stored: HashMap<String, bulk::StoredNode> = bulk::stored_nodes(&db, &ids)
        .await?
        .into_iter()
        .map(|n| (n.id.clone(), n))
        .collect();
    let mut defined: HashMap<String, (NodeKind, String)> = HashMap::new();
    let mut accepted = Vec::with_capacity(checked.len());
    let mut problems = Vec::new();
    for r in checked {
        let i = r.order;
        let mut errors = Vec::new();
        let mut error = |field: &str, message: String| {
            let field = if field.is_empty() {
                r.at.clone()
            } else {
                format!("{}.{field}", r.at)
            };
            errors.push(ValidationError::new(field, message));
        };
        for (id, _) in &r.defines {
            if let Some((_, first)) = defined.get(id) {
                error("", format!("duplicate id `{id}`: already used by {first}"));
            }
        }
        let mut put_off: Vec<Relation> = Vec::new();
        for Ref {
            field,
            id,
            kind,
            relation,
        } in &r.refers
        {
            let found = defined
                .get(id)
                .map(|(k, _)| k)
                .or_else(|| earlier.get(id))
                .map(|k| (vec![k.label().to_owned()], Some(collection)))
                .or_else(|| {
                    stored
                        .get(id)
                        .map(|s| (s.labels.clone(), s.collection.as_deref()))
                });
            let noun = kind.label().to_lowercase();
            match (found, in_batch.get(id)) {
                (Some((labels, theirs)), _) => {
                    if !labels.iter().any(|l| l == kind.label()) {
                        let is = labels.join("/").to_lowercase();
                        error(field, format!("`{id}` is a {is}, not a {noun}"));
                    } else if theirs != Some(collection) {
                        error(
                            field,
                            format!(
                                "`{id}` belongs to collection `{}`; references stay within one",
                                theirs.unwrap_or_default()
                            ),
                        );
                    }
                }
                (None, Some((j, _))) if *j == i => {
                    error(field, format!("`{id}` refers to the record itself"))
                }
                (None, Some((j, there))) if *j < i => error(
                    field,
                    format!("`{id}` ({there}) was not imported: it has a problem of its own"),
                ),
                // A relation may name a record further on: it is set once the file is written.
                (None, _) if relation.is_some() => put_off.extend(*relation),
                (None, Some((_, there))) => error(
                    field,
                    format!(
                        "`{id}` comes later in the file ({there}); a {noun} must come before the \
                         records that need it, or be in the database already"
                    ),
                ),
                (None, None) if *kind == NodeKind::Term => {
                    let key = id.rsplit(':').next().unwrap_or(id);
                    let vocabulary = if field == "type" {
                        Vocabulary::EventType
                    } else {
                        Vocabulary::ParticipantRole
                    };
                    error(
                        field,
                        format!(
                            "no {vocabulary} term `{key}` before this record or in the database"
                        ),
                    )
                }
                (None, None) => error(
                    field,
                    format!("no {noun} with id `{id}` before this record or in the database"),
                ),
            }
        }
        if errors.is_empty() {
            for (id, kind) in &r.defines {
                defined.insert(id.clone(), (*kind, r.at.clone()));
            }
            let mut r = r;
            let (later, now) = std::mem::take(&mut r.changes.links)
                .into_iter()
                .partition(|l: &LinkSet| put_off.contains(&l.relation));
            r.changes.links = now;
            r.deferred = later.into_iter().map(|l| (r.at.clone(), l)).collect();
            accepted.push(r);
        } else {
            problems.push((r.at, errors));
        }
    }
    Ok(Resolved { accepted, problems })
}
