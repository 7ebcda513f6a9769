//! The graph questions: neighbourhood, paths, timeline, co-occurrence, conflicts, statistics.
//!
//! Each is bounded by hops, nodes and time (`CASEGRAPH_GRAPH_*`), says in `bounds` when it hit one,
//! and costs a fixed, small number of round trips whatever the size of the answer.

pub mod answers;
pub mod edges;
pub mod statistics;

use async_graphql::{Context, Object, ID};

use self::{
    answers::{CoActorObject, CoOccurrence, Conflicts, FigureConflict, Timeline, TimelineEntry},
    edges::{Bounds, EdgeDirection, GraphPath, Paths, Relation, Subgraph, SubgraphNode},
    statistics::Statistics,
};
use crate::{
    api::{
        db, plan,
        types::{
            self,
            date::{self, DateRangeInput},
        },
    },
    config::{GraphBounds, GraphqlLimits},
    domain::{ClaimStatus, DateRange, NodeKind},
    error::AppError,
    store::{
        graph::{
            conflicts::{self, ConflictScope},
            neighbourhood::{self, NeighbourhoodQuery},
            paths::{self, PathQuery},
            timeline::{self, TimelineAnchor},
            Budget, RelationKind,
        },
        records::NodeRecord,
        Db,
    },
};

/// The deepest neighbourhood: beyond three relations an ego network is most of a case.
const MAX_DEPTH: i32 = 3;

/// The graph questions, merged into `Query`.
#[derive(Default)]
pub struct GraphQuestions;

fn bounds(ctx: &Context<'_>) -> GraphBounds {
    ctx.data_unchecked::<GraphqlLimits>().graph
}

fn scoped(ctx: &Context<'_>, collections: &Option<Vec<ID>>) -> Db {
    let requested: Option<Vec<String>> = collections
        .as_ref()
        .map(|c| c.iter().map(|id| id.to_string()).collect());
    db(ctx).narrowed(requested.as_deref())
}

/// A caller's own limit, never above the configured one.
fn own_limit(asked: Option<i32>, max: usize, field: &str) -> Result<usize, AppError> {
    match asked {
        None => Ok(max),
        Some(n) if n < 1 => Err(AppError::bad_input(field, "must be at least 1")),
        Some(n) if n as usize > max => Err(AppError::limit_exceeded(
            field,
            format!("at most {max} (CASEGRAPH_GRAPH_MAX_NODES)"),
        )),
        Some(n) => Ok(n as usize),
    }
}

fn kinds(relations: Option<Vec<Relation>>) -> Vec<RelationKind> {
    match relations {
        None => RelationKind::ALL.to_vec(),
        Some(r) => {
            let mut k: Vec<RelationKind> = r.into_iter().map(Relation::store).collect();
            k.sort_unstable();
            k.dedup();
            k
        }
    }
}

fn window(w: Option<DateRangeInput>) -> Result<Option<DateRange>, AppError> {
    let Some(w) = w else { return Ok(None) };
    let from = date::date(&w.from, "date.from")?;
    let to = date::date(&w.to, "date.to")?;
    let range = DateRange::new(from, to).map_err(|e| AppError::from(e).under("date"))?;
    Ok(Some(range))
}

/// What a path may run between: things, not the statements in the middle.
const PATH_ENDS: &[NodeKind] = &[
    NodeKind::Event,
    NodeKind::Actor,
    NodeKind::Place,
    NodeKind::Source,
];

/// Ends of a path must be things a path runs between, not the statements in the middle.
fn path_end(node: Option<NodeRecord>, id: &str, field: &str) -> Result<(), AppError> {
    match node {
        None => Err(AppError::not_found_any(PATH_ENDS, id, field)),
        Some(
            NodeRecord::Event(_)
            | NodeRecord::Actor(_)
            | NodeRecord::Place(_)
            | NodeRecord::Source(_),
        ) => Ok(()),
        Some(_) => Err(AppError::bad_input(
            field,
            "a path runs between events, actors, places and sources",
        )),
    }
}

