//! Edges, subgraphs and paths as the API shows them: typed nodes (the `Node` interface, so clients
//! select their fields) and edges with kind, ends and evidence — the shape Cytoscape and Sigma load.

use async_graphql::{Enum, Object, SimpleObject, ID};

use crate::{
    api::types::{Claim, Node, Participation},
    domain::ClaimStatus,
    store::{
        graph::{paths::PathRecord, Bound, RelationKind},
        records::{ClaimRecord, NodeRecord},
    },
};

/// A relation between events, actors, places and sources, as the graph questions follow it.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "GraphRelation")]
pub enum Relation {
    /// Actor took part in event, in a role (stored as a participation, which claims can support).
    ParticipatedIn,
    /// Event happened at place.
    At,
    /// Place lies within place.
    Within,
    /// Event is part of a larger event.
    PartOf,
    /// Event was followed by event.
    FollowedBy,
    /// Event led to event.
    LedTo,
    /// Actor is a member of actor.
    MemberOf,
    /// Actor answers to actor.
    AnswersTo,
    /// Source was published by actor (an outlet, a press service).
    PublishedBy,
}

impl Relation {
    pub(crate) fn store(self) -> RelationKind {
        match self {
            Relation::ParticipatedIn => RelationKind::ParticipatedIn,
            Relation::At => RelationKind::At,
            Relation::Within => RelationKind::Within,
            Relation::PartOf => RelationKind::PartOf,
            Relation::FollowedBy => RelationKind::FollowedBy,
            Relation::LedTo => RelationKind::LedTo,
            Relation::MemberOf => RelationKind::MemberOf,
            Relation::AnswersTo => RelationKind::AnswersTo,
            Relation::PublishedBy => RelationKind::PublishedBy,
        }
    }

    fn from_store(k: RelationKind) -> Self {
        match k {
            RelationKind::ParticipatedIn => Relation::ParticipatedIn,
            RelationKind::At => Relation::At,
            RelationKind::Within => Relation::Within,
            RelationKind::PartOf => Relation::PartOf,
            RelationKind::FollowedBy => Relation::FollowedBy,
            RelationKind::LedTo => Relation::LedTo,
            RelationKind::MemberOf => Relation::MemberOf,
            RelationKind::AnswersTo => Relation::AnswersTo,
            RelationKind::PublishedBy => Relation::PublishedBy,
        }
    }
}

/// Which bound stopped a graph question early.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum GraphBound {
    /// There may be more beyond the hop limit (paths: fewer than `k` found within it).
    HopLimit,
    /// The answer reached the node limit; more nodes, entries or rows were left out.
    NodeLimit,
    /// The time limit ran out; the answer holds what was found until then.
    TimeLimit,
}

/// The bounds an answer ran under, and whether it hit any of them.
#[derive(SimpleObject, Clone)]
#[graphql(name = "AnswerBounds")]
pub struct Bounds {
    /// The answer is incomplete: a bound was hit (`truncatedBy` says which).
    pub truncated: bool,
    /// The bounds that were hit.
    pub truncated_by: Vec<GraphBound>,
    /// The hop limit applied (null where hops do not apply).
    pub hop_limit: Option<i32>,
    /// The node (or entry) limit applied.
    pub node_limit: i32,
    /// The time limit applied, in milliseconds.
    pub time_limit_ms: i32,
}

impl Bounds {
    pub(crate) fn new(
        hit: &[Bound],
        hop_limit: Option<u32>,
        node_limit: usize,
        time_ms: u128,
    ) -> Self {
        let truncated_by: Vec<GraphBound> = hit
            .iter()
            .map(|b| match b {
                Bound::HopLimit => GraphBound::HopLimit,
                Bound::NodeLimit => GraphBound::NodeLimit,
                Bound::TimeLimit => GraphBound::TimeLimit,
            })
            .collect();
        Bounds {
            truncated: !truncated_by.is_empty(),
            truncated_by,
            hop_limit: hop_limit.map(|h| h as i32),
            node_limit: node_limit.min(i32::MAX as usize) as i32,
            time_limit_ms: time_ms.min(i32::MAX as u128) as i32,
        }
    }
}

/// What a relation rests on.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum EvidenceBasis {
    /// At least one standing claim (not disputed or retracted) cites a source for it.
    Claimed,
    /// No standing claim: the analyst drew it without a source, and says why (`inference`). It is
    /// their reading, not a source's statement.
    Inferred,
    /// It has claims, but every one is disputed or retracted (and no inference is given).
    ClaimsNotStanding,
    /// Neither a claim nor the analyst's reasoning supports it.
    NoClaims,
}

