//! `system`: what this service is and whether its database answers.

use async_graphql::{Context, Object, SimpleObject};

/// Queries about the service itself.
#[derive(Default)]
pub struct SystemQuery;

#[Object]
impl SystemQuery {
    /// The service's version and the state of its database. Useful as a health check from GraphiQL.
    async fn system(&self) -> SystemInfo {
        SystemInfo
    }
}

/// The casegraph service.
pub struct SystemInfo;

/// The casegraph service.
#[Object]
impl SystemInfo {
    /// casegraph's version (semantic versioning).
    async fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// The Neo4j database behind the service. Never fails: an unreachable database is reported as
    /// `reachable: false`.
    async fn database(&self, ctx: &Context<'_>) -> DatabaseStatus {
        let db = super::db(ctx);
        match db.database_info().await {
            Ok(info) => DatabaseStatus {
                reachable: true,
                name: Some(info.name),
                version: Some(info.version),
                edition: Some(info.edition),
                migrations_applied: db.migrations_applied(),
            },
            Err(_) => DatabaseStatus {
                reachable: false,
                name: None,
                version: None,
                edition: None,
                migrations_applied: db.migrations_applied(),
            },
        }
    }
}

/// The state of the Neo4j database.
#[derive(SimpleObject)]
pub struct DatabaseStatus {
    /// Whether Neo4j answered a query just now.
    reachable: bool,
    /// The DBMS component's name, e.g. "Neo4j Kernel".
    name: Option<String>,
    /// Neo4j's version, e.g. "5.26.30".
    version: Option<String>,
    /// "community" or "enterprise".
    edition: Option<String>,
    /// Whether casegraph's constraints and indexes (`schema/constraints.cypher`) have been applied.
    migrations_applied: bool,
}
