//! The graph questions: neighbourhoods, paths, timelines, co-occurrence, conflicts and statistics.
//!
//! Every question here is bounded three ways (see [`crate::config::GraphBounds`]):
//! - **hops**: var-length patterns have a literal upper bound, never `*`;
//! - **nodes**: every statement ends in a `LIMIT` one above what may be returned, so that "there was
//!   more" is known without counting everything;
//! - **time**: every statement runs under the question's remaining time; when it runs out the
//!   statement is terminated on the server too ([`run_bounded`]), and the answer says `TIME_LIMIT`.
//!
//! Relations are read at the level an investigator thinks in: an actor's participation in an event
//! (stored as actor → `Participation` → event, a statement of its own) is one `PARTICIPATED_IN` edge
//! that carries the participation's claims. The other relations (event structure, places, actor
//! structure) have no claims in the model yet; their edges say plainly that they are unsourced.

pub mod conflicts;
pub mod neighbourhood;
pub mod paths;
pub mod statistics;
pub mod timeline;

use std::time::{Duration, Instant};

use serde::{de::DeserializeOwned, Deserialize};
use serde_json::Value;

use super::{decode_row, timed, Cypher, Db, Statement};
use crate::{
    error::{AppError, AppResult},
    store::records::{ClaimRecord, NodeRecord, ParticipationRecord},
};

/// A relation between events, actors, places and sources, as the graph questions traverse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RelationKind {
    /// Actor took part in event (through a `Participation`, whose claims are the edge's evidence).
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
    /// Source was published by actor (an outlet).
    PublishedBy,
}

impl RelationKind {
    pub const ALL: [RelationKind; 9] = [
        RelationKind::ParticipatedIn,
        RelationKind::At,
        RelationKind::Within,
        RelationKind::PartOf,
        RelationKind::FollowedBy,
        RelationKind::LedTo,
        RelationKind::MemberOf,
        RelationKind::AnswersTo,
        RelationKind::PublishedBy,
    ];

    /// The name used in statements and answers (the stored type, or `PARTICIPATED_IN`).
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::ParticipatedIn => "PARTICIPATED_IN",
            RelationKind::At => "AT",
            RelationKind::Within => "WITHIN",
            RelationKind::PartOf => "PART_OF",
            RelationKind::FollowedBy => "FOLLOWED_BY",
            RelationKind::LedTo => "LED_TO",
            RelationKind::MemberOf => "MEMBER_OF",
            RelationKind::AnswersTo => "ANSWERS_TO",
            RelationKind::PublishedBy => "PUBLISHED_BY",
        }
    }

    pub fn parse(name: &str) -> Option<RelationKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The stored relationship types this kind crosses.
    fn stored_types(self) -> &'static [&'static str] {
        match self {
            RelationKind::ParticipatedIn => &["PARTICIPATES_AS", "IN_EVENT"],
            RelationKind::At => &["AT"],
            RelationKind::Within => &["WITHIN"],
            RelationKind::PartOf => &["PART_OF"],
            RelationKind::FollowedBy => &["FOLLOWED_BY"],
            RelationKind::LedTo => &["LED_TO"],
            RelationKind::MemberOf => &["MEMBER_OF"],
            RelationKind::AnswersTo => &["ANSWERS_TO"],
            RelationKind::PublishedBy => &["PUBLISHED_BY"],
        }
    }

    /// Appends `A|B|C` for a relationship pattern to `text`: the stored types of `kinds`, sorted and
    /// each once, every one a constant above.
    fn push_type_alternation(text: &mut Cypher, kinds: &[RelationKind]) {
        let mut types: Vec<&'static str> = kinds
            .iter()
            .flat_map(|k| k.stored_types().iter().copied())
            .collect();
        types.sort_unstable();
        types.dedup();
        for (i, t) in types.into_iter().enumerate() {
            if i > 0 {
                text.push("|");
            }
            text.push(t);
        }
    }

    /// Whether the model can hold claims for this relation. Every kind the questions follow can: a
    /// participation through its hub's claims, every other relation through the claims anchored to
    /// its stored id (`Claim.aboutRelation`, see `store::write::apply_relation_evidence`), or the
    /// analyst's inference on it.
    pub fn carries_claims(self) -> bool {
        true
    }

    /// Whether the relation is stored through a hub node (an actor's participation in an event) rather
    /// than as one relationship.
    pub fn via_hub(self) -> bool {
        self == RelationKind::ParticipatedIn
    }
}

/// Which bound stopped a question early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bound {
    HopLimit,
    NodeLimit,
    TimeLimit,
}

/// What a question was allowed, and which bounds it hit.
#[derive(Debug, Clone)]
pub struct Budget {
    pub max_nodes: usize,
    deadline: Instant,
    pub hit: Vec<Bound>,
}