/// The evidence for one relation: its claims, and a plain summary of how far it is sourced.
pub struct RelationEvidence {
    claims: Vec<ClaimRecord>,
    inference: Option<String>,
}

impl RelationEvidence {
    pub(crate) fn new(claims: Vec<ClaimRecord>, inference: Option<String>) -> Self {
        Self { claims, inference }
    }

    fn statuses_present(&self) -> Vec<ClaimStatus> {
        let mut out: Vec<ClaimStatus> = Vec::new();
        for c in &self.claims {
            if let Ok(s) = c.status.parse::<ClaimStatus>() {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn standing(&self) -> Vec<ClaimStatus> {
        self.claims
            .iter()
            .filter_map(|c| c.status.parse::<ClaimStatus>().ok())
            .filter(|s| s.is_standing())
            .collect()
    }

    pub(crate) fn basis_of(&self) -> EvidenceBasis {
        if !self.standing().is_empty() {
            EvidenceBasis::Claimed
        } else if self.inference.is_some() {
            EvidenceBasis::Inferred
        } else if !self.claims.is_empty() {
            EvidenceBasis::ClaimsNotStanding
        } else {
            EvidenceBasis::NoClaims
        }
    }

    /// Sourced, but every standing claim is flagged `UNCONFIRMED`.
    pub(crate) fn only_unconfirmed(&self) -> bool {
        let standing = self.standing();
        !standing.is_empty() && standing.iter().all(|s| *s == ClaimStatus::Unconfirmed)
    }
}

/// The evidence for one relation: its claims, and a plain summary of how far it is sourced.
#[Object]
impl RelationEvidence {
    /// What the relation rests on.
    async fn basis(&self) -> EvidenceBasis {
        self.basis_of()
    }
    /// The claims behind it (for participations: the claims about the participation), each with its
    /// source and excerpt (for other relations: the claims about the relation itself).
    async fn claims(&self) -> Vec<Claim> {
        self.claims.iter().cloned().map(Claim).collect()
    }
    /// The statuses present among its claims.
    async fn statuses(&self) -> Vec<ClaimStatus> {
        self.statuses_present()
    }
    /// Distinct sources cited by its standing claims.
    async fn source_count(&self) -> i32 {
        let mut ids: Vec<&str> = self
            .claims
            .iter()
            .filter(|c| {
                c.status
                    .parse::<ClaimStatus>()
                    .map(|s| s.is_standing())
                    .unwrap_or(false)
            })
            .filter_map(|c| c.source_id.as_deref())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as i32
    }
    /// At least one standing claim is `CONFIRMED`.
    async fn confirmed(&self) -> bool {
        self.standing().contains(&ClaimStatus::Confirmed)
    }
    /// Sourced, but every standing claim is flagged `UNCONFIRMED`.
    async fn unconfirmed(&self) -> bool {
        self.only_unconfirmed()
    }
    /// The basis in words, for a tooltip.
    async fn note(&self) -> String {
        match self.basis_of() {
            EvidenceBasis::Claimed => format!(
                "Rests on {} claim(s); see their sources and excerpts.",
                self.claims.len()
            ),
            EvidenceBasis::ClaimsNotStanding => {
                "Every claim behind it is disputed or retracted.".into()
            }
            EvidenceBasis::Inferred => format!(
                "No source says so: the analyst's inference. {}",
                self.inference.as_deref().unwrap_or_default()
            ),
            EvidenceBasis::NoClaims => {
                "No source and no reasoning: nothing shows who says so.".into()
            }
        }
    }
    /// Set when the analyst drew the relation without a source: their reasoning. (It may also stand
    /// beside claims, to explain a reading of them.)
    async fn inference(&self) -> Option<crate::api::relation::Inference> {
        self.inference
            .clone()
            .map(|reasoning| crate::api::relation::Inference { reasoning })
    }
}

/// A relation between two nodes of a subgraph or a path; in a subgraph, also which way it points
/// relative to the anchor.
pub struct GraphEdge(
    pub crate::store::graph::EdgeRecord,
    pub Option<EdgeDirection>,
);

/// Which way an edge of a neighbourhood points, relative to the anchor.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum EdgeDirection {
    /// From the node nearer the anchor to the one further out (the anchor *led to* it).
    Outward,
    /// From the node further out towards the anchor (it *led to* the anchor).
    Inward,
    /// Between two nodes at the same distance from the anchor.
    Across,
}

impl EdgeDirection {
    /// The direction of an edge from a node at distance `from` to one at distance `to`.
    pub(crate) fn of(from: u32, to: u32) -> Self {
        match from.cmp(&to) {
            std::cmp::Ordering::Less => EdgeDirection::Outward,
            std::cmp::Ordering::Greater => EdgeDirection::Inward,
            std::cmp::Ordering::Equal => EdgeDirection::Across,
        }
    }
}

impl GraphEdge {
    pub(crate) fn evidence_of(&self) -> RelationEvidence {
        RelationEvidence {
            claims: self.0.claims.clone(),
            inference: self.0.inference.clone(),
        }
    }
}

/// A relation between two nodes of a subgraph or a path, directed as stored: `from` is the actor, the
/// part, the earlier or causing event, the place within, the source published.
#[Object]
impl GraphEdge {
    /// A stable id (the participation's id for `PARTICIPATED_IN`).
    async fn id(&self) -> ID {
        ID(self.0.id())
    }
    /// The relation.
    async fn kind(&self) -> Relation {
        Relation::from_store(self.0.kind)
    }
    /// The id of the node the relation goes from (Cytoscape's `source`).
    async fn from(&self) -> ID {
        ID(self.0.from.clone())
    }
    /// The id of the node the relation goes to (Cytoscape's `target`).
    async fn to(&self) -> ID {
        ID(self.0.to.clone())
    }
    /// In a neighbourhood: whether the edge points away from the anchor, towards it, or across (null
    /// on paths, whose hops say which way they are walked).
    async fn direction(&self) -> Option<EdgeDirection> {
        self.1
    }
    /// For `PARTICIPATED_IN`: the actor's role key in the event.
    async fn role(&self) -> Option<&str> {
        self.0.participation.as_ref().map(|p| p.role.as_str())
    }
    /// For `PARTICIPATED_IN`: the participation itself.
    async fn participation(&self) -> Option<Participation> {
        self.0.participation.clone().map(Participation)
    }
    /// Who says so: the relation's claims, or that it has none.
    async fn evidence(&self) -> RelationEvidence {
        self.evidence_of()
    }
}

/// A node of a subgraph, with its distance from the anchor.
pub struct SubgraphNode {
    pub node: NodeRecord,
    pub distance: u32,
}

/// A node of a subgraph, with its distance from the anchor.
#[Object]
impl SubgraphNode {
    /// The node's id.
    async fn id(&self) -> ID {
        ID(self.node.id().to_string())
    }
    /// Relations from the anchor (0 for the anchor itself).
    async fn distance(&self) -> i32 {
        self.distance as i32
    }
    /// The kind of node: `Event`, `Actor`, `Place`, `Source`.
    async fn kind(&self) -> &'static str {
        kind_name(&self.node)
    }
    /// A display label: the title or name.
    async fn label(&self) -> String {
        label(&self.node)
    }
    /// The node itself: select its fields with `... on Event { … }`.
    async fn node(&self) -> Node {
        Node::from(self.node.clone())
    }
}

pub(crate) fn kind_name(n: &NodeRecord) -> &'static str {
    match n {
        NodeRecord::Event(_) => "Event",
        NodeRecord::Actor(_) => "Actor",
        NodeRecord::Place(_) => "Place",
        NodeRecord::Source(_) => "Source",
        NodeRecord::Participation(_) => "Participation",
        NodeRecord::Count(_) => "Count",
        NodeRecord::Claim(_) => "Claim",
        NodeRecord::Term(_) => "Term",
        NodeRecord::Collection(_) => "Collection",
    }
}

