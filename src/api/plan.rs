//! Reads planned from the query: once a list (or `node`) has its results, the selection below them
//! decides which relationships to follow, and each level of it is loaded for all results at once —
//! one statement per relationship and level — into the request's cache (`loaders.rs`). The nested
//! resolvers then answer from that cache, so a request costs a fixed number of statements set by the
//! shape of its query, never by the number of results, and no load waits for others to arrive.
//!
//! A field this plan does not know still works: its resolver loads what it needs itself (one
//! statement per parent), which is why every relationship the API offers is listed in [`step`].

use std::collections::{HashMap, HashSet};

use async_graphql::{Context, SelectionField};

use super::{
    loaders::{EdgeKey, NodeKey},
    types::loader,
};
use crate::{
    domain::Vocabulary,
    error::AppError,
    store::{
        read::{Edge, Linked},
        records::{term_id, NodeRecord},
    },
};

/// What the selection of a relationship field applies to.
#[derive(Clone, Copy)]
enum Next {
    /// The neighbours themselves (`place { name }`).
    Same,
    /// A field of a wrapper object around each neighbour (`cites { source { … } }`).
    Sub(&'static str),
    /// Nothing further: the field only summarises the neighbours (`provenance`).
    Leaf,
}

enum Step {
    Edge(Edge, Next),
    /// The taxonomy term with this id.
    Term(String),
}

/// How field `field` of `node` is resolved, if it follows a relationship.
fn step(node: &NodeRecord, field: &str) -> Option<Step> {
    use Edge::*;
    use Next::*;
    use NodeRecord as R;
    let edge = |e, n| Some(Step::Edge(e, n));
    match (node, field) {
        (R::Event(_) | R::Participation(_) | R::Count(_), "claims") => edge(ClaimsAbout, Same),
        (R::Event(_) | R::Participation(_) | R::Count(_), "provenance") => edge(ClaimsAbout, Leaf),
        (R::Event(e), "typeTerm") => Some(Step::Term(term_id(
            &e.collection,
            Vocabulary::EventType,
            &e.event_type,
        ))),
        (R::Event(_), "place") => edge(EventPlace, Same),
        (R::Event(_), "participants") => edge(EventParticipations, Same),
        (R::Event(_), "counts") => edge(EventCounts, Same),
        (R::Event(_), "partOf") => edge(EventPartOf, Same),
        (R::Event(_), "parts") => edge(EventParts, Same),
        (R::Event(_), "followedBy") => edge(EventFollowedBy, Same),
        (R::Event(_), "precededBy") => edge(EventPrecededBy, Same),
        (R::Event(_), "ledTo") => edge(EventLedTo, Same),
        (R::Event(_), "causedBy") => edge(EventCausedBy, Same),
        (R::Actor(_), "participations") => edge(ActorParticipations, Same),
        (R::Actor(_), "events") => edge(ActorEvents, Same),
        (R::Actor(_), "memberOf") => edge(ActorMemberOf, Same),
        (R::Actor(_), "members") => edge(ActorMembers, Same),
        (R::Actor(_), "answersTo") => edge(ActorAnswersTo, Same),
        (R::Actor(_), "subordinates") => edge(ActorSubordinates, Same),
        (R::Actor(_), "publications") => edge(ActorPublications, Same),
        (R::Place(_), "parent") => edge(PlaceParent, Same),
        (R::Place(_), "ancestors") => edge(PlaceAncestors, Same),
        (R::Place(_), "children") => edge(PlaceChildren, Same),
        (R::Place(_), "events") => edge(PlaceEvents, Same),
        (R::Source(_), "publisher") => edge(SourcePublisher, Same),
        (R::Source(_), "cites") => edge(SourceCites, Sub("source")),
        (R::Source(_), "citedBy") => edge(SourceCitedBy, Sub("source")),
        (R::Source(_), "claims") => edge(SourceClaims, Same),
        (R::Participation(p), "roleTerm") => Some(Step::Term(term_id(
            &p.collection,
            Vocabulary::ParticipantRole,
            &p.role,
        ))),
        (R::Participation(_), "actor") => edge(ParticipationActor, Same),
        (R::Participation(_), "event") => edge(ParticipationEvent, Same),
        (R::Count(_), "event") => edge(CountEvent, Same),
        (R::Count(_), "partOf") => edge(CountParent, Same),
        (R::Count(_), "breakdown") => edge(CountBreakdown, Same),
        (R::Claim(_), "source") => edge(ClaimSource, Same),
        (R::Claim(_), "subject") => edge(ClaimSubject, Same),
        _ => None,
    }
}

/// One relationship field to follow from some nodes of a level.
struct Want<'a> {
    edge: Edge,
    from: Vec<String>,
    next: Next,
    field: SelectionField<'a>,
}