#[Object]
impl GraphQuestions {
    /// The ego network of a node: everything within `depth` relations (1 to 3), as typed nodes and
    /// edges with their evidence — ready for Cytoscape or Sigma. Filters apply to the nodes and
    /// edges reached (not to the anchor); an event filtered out is not explored further.
    #[allow(clippy::too_many_arguments)]
    async fn neighbourhood(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node at the centre.")] id: ID,
        #[graphql(desc = "How many relations away, 1 to 3.", default = 1)] depth: i32,
        #[graphql(desc = "Follow only these relations (default: all).")] relations: Option<
            Vec<Relation>,
        >,
        #[graphql(desc = "Keep only events of these types (`EVENT_TYPE` keys).")]
        event_types: Option<Vec<String>>,
        #[graphql(desc = "Keep only events whose date overlaps this window.")] date: Option<
            DateRangeInput,
        >,
        #[graphql(
            desc = "Keep only events, participations and relations with a claim of one of these statuses (e.g. `[CONFIRMED]`: only confirmed links)."
        )]
        claim_status: Option<Vec<ClaimStatus>>,
        #[graphql(
            desc = "Keep relations without a standing claim: drawn as the analyst's inference, or with no evidence at all. Participations are kept either way.",
            default = true
        )]
        include_unsourced: bool,
        #[graphql(
            desc = "Keep only relations (participations included) with at least this many distinct sources among their standing claims."
        )]
        min_sources: Option<i32>,
        #[graphql(
            desc = "Keep only relations with at most this many distinct sources among their standing claims (`1` with `claimStatus: [UNCONFIRMED]`: single unconfirmed sources)."
        )]
        max_sources: Option<i32>,
        #[graphql(desc = "Node limit of this answer (at most the configured one).")]
        max_nodes: Option<i32>,
        #[graphql(desc = "Only these collections.")] collections: Option<Vec<ID>>,
    ) -> Result<Subgraph, AppError> {
        let limits = bounds(ctx);
        if depth < 1 {
            return Err(AppError::bad_input("depth", "must be at least 1"));
        }
        let max_depth = MAX_DEPTH.min(limits.max_hops as i32);
        if depth > max_depth {
            return Err(AppError::limit_exceeded(
                "depth",
                format!("at most {max_depth}"),
            ));
        }
        let max_nodes = own_limit(max_nodes, limits.max_nodes, "maxNodes")?;
        let query = NeighbourhoodQuery {
            anchor: id.to_string(),
            depth: depth as u32,
            kinds: kinds(relations),
            event_types,
            window: window(date)?,
            statuses: claim_status.map(|s| s.iter().map(|s| s.as_str().to_string()).collect()),
            include_unsourced,
            min_sources: sources_bound(min_sources, "minSources")?,
            max_sources: sources_bound(max_sources, "maxSources")?,
        };
        let mut budget = Budget::new(max_nodes, limits.time_limit);
        let found =
            neighbourhood::neighbourhood(&scoped(ctx, &collections), &query, &mut budget).await?;
        let nodes = found.nodes.iter().map(|(n, _)| n.clone()).collect();
        plan::prefetch_at(ctx, nodes, &["nodes", "node"]).await?;
        let claims = found.edges.iter().flat_map(|e| e.claims.iter().cloned());
        let claims = claims.map(NodeRecord::Claim).collect();
        plan::prefetch_at(ctx, claims, &["edges", "evidence", "claims"]).await?;
        let distance: std::collections::HashMap<String, u32> = found
            .nodes
            .iter()
            .map(|(n, d)| (n.id().to_string(), *d))
            .collect();
        let edges = found
            .edges
            .into_iter()
            .map(|e| {
                let dir = match (distance.get(&e.from), distance.get(&e.to)) {
                    (Some(f), Some(t)) => Some(EdgeDirection::of(*f, *t)),
                    _ => None,
                };
                edges::GraphEdge(e, dir)
            })
            .collect();
        Ok(Subgraph {
            anchor: id,
            nodes: found
                .nodes
                .into_iter()
                .map(|(node, distance)| SubgraphNode { node, distance })
                .collect(),
            edges,
            bounds: Bounds::new(
                &budget.hit,
                Some(depth as u32),
                max_nodes,
                limits.time_limit.as_millis(),
            ),
        })
    }

    /// The shortest paths between two nodes over the chosen relations, up to `maxHops` hops (an
    /// actor's part in an event is one hop). Each hop says which relation, which way, and who says
    /// so; a path that leans on an unsourced or unconfirmed hop says so.
    #[allow(clippy::too_many_arguments)]
    async fn paths(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where the paths start.")] from: ID,
        #[graphql(desc = "Where the paths end.")] to: ID,
        #[graphql(desc = "Follow only these relations (default: all).")] relations: Option<
            Vec<Relation>,
        >,
        #[graphql(desc = "Longest path, in hops (default and maximum: the configured hop limit).")]
        max_hops: Option<i32>,
        #[graphql(desc = "How many paths, shortest first.", default = 1)] k: i32,
        #[graphql(desc = "Only these collections.")] collections: Option<Vec<ID>>,
    ) -> Result<Paths, AppError> {
        let limits = bounds(ctx);
        let hops = match max_hops {
            None => limits.max_hops,
            Some(h) if h < 1 => return Err(AppError::bad_input("maxHops", "must be at least 1")),
            Some(h) if h as u32 > limits.max_hops => {
                return Err(AppError::limit_exceeded(
                    "maxHops",
                    format!("at most {} (CASEGRAPH_GRAPH_MAX_HOPS)", limits.max_hops),
                ))
            }
            Some(h) => h as u32,
        };
        if k < 1 {
            return Err(AppError::bad_input("k", "must be at least 1"));
        }
        if k as u32 > limits.max_paths {
            return Err(AppError::limit_exceeded(
                "k",
                format!("at most {} (CASEGRAPH_GRAPH_MAX_PATHS)", limits.max_paths),
            ));
        }
        if from == to {
            return Err(AppError::bad_input("to", "is the same node as `from`"));
        }
        let db = scoped(ctx, &collections);
        let ends =
            crate::store::read::nodes_by_id(&db, &[from.to_string(), to.to_string()]).await?;
        path_end(ends.get(from.as_str()).cloned(), &from, "from")?;
        path_end(ends.get(to.as_str()).cloned(), &to, "to")?;
        let query = PathQuery {
            from: from.to_string(),
            to: to.to_string(),
            kinds: kinds(relations),
            max_hops: hops,
            k: k as u32,
        };
        let mut budget = Budget::new(limits.max_nodes, limits.time_limit);
        let found = paths::paths(&db, &query, &mut budget).await?;
        let nodes = found.iter().flat_map(|p| p.nodes.iter().cloned()).collect();
        plan::prefetch_at(ctx, nodes, &["paths", "nodes"]).await?;
        let claims = found
            .iter()
            .flat_map(|p| p.hops.iter().flat_map(|h| h.edge.claims.iter().cloned()));
        let claims = claims.map(NodeRecord::Claim).collect();
        plan::prefetch_at(
            ctx,
            claims,
            &["paths", "hops", "edge", "evidence", "claims"],
        )
        .await?;
        Ok(Paths {
            paths: found.into_iter().map(GraphPath).collect(),
            bounds: Bounds::new(
                &budget.hit,
                Some(hops),
                limits.max_nodes,
                limits.time_limit.as_millis(),
            ),
        })
    }

    /// The events of an actor, of a place (with everything within it) or of a collection, in time
    /// order. Give exactly one of `actor`, `place`, `collection`.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The events this actor took part in.")] actor: Option<ID>,
        #[graphql(desc = "The events at this place or anywhere within it.")] place: Option<ID>,
        #[graphql(desc = "Every event of this collection.")] collection: Option<ID>,
        #[graphql(desc = "Entry limit of this answer (at most the configured node limit).")]
        max_entries: Option<i32>,
        #[graphql(desc = "Only these collections.")] collections: Option<Vec<ID>>,
    ) -> Result<Timeline, AppError> {
        let limits = bounds(ctx);
        let (anchor, id) = match (actor, place, collection) {
            (Some(a), None, None) => (TimelineAnchor::Actor, a),
            (None, Some(p), None) => (TimelineAnchor::Place, p),
            (None, None, Some(c)) => (TimelineAnchor::Collection, c),
            _ => {
                return Err(AppError::bad_input(
                    "actor",
                    "give exactly one of `actor`, `place` or `collection`",
                ))
            }
        };
        let max = own_limit(max_entries, limits.max_nodes, "maxEntries")?;
        let db = scoped(ctx, &collections);
        let mut budget = Budget::new(max, limits.time_limit);
        let rows = timeline::timeline(&db, anchor, &id, &mut budget).await?;
        if rows.is_empty() && anchor != TimelineAnchor::Collection {
            // Nothing found: say so plainly when the anchor does not exist or is of another kind.
            let (field, kind) = if anchor == TimelineAnchor::Actor {
                ("actor", NodeKind::Actor)
            } else {
                ("place", NodeKind::Place)
            };
            match types::load_node(ctx, &id).await? {
                None => return Err(AppError::not_found(kind, id.to_string(), field)),
                Some(n) if edges::kind_name(&n) != kind.as_str() => {
                    return Err(AppError::bad_input(
                        field,
                        format!("{:?} is not a {kind}", id.as_str()),
                    ))
                }
                Some(_) => {}
            }
        }
        let entries = rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| TimelineEntry::new(i + 1, r))
            .collect::<Result<_, _>>()?;
        Ok(Timeline {
            entries,
            bounds: Bounds::new(&budget.hit, None, max, limits.time_limit.as_millis()),
        })
    }

    /// The actors that share events with an actor, with the number of shared events and the events,
    /// most shared first.
    async fn co_occurrence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The actor.")] actor: ID,
        #[graphql(desc = "Actor limit of this answer (at most the configured node limit).")]
        max_actors: Option<i32>,
        #[graphql(desc = "Only these collections.")] collections: Option<Vec<ID>>,
    ) -> Result<CoOccurrence, AppError> {
        let limits = bounds(ctx);
        let max = own_limit(max_actors, limits.max_nodes, "maxActors")?;
        let db = scoped(ctx, &collections);
        let mut budget = Budget::new(max, limits.time_limit);
        let rows = timeline::co_occurrence(&db, &actor, &mut budget).await?;
        if rows.is_empty() {
            match types::load_node(ctx, &actor).await? {
                None => {
                    return Err(AppError::not_found(
                        NodeKind::Actor,
                        actor.to_string(),
                        "actor",
                    ))
                }
                Some(NodeRecord::Actor(_)) => {}
                Some(_) => {
                    return Err(AppError::bad_input(
                        "actor",
                        format!("{:?} is not an actor", actor.as_str()),
                    ))
                }
            }
        }
        Ok(CoOccurrence {
            actors: rows.into_iter().map(CoActorObject).collect(),
            bounds: Bounds::new(&budget.hit, None, max, limits.time_limit.as_millis()),
        })
    }

    /// Figures on which sources disagree (same event, subject, sub-group and unit; different
    /// figures, or a disputed claim), side by side with each source and its outlet.
    async fn conflicts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the figures about this event.")] event: Option<ID>,
        #[graphql(desc = "Conflict limit of this answer (at most the configured node limit).")]
        max_conflicts: Option<i32>,
        #[graphql(desc = "Only these collections (read through the collection index).")]
        collections: Option<Vec<ID>>,
    ) -> Result<Conflicts, AppError> {
        let limits = bounds(ctx);
        let max = own_limit(max_conflicts, limits.max_nodes, "maxConflicts")?;
        let db = scoped(ctx, &collections);
        let mut budget = Budget::new(max, limits.time_limit);
        let scope_kind = match &event {
            Some(e) => ConflictScope::Event(e.to_string()),
            None => ConflictScope::Collections,
        };
        let found =
            conflicts::conflicts(&db, &scope_kind, collections.is_some(), &mut budget).await?;
        Ok(Conflicts {
            conflicts: found.into_iter().map(FigureConflict).collect(),
            bounds: Bounds::new(&budget.hit, None, max, limits.time_limit.as_millis()),
        })
    }

    /// Counts over the events in scope: by type, month and place, and totals of people affected that
    /// keep the figures' qualifiers. Each field is one statement, run only when selected.
    async fn statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these collections (read through the collection index).")]
        collections: Option<Vec<ID>>,
    ) -> Statistics {
        Statistics {
            db: scoped(ctx, &collections),
            named: collections.is_some(),
            bounds: bounds(ctx),
        }
    }
}

/// A bound on the number of sources: not negative.
fn sources_bound(value: Option<i32>, field: &str) -> Result<Option<i64>, AppError> {
    match value {
        Some(n) if n < 0 => Err(AppError::bad_input(field, "must not be negative")),
        other => Ok(other.map(i64::from)),
    }
}