pub(crate) fn label(n: &NodeRecord) -> String {
    match n {
        NodeRecord::Event(r) => r.title.clone(),
        NodeRecord::Actor(r) => r.name.clone(),
        NodeRecord::Place(r) => r.name.clone(),
        NodeRecord::Source(r) => r.title.clone(),
        NodeRecord::Participation(r) => r.role.clone(),
        NodeRecord::Count(r) => r.subject.clone(),
        NodeRecord::Claim(r) => r.status.clone(),
        NodeRecord::Term(r) => r.label.clone(),
        NodeRecord::Collection(r) => r.name.clone(),
    }
}

/// The ego network of a node: nodes within the asked depth and the relations between them.
#[derive(SimpleObject)]
pub struct Subgraph {
    /// The node the neighbourhood is centred on.
    pub anchor: ID,
    /// The nodes, the anchor first, then by distance.
    pub nodes: Vec<SubgraphNode>,
    /// The relations between the listed nodes (each joins two listed nodes).
    pub edges: Vec<GraphEdge>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}

/// Which way a path crosses a relation.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum HopDirection {
    /// From the relation's source to its target (the arrests *led to* the charges).
    Forward,
    /// Against it (the charges were *led to by* the arrests).
    Backward,
}

/// One hop of a path.
pub struct PathHop {
    edge: GraphEdge,
    forward: bool,
    walked_from: String,
    walked_to: String,
}

