//! Applies `schema/constraints.cypher`: idempotent constraints and indexes, at start-up and in tests.

use crate::error::AppResult;

use super::{
    records::{PARTICIPATION_KEYS, SORT_KEYS},
    Store,
};

/// The statements of `schema/constraints.cypher`, compiled into the binary so that a deployed service
/// never runs with a schema file from another version.
const CONSTRAINTS: &str = include_str!("../../schema/constraints.cypher");

/// Splits the file into statements, dropping `//` comment lines.
pub fn statements() -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in CONSTRAINTS.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        current.push_str(trimmed);
        current.push(' ');
        if trimmed.ends_with(';') {
            out.push(current.trim().trim_end_matches(';').to_string());
            current.clear();
        }
    }
    out
}

/// The number of `cg_` indexes the migrations create: each constraint is backed by an index of the
/// same name, so counting indexes tells whether everything is in place. (`DROP` statements remove
/// what an older version created and count for nothing.)
pub fn expected_index_count() -> usize {
    statements()
        .iter()
        .filter(|s| s.starts_with("CREATE"))
        .count()
}

/// Each label with stored derived keys, and one key that every node of it has once they are set: a
/// node missing it was written before that key existed. (`searchText`, the search key, came after
/// the sort keys, so a graph from then has sort keys and no search key; an event's span class,
/// `spanClass`, after both.)
const DERIVED: [(&str, &str); 15] = [
    ("Event", "sortDate"),
    ("Actor", "sortName"),
    ("Place", "sortName"),
    ("Collection", "sortName"),
    ("Source", "sortPublished"),
    ("Claim", "sortCreated"),
    ("Count", "sortFigure"),
    ("Term", "sortTerm"),
    ("Event", "searchText"),
    ("Actor", "searchText"),
    ("Place", "searchText"),
    ("Source", "searchText"),
    ("Claim", "searchText"),
    ("Count", "searchText"),
    ("Event", "spanClass"),
];

/// Fills in the derived keys ([`SORT_KEYS`]) of nodes written before they existed, in transactions of
/// bounded size so that a large graph needs no huge one. Lists read only nodes that have their key, so
/// this must run before the service answers (it does: start-up migrates first). Once done it costs
/// one scan of each label's key.
fn backfills() -> Vec<String> {
    DERIVED
        .iter()
        .map(|(label, key)| {
            format!(
                "MATCH (n:{label}) WHERE n.{key} IS NULL \
                 CALL (n) {{ SET {SORT_KEYS} }} IN TRANSACTIONS OF 10000 ROWS"
            )
        })
        .collect()
}

/// Fills in the copies the nested pages' indexes hold (`read::seek`) for nodes written before them:
/// a participation's of its actor and event (`PARTICIPATION_KEYS`; after the events' sort keys; also
/// those the offline export could not be sure of: `write::event_dates`), an event's of its place. Once done, each costs a scan of the label's property: only nodes without
/// the copy are expanded.
fn neighbour_backfills() -> [String; 2] {
    [
        format!(
            "MATCH (n:Participation) WHERE n.eventId IS NULL \
             MATCH (a:Actor)-[:PARTICIPATES_AS]->(n)-[:IN_EVENT]->(e:Event) \
             CALL (n, a, e) {{ SET {PARTICIPATION_KEYS} }} IN TRANSACTIONS OF 10000 ROWS"
        ),
        "MATCH (e:Event) WHERE e.placeId IS NULL MATCH (e)-[:AT]->(p:Place) \
         CALL (e, p) { SET e.placeId = p.id } IN TRANSACTIONS OF 10000 ROWS"
            .to_string(),
    ]
}

pub async fn apply(store: &Store) -> AppResult<()> {
    for statement in statements() {
        store.run_schema_statement(&statement).await?;
    }
    for statement in backfills() {
        store.run_schema_statement(&statement).await?;
    }
    for statement in neighbour_backfills() {
        store.run_schema_statement(&statement).await?;
    }
    // Neo4j builds a new index in the background. Lists name the search indexes in hints (see
    // `read::ListKind`), and a hint on an index still being built fails the statement: so the
    // service answers only once every index is online (within the migration timeout: a new index
    // over 10^6 nodes takes a while to populate).
    let wait = store.migration_timeout.as_secs().max(1);
    store
        .run_schema_statement(&format!("CALL db.awaitIndexes({wait})"))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_is_idempotent_and_named() {
        let all = statements();
        assert!(all.len() > 10);
        for s in &all {
            let idempotent = if s.starts_with("DROP") {
                s.ends_with("IF EXISTS")
            } else {
                s.contains("IF NOT EXISTS")
            };
            assert!(idempotent, "not idempotent: {s}");
            assert!(s.contains(" cg_"), "not named cg_*: {s}");
            assert!(!s.contains(';'), "two statements glued together: {s}");
        }
    }
}
