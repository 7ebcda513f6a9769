//! Reads planned from the query: once a list (or `node`) has its results, the selection below them
//! decides which relationships to follow, and all of it — every level — is read for all results in
//! one statement (`store::read::tree`) into the request's cache (`loaders.rs`). The nested resolvers
//! then answer from that cache, so a request costs a fixed number of statements (the list, then one
//! per kind of node among its results), never one per result or per level, and no load waits for
//! others to arrive.
//!
//! A field this plan does not know still works: its resolver loads what it needs itself (one
//! statement per parent), which is why every relationship the API offers is listed in [`step`].

use std::collections::HashMap;

use async_graphql::{Context, SelectionField};

use super::{nested, types::loader};
use crate::{
    error::AppError,
    store::{
        read::{
            tree::{self, Branch, Window},
            Edge,
        },
        records::{props_for, NodeRecord},
    },
};

/// What the selection of a relationship field applies to.
#[derive(Clone, Copy)]
enum Next {
    /// The neighbours themselves (`place { name }`).
    Same,
    /// Nothing further: the field only summarises the neighbours (`provenance`).
    Leaf,
    /// A page of the neighbours, as a connection (`events(first: 5) { edges { node { … } } }`).
    Page,
    /// A page of objects that each wrap a neighbour under this field, with the relationship's own
    /// properties beside it (`cites(first: 5) { nodes { excerpt source { … } } }`).
    PageOf(&'static str),
}

/// How field `field` of a node with this label is resolved, if it follows a relationship.
fn step(label: &str, field: &str) -> Option<(Edge, Next)> {
    use Edge::*;
    use Next::*;
    let fact = matches!(label, "Event" | "Participation" | "Count");
    Some(match (label, field) {
        (_, "claims") if fact => (ClaimsAbout, Page),
        (_, "provenance") if fact => (ClaimsAbout, Leaf),
        ("Event", "typeTerm") => (EventTypeTerm, Same),
        ("Event", "place") => (EventPlace, Same),
        ("Event", "participants") => (EventParticipations, Page),
        ("Event", "counts") => (EventCounts, Page),
        ("Event", "partOf") => (EventPartOf, Page),
        ("Event", "parts") => (EventParts, Page),
        ("Event", "followedBy") => (EventFollowedBy, Page),
        ("Event", "precededBy") => (EventPrecededBy, Page),
        ("Event", "ledTo") => (EventLedTo, Page),
        ("Event", "causedBy") => (EventCausedBy, Page),
        ("Actor", "participations") => (ActorParticipations, Page),
        ("Actor", "events") => (ActorEvents, Page),
        ("Actor", "memberOf") => (ActorMemberOf, Page),
        ("Actor", "members") => (ActorMembers, Page),
        ("Actor", "answersTo") => (ActorAnswersTo, Page),
        ("Actor", "subordinates") => (ActorSubordinates, Page),
        ("Actor", "publications") => (ActorPublications, Page),
        ("Place", "parent") => (PlaceParent, Same),
        ("Place", "ancestors") => (PlaceAncestors, Same),
        ("Place", "children") => (PlaceChildren, Page),
        ("Place", "events") => (PlaceEvents, Page),
        ("Source", "publisher") => (SourcePublisher, Same),
        ("Source", "cites") => (SourceCites, PageOf("source")),
        ("Source", "citedBy") => (SourceCitedBy, PageOf("source")),
        ("Source", "claims") => (SourceClaims, Page),
        ("Participation", "roleTerm") => (ParticipationRoleTerm, Same),
        ("Participation", "actor") => (ParticipationActor, Same),
        ("Participation", "event") => (ParticipationEvent, Same),
        ("Count", "event") => (CountEvent, Same),
        ("Count", "partOf") => (CountParent, Same),
        ("Count", "breakdown") => (CountBreakdown, Page),
        ("Claim", "source") => (ClaimSource, Same),
        ("Claim", "subject") => (ClaimSubject, Same),
        _ => return None,
    })
}

/// The relationships `selections` follow from a node with this label, each once, with what they
/// follow further below (fields of one relationship asked for twice, with aliases or by `claims`
/// and `provenance`, share its branch).
fn plan<'a>(
    ctx: &Context<'_>,
    label: &str,
    selections: &[SelectionField<'a>],
    fields: &mut HashMap<&'static str, Vec<&'a str>>,
) -> Vec<Branch> {
    let mut wanted: Vec<(Edge, Option<Window>, Vec<SelectionField<'_>>)> = Vec::new();
    for selection in selections {
        for field in selection.selection_set() {
            let Some((edge, next)) = step(label, field.name()) else {
                continue;
            };
            // A paged field is read as the page its arguments ask for; one with arguments that do not
            // hold is left to its resolver, which reports them.
            let window = match next {
                Next::Page | Next::PageOf(_) => match nested::planned_window(ctx, edge, &field) {
                    Some(w) => Some(w),
                    None => continue,
                },
                _ => None,
            };
            let at = match wanted
                .iter()
                .position(|(e, w, _)| *e == edge && *w == window)
            {
                Some(at) => at,
                None => {
                    wanted.push((edge, window, Vec::new()));
                    wanted.len() - 1
                }
            };
            match next {
                Next::Same => wanted[at].2.push(field),
                Next::Page => wanted[at].2.extend(nested::item_selections(&field)),
                Next::PageOf(name) => wanted[at].2.extend(
                    nested::item_selections(&field)
                        .iter()
                        .flat_map(|item| item.selection_set().filter(|f| f.name() == name)),
                ),
                Next::Leaf => {}
            }
        }
    }
    wanted
        .into_iter()
        .map(|(edge, window, below)| {
            for label in edge.targets() {
                let seen = fields.entry(label).or_default();
                for selection in &below {
                    seen.extend(selection.selection_set().map(|f| f.name()));
                }
            }
            Branch {
                edge,
                window,
                below: edge
                    .targets()
                    .iter()
                    .map(|label| (*label, plan(ctx, label, &below, fields)))
                    .collect(),
                props: None,
            }
        })
        .collect()
}

/// Sets each branch's projection to what the selections ask of its label anywhere in the request:
/// the cache keeps one answer per (relationship, node), so a node read at two places of the query must
/// carry the fields of both.
fn project(branches: &mut [Branch], fields: &HashMap<&'static str, Vec<&str>>) {
    for b in branches {
        if let [label] = b.edge.targets() {
            let asked = fields.get(label).map(Vec::as_slice).unwrap_or_default();
            b.props = Some(props_for(label, asked));
        }
        for (_, below) in &mut b.below {
            project(below, fields);
        }
    }
}

/// Reads everything `selections` ask for below `nodes` into the request's cache: one statement per
/// kind of node among them.
async fn prefetch(
    ctx: &Context<'_>,
    nodes: Vec<NodeRecord>,
    selections: Vec<SelectionField<'_>>,
) -> Result<(), AppError> {
    let mut by_label: HashMap<&'static str, Vec<String>> = HashMap::new();
    for node in &nodes {
        let ids = by_label.entry(node.label()).or_default();
        if !ids.iter().any(|id| id == node.id()) {
            ids.push(node.id().to_string());
        }
    }
    let loaders = loader(ctx);
    let mut fields = HashMap::new();
    let mut planned: Vec<(Vec<String>, Vec<Branch>)> = by_label
        .into_iter()
        .map(|(label, ids)| (ids, plan(ctx, label, &selections, &mut fields)))
        .collect();
    for (_, branches) in &mut planned {
        project(branches, &fields);
    }
    let loads = planned.into_iter().filter_map(|(ids, branches)| {
        (!branches.is_empty()).then_some(async move { loaders.load_tree(&ids, &branches).await })
    });
    futures::future::try_join_all(loads).await?;
    Ok(())
}

/// Every label a node can have: what `node(id:)` may find.
const LABELS: [&str; 9] = [
    "Event",
    "Actor",
    "Place",
    "Source",
    "Participation",
    "Count",
    "Claim",
    "Term",
    "Collection",
];

/// The nodes `ids` for `node`/`nodes`, read with what the current field's selection asks of each
/// label and below, in one statement: only the selected properties, and no second round trip for
/// the nested selection.
pub(crate) async fn load_nodes(
    ctx: &Context<'_>,
    ids: &[String],
) -> Result<HashMap<String, NodeRecord>, AppError> {
    let selections = vec![ctx.field()];
    let mut fields = HashMap::new();
    let mut planned: Vec<(&'static str, Vec<Branch>)> = LABELS
        .iter()
        .map(|label| (*label, plan(ctx, label, &selections, &mut fields)))
        .collect();
    for (_, branches) in &mut planned {
        project(branches, &fields);
    }
    let asked: Vec<&str> = ctx.field().selection_set().map(|f| f.name()).collect();
    let roots: Vec<tree::Root> = planned
        .into_iter()
        .map(|(label, branches)| (label, props_for(label, &asked), branches))
        .collect();
    let nodes = loader(ctx).load_roots(ids, &roots).await?;
    Ok(nodes.into_iter().map(|n| (n.id().to_string(), n)).collect())
}

/// The same for nodes a graph question found and returns further down its answer, at `path` below
/// the current field (`paths.hops.edge.evidence.claims`): their fields are asked for once per
/// parent otherwise, since these nodes reach the resolvers without a list field of their own.
pub(crate) async fn prefetch_at(
    ctx: &Context<'_>,
    nodes: Vec<NodeRecord>,
    path: &[&str],
) -> Result<(), AppError> {
    let mut level = vec![ctx.field()];
    for name in path {
        level = level
            .iter()
            .flat_map(|f| f.selection_set().filter(|c| c.name() == *name))
            .collect();
    }
    if nodes.is_empty() || level.is_empty() {
        return Ok(());
    }
    prefetch(ctx, nodes, level).await
}

/// What the current connection field's selection asks for below its items (`edges { node }`,
/// `nodes`), all of label `label`: read by the page's own statement.
pub(crate) fn plan_below_items(ctx: &Context<'_>, label: &str) -> Vec<Branch> {
    let selections = nested::item_selections(&ctx.field());
    let mut fields = HashMap::new();
    let mut branches = plan(ctx, label, &selections, &mut fields);
    project(&mut branches, &fields);
    branches
}

/// Whether the current connection field asks for anything the page itself answers (edges, nodes,
/// page info), rather than only `totalCount`.
pub(crate) fn wants_page(ctx: &Context<'_>) -> bool {
    ctx.field()
        .selection_set()
        .any(|f| !matches!(f.name(), "totalCount" | "__typename"))
}
