//! The plans Neo4j makes for our statements, for the tests that check a statement starts from an
//! index. The driver does not expose plans, so they are read back from the query statistics Neo4j
//! collects (`db.stats`).
//!
//! Neo4j keeps one query collector per database: two callers collecting at once stop and clear each
//! other's statistics (the suite's tests run concurrently against one database, and did exactly that).
//! So a [`Collection`] holds a process-wide lock from its start to its end, and reading back waits
//! until every statement asked for has been recorded, since Neo4j records them asynchronously.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::{Mutex, MutexGuard};

use super::{Db, Statement};
use crate::error::{AppError, AppResult};

/// One collection at a time in this process: see the module's documentation.
static COLLECTOR: Mutex<()> = Mutex::const_new(());

/// How long recorded statements may take to show up in the statistics.
const RECORDING_WAIT: Duration = Duration::from_secs(30);

/// A running query collection, started empty. Statements run meanwhile (by anyone) are recorded;
/// [`Collection::plans`] reads back the plans of the ones asked for.
pub struct Collection<'a> {
    db: &'a Db,
    _turn: MutexGuard<'static, ()>,
}

impl<'a> Collection<'a> {
    /// Waits for any other collection of this process to end, then starts an empty one.
    pub async fn start(db: &'a Db) -> AppResult<Collection<'a>> {
        let turn = COLLECTOR.lock().await;
        // Stopping a collector that does not run is an error: that is the usual case, so it is ignored.
        let _ = call(
            db,
            "CALL db.stats.stop('QUERIES') YIELD success RETURN success AS row",
        )
        .await;
        call(
            db,
            "CALL db.stats.clear('QUERIES') YIELD success RETURN success AS row",
        )
        .await?;
        call(
            db,
            "CALL db.stats.collect('QUERIES', {durationSeconds: 600}) YIELD success \
             RETURN success AS row",
        )
        .await?;
        Ok(Collection { db, _turn: turn })
    }

    /// The plan Neo4j recorded for each of `texts` (statement texts, exactly as sent), in the order
    /// given; an error names the first text still unrecorded after [`RECORDING_WAIT`].
    pub async fn plans(&self, texts: &[String]) -> AppResult<Vec<(String, Value)>> {
        #[derive(Deserialize)]
        struct Row {
            query: String,
            plan: Value,
        }
        let started = std::time::Instant::now();
        loop {
            let rows: Vec<Row> = self
                .db
                .rows(
                    Statement::new(
                        "CALL db.stats.retrieve('QUERIES') YIELD data WITH data \
                         WHERE data.query IN $texts \
                         RETURN {query: data.query, plan: data.queryExecutionPlan} AS row",
                    )
                    .param("texts", texts),
                )
                .await?;
            let found: Vec<(String, Value)> = texts
                .iter()
                .filter_map(|t| {
                    let row = rows.iter().find(|r| &r.query == t)?;
                    Some((t.clone(), row.plan.clone()))
                })
                .collect();
            if found.len() == texts.len() {
                return Ok(found);
            }
            if started.elapsed() > RECORDING_WAIT {
                let missing = texts.iter().find(|t| !found.iter().any(|(f, _)| f == *t));
                return Err(AppError::internal(format!(
                    "the query collector did not record: {}",
                    missing.map(String::as_str).unwrap_or("?")
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the collection and empties it, so that the statistics do not keep growing.
    pub async fn finish(self) -> AppResult<()> {
        call(
            self.db,
            "CALL db.stats.stop('QUERIES') YIELD success RETURN success AS row",
        )
        .await?;
        call(
            self.db,
            "CALL db.stats.clear('QUERIES') YIELD success RETURN success AS row",
        )
        .await
    }
}

async fn call(db: &Db, text: &'static str) -> AppResult<()> {
    let _: Vec<Value> = db.rows(Statement::new(text)).await?;
    Ok(())
}

/// Every operator name in a plan tree, depth first.
pub fn operators(plan: &Value) -> Vec<String> {
    fn walk(plan: &Value, out: &mut Vec<String>) {
        if let Some(op) = plan.get("operator").and_then(Value::as_str) {
            out.push(op.to_string());
        }
        for side in ["lhs", "rhs"] {
            if let Some(child) = plan.get(side) {
                walk(child, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(plan, &mut out);
    out
}

/// The operators of the plan Neo4j makes for `statement`, which is only `EXPLAIN`ed, never run.
pub async fn plan_operators(db: &Db, statement: Statement) -> AppResult<Vec<String>> {
    let collection = Collection::start(db).await?;
    let explained = statement.explain();
    let text = explained.text().to_string();
    let _: Vec<Value> = db.rows(explained).await?;
    let plans = collection.plans(std::slice::from_ref(&text)).await?;
    collection.finish().await?;
    Ok(operators(&plans[0].1))
}