/// One hop of a path.
#[Object]
impl PathHop {
    /// The relation crossed, with its evidence.
    async fn edge(&self) -> &GraphEdge {
        &self.edge
    }
    /// Which way the path crosses it.
    async fn direction(&self) -> HopDirection {
        if self.forward {
            HopDirection::Forward
        } else {
            HopDirection::Backward
        }
    }
    /// The id of the node the hop leaves.
    async fn from(&self) -> ID {
        ID(self.walked_from.clone())
    }
    /// The id of the node the hop reaches.
    async fn to(&self) -> ID {
        ID(self.walked_to.clone())
    }
}

/// A path between two nodes, hop by hop, with what each hop rests on.
pub struct GraphPath(pub PathRecord);

/// A path between two nodes, hop by hop, with what each hop rests on.
#[Object]
impl GraphPath {
    /// Number of hops (a participation counts as one).
    async fn length(&self) -> i32 {
        self.0.hops.len() as i32
    }
    /// The nodes along the path, from the start to the end.
    async fn nodes(&self) -> Vec<Node> {
        self.0.nodes.iter().cloned().map(Node::from).collect()
    }
    /// The hops, in order.
    async fn hops(&self) -> Vec<PathHop> {
        hops(&self.0)
    }
    /// Some hop has no standing claim behind it (inferred, unclaimed, or only disputed claims).
    async fn leans_on_unsourced(&self) -> bool {
        hops(&self.0)
            .iter()
            .any(|h| h.edge.evidence_of().basis_of() != EvidenceBasis::Claimed)
    }
    /// Some hop rests on the analyst's inference rather than on a source (see its `inference`).
    async fn leans_on_inference(&self) -> bool {
        hops(&self.0)
            .iter()
            .any(|h| h.edge.evidence_of().basis_of() == EvidenceBasis::Inferred)
    }
    /// Some hop rests only on claims flagged `UNCONFIRMED`.
    async fn leans_on_unconfirmed(&self) -> bool {
        hops(&self.0)
            .iter()
            .any(|h| h.edge.evidence_of().only_unconfirmed())
    }
    /// How many hops have no standing claim behind them.
    async fn unsourced_hops(&self) -> i32 {
        hops(&self.0)
            .iter()
            .filter(|h| h.edge.evidence_of().basis_of() != EvidenceBasis::Claimed)
            .count() as i32
    }
    /// What the path leans on, in words: one line per hop that is not backed by a standing claim.
    async fn caveats(&self) -> Vec<String> {
        let names: std::collections::HashMap<&str, String> =
            self.0.nodes.iter().map(|n| (n.id(), label(n))).collect();
        let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
        hops(&self.0)
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let ev = h.edge.evidence_of();
                let what = format!(
                    "hop {} ({} {} → {})",
                    i + 1,
                    h.edge.0.kind.as_str(),
                    name(&h.edge.0.from),
                    name(&h.edge.0.to)
                );
                match ev.basis_of() {
                    EvidenceBasis::Claimed if ev.only_unconfirmed() => {
                        Some(format!("{what} rests only on unconfirmed claims"))
                    }
                    EvidenceBasis::Claimed => None,
                    EvidenceBasis::ClaimsNotStanding => {
                        Some(format!("{what}: every claim is disputed or retracted"))
                    }
                    EvidenceBasis::Inferred => Some(format!(
                        "{what} is the analyst's inference, not a source's statement: {}",
                        ev.inference.as_deref().unwrap_or_default()
                    )),
                    EvidenceBasis::NoClaims => {
                        Some(format!("{what} has no claim and no stated reasoning"))
                    }
                }
            })
            .collect()
    }
}

fn hops(p: &PathRecord) -> Vec<PathHop> {
    p.hops
        .iter()
        .enumerate()
        .map(|(i, h)| PathHop {
            edge: GraphEdge(h.edge.clone(), None),
            forward: h.forward,
            walked_from: p.nodes[i].id().to_string(),
            walked_to: p.nodes[i + 1].id().to_string(),
        })
        .collect()
}

/// The paths found between two nodes, shortest first.
#[derive(SimpleObject)]
pub struct Paths {
    /// The paths, shortest first.
    pub paths: Vec<GraphPath>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}
