//! Liveness and readiness probes.

use std::time::Duration;

use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde_json::json;

use super::AppState;
use crate::{error::AppError, store::Readiness};

/// `GET /health`: the process is alive and serving. It does not touch the database, so an
/// orchestrator never restarts the service because Neo4j is down.
pub async fn health() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// `GET /ready`: Neo4j answers and the migrations are in place. 503 while Neo4j is down; 200 again as
/// soon as it is back, without restarting the service. The probe only reads: a schema found missing
/// is reported, not created (see [`crate::store::Store::readiness`]).
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.readiness(Duration::from_secs(3)).await {
        Readiness::Ready => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "database": "up", "migrations": "applied" })),
        ),
        Readiness::MigrationsMissing { present, expected } => {
            tracing::warn!(present, expected, "readiness: schema migrations missing");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "database": "up",
                    "migrations": "missing",
                    "reason": "schema migrations missing: run `casegraph migrate` or restart the service",
                })),
            )
        }
        Readiness::DatabaseDown(e) => {
            let reason = match &e {
                AppError::DatabaseUnavailable(_) => "database unavailable",
                _ => "database check failed",
            };
            tracing::warn!(error = %e.detail(), "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "database": "down",
                    "migrations": if state.store.migrations_applied() { "applied" } else { "unknown" },
                    "reason": reason,
                })),
            )
        }
    }
}