impl Budget {
    pub fn new(max_nodes: usize, time_limit: Duration) -> Self {
        Self {
            max_nodes,
            deadline: Instant::now() + time_limit,
            hit: Vec::new(),
        }
    }

    pub fn hit(&mut self, bound: Bound) {
        if !self.hit.contains(&bound) {
            self.hit.push(bound);
            self.hit.sort_unstable();
        }
    }

    fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

/// The parameter that marks a graph question's statement (see [`run_bounded`]).
const MARKER: &str = "cgGraphQuestion";

/// Runs a read statement under the question's remaining time. `None` means the time ran out: the
/// budget records `TIME_LIMIT`, and the statement is stopped on the server as well, so that a
/// question given up on does not keep Neo4j busy. (Dropping the driver's stream resets its
/// connection, which already stops the statement; the explicit `TERMINATE TRANSACTIONS` covers the
/// case where the connection survives, e.g. a future driver that keeps it.)
pub async fn run_bounded<T: DeserializeOwned>(
    db: &Db,
    statement: Statement,
    budget: &mut Budget,
) -> AppResult<Option<Vec<T>>> {
    let remaining = budget.remaining();
    if remaining.is_zero() {
        budget.hit(Bound::TimeLimit);
        return Ok(None);
    }
    // A marker parameter identifies the statement among the server's transactions. It is not put
    // in the text: a text that differs every time would defeat Neo4j's plan cache.
    let marker = uuid::Uuid::now_v7().to_string();
    let statement = statement.param(MARKER, &marker);
    db.count_trip(statement.text());
    let query = statement.into_query(&db.scope)?;
    let store = &db.store;
    let fetch = async {
        let mut stream = store.graph.execute_read(query).await?;
        let mut out = Vec::new();
        while let Some(row) = stream.next().await? {
            out.push(row);
        }
        Ok::<_, neo4rs::Error>(out)
    };
    match tokio::time::timeout(remaining, fetch).await {
        Ok(rows) => {
            let rows = rows.map_err(AppError::from)?;
            Ok(Some(rows.iter().map(decode_row).collect::<AppResult<_>>()?))
        }
        Err(_) => {
            budget.hit(Bound::TimeLimit);
            terminate(db, &marker).await;
            Ok(None)
        }
    }
}

/// Terminates the server-side transaction running the statement marked `marker`. Best effort: the
/// answer (truncated by time) does not depend on it, so a failure is only logged.
async fn terminate(db: &Db, marker: &str) {
    let text = "SHOW TRANSACTIONS YIELD transactionId AS tx, parameters AS p \
                WHERE p.cgGraphQuestion = $marker \
                TERMINATE TRANSACTIONS tx YIELD transactionId RETURN transactionId";
    db.count_trip(text);
    let query = neo4rs::query(text).param("marker", marker);
    let run = async {
        let mut stream = db.store.graph.execute(query).await?;
        let mut n = 0;
        while stream.next().await?.is_some() {
            n += 1;
        }
        Ok::<_, neo4rs::Error>(n)
    };
    match timed(db.store.query_timeout, run).await {
        Ok(n) => tracing::info!(terminated = n, "graph question over its time limit"),
        Err(e) => {
            tracing::warn!(error.detail = %e.detail(), "could not terminate a timed-out statement")
        }
    }
}

/// [`crate::store::records::NODE_PROJECTION`] for a node bound to any variable (a literal), so that
/// statements can project several nodes (a path's, a claim's source and its outlet) at once. Its
/// inner variable is `cg_s`, so that it does not capture a variable of the statement around it.
/// Joined at compile time: the result is a `&'static str`, a constant of the code.
macro_rules! projection {
    ($v:literal) => {
        concat!(
            $v,
            " {.*, searchText: null, labels: labels(",
            $v,
            "), ",
            "dateEarliest: toString(",
            $v,
            ".dateEarliest), dateLatest: toString(",
            $v,
            ".dateLatest), ",
            "publishedEarliest: toString(",
            $v,
            ".publishedEarliest), ",
            "publishedLatest: toString(",
            $v,
            ".publishedLatest), ",
            "createdAt: toString(",
            $v,
            ".createdAt), ",
            "location: CASE WHEN ",
            $v,
            ".location IS NULL THEN null ",
            "ELSE {latitude: ",
            $v,
            ".location.y, longitude: ",
            $v,
            ".location.x} END, ",
            "sourceId: CASE WHEN ",
            $v,
            ":Claim THEN head([(",
            $v,
            ")-[:CITES]->(cg_s:Source) | cg_s.id]) ELSE null END }"
        )
    };
}
pub(crate) use projection;

/// The claims about the relationship bound to `$v` (by its stored id, an index seek), projected.
macro_rules! relation_claims_of {
    ($v:literal) => {
        concat!(
            "COLLECT { MATCH (rcl:Claim {aboutRelation: ",
            $v,
            ".id}) RETURN ",
            $crate::store::graph::projection!("rcl"),
            " }"
        )
    };
}
pub(crate) use relation_claims_of;

/// The claims about the statement node bound to `$v` (a participation, a count), projected.
macro_rules! claims_of {
    ($v:literal) => {
        concat!(
            "[(",
            $v,
            ")<-[:ABOUT]-(cl:Claim) | ",
            $crate::store::graph::projection!("cl"),
            "]"
        )
    };
}
pub(crate) use claims_of;

/// The scope predicate for a node bound to `$v` (see [`crate::store::read::SCOPE`]).
macro_rules! scope {
    ($v:literal) => {
        concat!(
            "($collections IS NULL OR ",
            $v,
            ".collection IN $collections)"
        )
    };
}
pub(crate) use scope;

/// One relation between two nodes, as the questions return it.
#[derive(Debug, Clone)]
pub struct EdgeRecord {
    pub kind: RelationKind,
    /// The stored direction: `from` is the subject (the actor, the part, the earlier event).
    pub from: String,
    pub to: String,
    /// For `PARTICIPATED_IN`: the participation, with its role.
    pub participation: Option<ParticipationRecord>,
    /// The claims the relation rests on (a participation's, or those anchored to the relationship).
    pub claims: Vec<ClaimRecord>,
    /// The analyst's reasoning, for a relation drawn without a source.
    pub inference: Option<String>,
    /// The relationship's stored id (none for participations, and for relationships drawn before
    /// relations had ids).
    pub relation_id: Option<String>,
}

impl EdgeRecord {
    /// A stable id: the participation's id, or kind and ends.
    pub fn id(&self) -> String {
        match &self.participation {
            Some(p) => p.id.clone(),
            None => self
                .relation_id
                .clone()
                .unwrap_or_else(|| format!("{}:{}->{}", self.kind.as_str(), self.from, self.to)),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct EdgeRow {
    kind: String,
    from: String,
    to: String,
    #[serde(default)]
    participation: Option<Value>,
    #[serde(default)]
    claims: Vec<Value>,
    #[serde(default)]
    inference: Option<String>,
    #[serde(default)]
    rid: Option<String>,
}

impl EdgeRow {
    pub(crate) fn decode(self) -> AppResult<EdgeRecord> {
        let kind = RelationKind::parse(&self.kind)
            .ok_or_else(|| AppError::internal(format!("unknown relation {:?}", self.kind)))?;
        let participation = match self.participation {
            Some(Value::Null) | None => None,
            Some(v) => match NodeRecord::decode(v)? {
                NodeRecord::Participation(p) => Some(p),
                _ => return Err(AppError::internal("a participation edge without its hub")),
            },
        };
        Ok(EdgeRecord {
            kind,
            from: self.from,
            to: self.to,
            participation,
            claims: decode_claims(self.claims)?,
            inference: self.inference,
            relation_id: self.rid,
        })
    }
}

pub(crate) fn decode_claims(values: Vec<Value>) -> AppResult<Vec<ClaimRecord>> {
    values
        .into_iter()
        .map(|v| match NodeRecord::decode(v)? {
            NodeRecord::Claim(c) => Ok(c),
            _ => Err(AppError::internal("a claim projection that is not a claim")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projection_for_n_is_the_stores_node_projection() {
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(
            squash(&projection!("n").replace("cg_s", "s")),
            squash(crate::store::records::NODE_PROJECTION)
        );
    }

    #[test]
    fn relation_kinds_round_trip_and_participation_crosses_its_hub() {
        for k in RelationKind::ALL {
            assert_eq!(RelationKind::parse(k.as_str()), Some(k));
        }
        let mut text = Cypher::new();
        RelationKind::push_type_alternation(
            &mut text,
            &[RelationKind::LedTo, RelationKind::ParticipatedIn],
        );
        assert_eq!(
            text.into_statement().text(),
            "IN_EVENT|LED_TO|PARTICIPATES_AS"
        );
        assert!(RelationKind::ALL.iter().all(|k| k.carries_claims()));
        assert!(RelationKind::ParticipatedIn.via_hub());
        assert!(!RelationKind::LedTo.via_hub());
    }

    #[test]
    fn a_budget_records_each_bound_once() {
        let mut b = Budget::new(10, Duration::from_secs(1));
        b.hit(Bound::TimeLimit);
        b.hit(Bound::NodeLimit);
        b.hit(Bound::TimeLimit);
        assert_eq!(b.hit, vec![Bound::NodeLimit, Bound::TimeLimit]);
    }
}
