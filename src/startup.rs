//! Builds the running application from a [`Config`]: the store, migrations, the seed, the schema, the
//! router and the listener. `main` and the tests both go through here.

use std::{net::SocketAddr, sync::Arc};

use tokio::net::TcpListener;

use crate::{api, config::Config, http, store::Store};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
}

/// What went wrong while starting, said so that an operator knows what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "cannot reach Neo4j at {uri} as user {user:?} within {secs}s: {reason}.\n\
         Fix: start the local database with `scripts/neo4j-local start` (or use `scripts/run`, which does), \
         or point NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD at a running Neo4j 5.26."
    )]
    Unreachable {
        uri: String,
        user: String,
        secs: u64,
        reason: String,
    },
    #[error("cannot apply the schema migrations: {0}")]
    Migrations(String),
    #[error("cannot load the seed dataset {file}: {reason}")]
    Seed { file: String, reason: String },
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("{0}")]
    Other(String),
}

/// Connects to Neo4j, waiting for it for the configured start-up time, and applies the migrations.
pub async fn connect_and_migrate(config: &Config) -> Result<Arc<Store>, StartupError> {
    let store = Store::connect(&config.neo4j).map_err(|e| StartupError::Other(e.detail()))?;
    let info = store
        .wait_until_reachable(config.neo4j.startup_timeout)
        .await
        .map_err(|reason| StartupError::Unreachable {
            uri: config.neo4j.uri.clone(),
            user: config.neo4j.user.clone(),
            secs: config.neo4j.startup_timeout.as_secs(),
            reason,
        })?;
    tracing::info!(neo4j.uri = %config.neo4j.uri, neo4j.version = %info.version, neo4j.edition = %info.edition, "connected to Neo4j");
    store
        .migrate()
        .await
        .map_err(|e| StartupError::Migrations(e.detail()))?;
    Ok(store)
}

impl Application {
    /// Connects, migrates, loads the seed into an empty database (if configured) and binds the
    /// listener. Port 0 binds a free port: tests read it back with [`Application::port`].
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let store = connect_and_migrate(&config).await?;
        if config.seed.load_when_empty {
            crate::import::load_seed_if_empty(&store, &config.seed.file)
                .await
                .map_err(|e| StartupError::Seed {
                    file: config.seed.file.clone(),
                    reason: e.detail(),
                })?;
        }
        let addr = SocketAddr::new(config.http.host, config.http.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| StartupError::Bind {
                addr,
                reason: e.to_string(),
            })?;
        let router = router_for(store, config);
        Ok(Application { listener, router })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until SIGTERM or SIGINT, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

/// The router over an existing store: what tests use to drive requests without a listener.
pub fn router_for(store: Arc<Store>, config: Config) -> axum::Router {
    let documents = Arc::new(api::documents::Documents::new(
        config.graphql.document_cache,
    ));
    let schema = api::build_schema_with(config.graphql, documents.clone());
    http::router(http::AppState {
        schema,
        documents,
        store,
        config: Arc::new(config),
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests in flight");
}