/// Loads, level by level, everything `selection` asks for below `nodes`, into the request's cache.
async fn prefetch<'a>(
    ctx: &Context<'_>,
    mut level: Vec<(Vec<NodeRecord>, SelectionField<'a>)>,
) -> Result<(), AppError> {
    let loaders = loader(ctx);
    while !level.is_empty() {
        let mut wants: Vec<Want<'a>> = Vec::new();
        let mut terms: HashSet<String> = HashSet::new();
        for (nodes, selection) in &level {
            for field in selection.selection_set() {
                let mut here: Vec<Want<'a>> = Vec::new();
                for node in nodes {
                    match step(node, field.name()) {
                        Some(Step::Edge(edge, next)) => {
                            match here.iter_mut().find(|w| w.edge == edge) {
                                Some(w) => w.from.push(node.id().to_string()),
                                None => here.push(Want {
                                    edge,
                                    from: vec![node.id().to_string()],
                                    next,
                                    field,
                                }),
                            }
                        }
                        Some(Step::Term(id)) => {
                            terms.insert(id);
                        }
                        None => {}
                    }
                }
                wants.extend(here);
            }
        }
        let mut by_edge: HashMap<Edge, HashSet<String>> = HashMap::new();
        for w in &wants {
            by_edge
                .entry(w.edge)
                .or_default()
                .extend(w.from.iter().cloned());
        }
        let edge_loads = by_edge
            .into_iter()
            .map(|(edge, ids)| loaders.load_many(ids.into_iter().map(move |id| EdgeKey(edge, id))));
        let term_load = async {
            if terms.is_empty() {
                Ok(HashMap::new())
            } else {
                loaders.load_many(terms.into_iter().map(NodeKey)).await
            }
        };
        let (found, terms) = futures::join!(futures::future::try_join_all(edge_loads), term_load);
        terms?;
        let found: HashMap<EdgeKey, Vec<Linked>> = found?.into_iter().flatten().collect();

        let mut next_level = Vec::new();
        for w in wants {
            let selection = match w.next {
                Next::Leaf => continue,
                Next::Same => w.field,
                Next::Sub(name) => match w.field.selection_set().find(|f| f.name() == name) {
                    Some(f) => f,
                    None => continue,
                },
            };
            let mut seen = HashSet::new();
            let mut nodes = Vec::new();
            for id in w.from {
                for linked in found.get(&EdgeKey(w.edge, id)).into_iter().flatten() {
                    if seen.insert(linked.node.id().to_string()) {
                        nodes.push(linked.node.clone());
                    }
                }
            }
            if !nodes.is_empty() {
                next_level.push((nodes, selection));
            }
        }
        level = next_level;
    }
    Ok(())
}

/// Loads what the current field's selection asks for below `nodes` (the field returns them).
pub(crate) async fn prefetch_below(
    ctx: &Context<'_>,
    nodes: Vec<NodeRecord>,
) -> Result<(), AppError> {
    if nodes.is_empty() {
        return Ok(());
    }
    prefetch(ctx, vec![(nodes, ctx.field())]).await
}

/// The same for a connection field: the selection below its `edges { node }` and `nodes`.
pub(crate) async fn prefetch_connection(
    ctx: &Context<'_>,
    nodes: Vec<NodeRecord>,
) -> Result<(), AppError> {
    if nodes.is_empty() {
        return Ok(());
    }
    let mut level = Vec::new();
    for field in ctx.field().selection_set() {
        match field.name() {
            "edges" => {
                for node in field.selection_set().filter(|f| f.name() == "node") {
                    level.push((nodes.clone(), node));
                }
            }
            "nodes" => level.push((nodes.clone(), field)),
            _ => {}
        }
    }
    prefetch(ctx, level).await
}

/// Whether the current connection field asks for anything the page itself answers (edges, nodes,
/// page info), rather than only `totalCount`.
pub(crate) fn wants_page(ctx: &Context<'_>) -> bool {
    ctx.field()
        .selection_set()
        .any(|f| !matches!(f.name(), "totalCount" | "__typename"))
}
