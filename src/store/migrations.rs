//! Applies `schema/constraints.cypher`: idempotent constraints and indexes, at start-up and in tests.

use crate::error::AppResult;

use super::{
    records::{region_keys, PARTICIPATION_KEYS, SORT_KEYS},
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

/// The label of the migrations ledger: one node per backfill whose work is known to be done for
/// the whole database, named as [`Backfill::name`]. Only `casegraph export-csv` writes it today,
/// for the backfills its files make redundant (`store::write::csv`): a first load of 10^6 events
/// otherwise spends minutes of `casegraph migrate` scanning for keys the export wrote.
/// Every writer of the service sets those keys itself, so a backfill done stays done; one that is
/// not in the ledger runs as it always did. Not a `Node`: not data.
pub const LEDGER: &str = "AppliedMigration";

/// A statement that fills in keys of nodes written before the keys existed (or left to it by the
/// offline export), and the name it has in the ledger ([`LEDGER`]): `<label>.<key>`, the key whose
/// absence it looks for. A new key gets a new name, so that no ledger entry can skip it.
pub struct Backfill {
    pub name: String,
    statement: String,
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

/// The ledger name of the backfill of the participations' copies ([`PARTICIPATION_KEYS`]).
pub const PARTICIPATION_COPIES: &str = "Participation.eventId";
/// The ledger name of the backfill of the events' copies of their place's id.
pub const EVENT_PLACE_COPY: &str = "Event.placeId";
/// The ledger name of the backfill of the events' region relationships ([`region_keys`]).
pub const EVENT_REGIONS: &str = "Event.IN_REGION";

/// Every backfill, in order. The derived keys ([`SORT_KEYS`]) of nodes written before they existed
/// come first, in transactions of bounded size so that a large graph needs no huge one. Lists read
/// only nodes that have their key, so this must run before the service answers (it does: start-up
/// migrates first). Once done it costs one scan of each label's key. Then the copies the nested
/// pages' indexes hold (`read::seek`): a participation's of its actor and event
/// (`PARTICIPATION_KEYS`; after the events' sort keys; also those the offline export could not be
/// sure of: `write::event_dates`), an event's of its place. Once done, each costs a scan of the
/// label's property: only nodes without the copy are expanded.
pub fn backfills() -> Vec<Backfill> {
    let mut out: Vec<Backfill> = DERIVED
        .iter()
        .map(|(label, key)| Backfill {
            name: format!("{label}.{key}"),
            statement: format!(
                "MATCH (n:{label}) WHERE n.{key} IS NULL \
                 CALL (n) {{ SET {SORT_KEYS} }} IN TRANSACTIONS OF 10000 ROWS"
            ),
        })
        .collect();
    out.push(Backfill {
        name: PARTICIPATION_COPIES.into(),
        statement: format!(
            "MATCH (n:Participation) WHERE n.eventId IS NULL \
             MATCH (a:Actor)-[:PARTICIPATES_AS]->(n)-[:IN_EVENT]->(e:Event) \
             CALL (n, a, e) {{ SET {PARTICIPATION_KEYS} }} IN TRANSACTIONS OF 10000 ROWS"
        ),
    });
    out.push(Backfill {
        name: EVENT_PLACE_COPY.into(),
        statement: "MATCH (e:Event) WHERE e.placeId IS NULL MATCH (e)-[:AT]->(p:Place) \
             CALL (e, p) { SET e.placeId = p.id } IN TRANSACTIONS OF 10000 ROWS"
            .to_string(),
    });
    // After the sort keys and span classes it copies. An event at no place has none to add.
    out.push(Backfill {
        name: EVENT_REGIONS.into(),
        statement: concat!(
            "MATCH (a:Event) WHERE a.placeId IS NOT NULL AND NOT EXISTS { (a)-[:IN_REGION]->() } \
             CALL (a) {",
            region_keys!("a"),
            " } IN TRANSACTIONS OF 5000 ROWS"
        )
        .to_string(),
    });
    out
}

pub async fn apply(store: &std::sync::Arc<Store>) -> AppResult<()> {
    for statement in statements() {
        store.run_schema_statement(&statement).await?;
    }
    let done = store.applied_migrations().await?;
    let (skipped, left): (Vec<Backfill>, Vec<Backfill>) = backfills()
        .into_iter()
        .partition(|b| done.contains(&b.name));
    if !skipped.is_empty() {
        let names: Vec<&str> = skipped.iter().map(|b| b.name.as_str()).collect();
        tracing::info!(
            backfills = names.join(", "),
            "backfills skipped: done (migrations ledger)"
        );
    }
    for backfill in left {
        store.run_schema_statement(&backfill.statement).await?;
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
