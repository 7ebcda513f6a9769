//! The `casegraph` command: serve the API, import data, apply migrations, export the schema.

use clap::{Parser, Subcommand};

use std::process::ExitCode;

use casegraph::{config::Config, error::AppError, startup, telemetry};

/// mimalloc rather than glibc's malloc: see docs/decisions.md, "Allocator".
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "casegraph",
    version,
    about = "GraphQL knowledge graph of events, actors, places and sources"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API (the default).
    Serve,
    /// Apply the schema migrations (constraints and indexes) and exit.
    Migrate,
    /// Import a casegraph/v1 data file, a document or NDJSON (upsert: re-importing changes nothing).
    ///
    /// The file is read as a stream and written in transactions of --batch-size records, each with a
    /// checkpoint: an interrupted import, run again, goes on after the last committed batch. See
    /// docs/data-format.md.
    Import {
        /// Path to the data file: a casegraph/v1 JSON document or NDJSON (one record per line).
        file: String,
        /// Records per transaction.
        #[arg(long, default_value_t = casegraph::import::bulk::DEFAULT_BATCH_SIZE,
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
        batch_size: usize,
        /// What to do with a bad record: stop there (its batch unwritten), or skip it and list it at
        /// the end.
        #[arg(long, value_enum, default_value_t = casegraph::import::bulk::OnError::Stop)]
        on_error: casegraph::import::bulk::OnError,
        /// Write every batch again, ignoring the checkpoints of earlier runs.
        #[arg(long)]
        restart: bool,
    },
    /// Write a casegraph/v1 file as CSV files for Neo4j's offline bulk importer (`neo4j-admin
    /// database import full`), for the first load of an empty database: checked record by record
    /// as `import` checks it, the same graph, at the bulk importer's speed. `scripts/bulk-load FILE`
    /// runs the whole load; see the README ("Loading a large file").
    ExportCsv {
        /// Path to the data file: a casegraph/v1 JSON document or NDJSON (one record per line).
        file: String,
        /// A new directory for the CSV files and `neo4j-admin.args` (it must not exist).
        dir: std::path::PathBuf,
    },
    /// Delete a collection and everything in it, in batches of bounded size (for collections larger
    /// than one `deleteCollection` request deletes: see CASEGRAPH_MAX_DELETE_NODES). Each batch
    /// commits on its own; if interrupted, run it again to delete the rest.
    DeleteCollection {
        /// The collection's id.
        id: String,
    },
    /// Print the GraphQL schema (SDL) to stdout.
    ExportSchema,
}

/// Why a command failed. Each kind keeps its own type until it is reported, once, in [`main`]: the
/// operator sees the full detail (these are the command line and the logs, never an API response).
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Startup(#[from] startup::StartupError),
    /// `AppError` is deliberately not `Display` (see `error.rs`); its operator detail is shown.
    #[error("{}", .0.detail())]
    App(AppError),
    #[error("the server stopped with an error: {0}")]
    Serve(#[from] std::io::Error),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::ExportSchema) = cli.command {
        print!("{}", casegraph::api::sdl());
        return ExitCode::SUCCESS;
    }
    if let Some(Command::ExportCsv { file, dir }) = &cli.command {
        // No database: no configuration needed.
        return match casegraph::import::offline::export(file, dir, false).await {
            Ok(report) => {
                println!("wrote {}: {report}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("casegraph: {}", e.detail());
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("casegraph: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => startup::connect_and_migrate(&config)
            .await
            .map(|_| ())
            .map_err(Failure::from),
        Command::Import {
            file,
            batch_size,
            on_error,
            restart,
        } => {
            let options = casegraph::import::bulk::Options {
                batch_size,
                on_error,
                restart,
                quiet: false,
            };
            import(config, file, options).await
        }
        Command::DeleteCollection { id } => delete_collection(config, id).await,
        Command::ExportSchema | Command::ExportCsv { .. } => unreachable!("handled above"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let code = match &failure {
                Failure::App(e) => Some(e.code()),
                _ => None,
            };
            tracing::error!(error = %failure, error.code = code, "casegraph failed");
            eprintln!("casegraph: {failure}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), Failure> {
    let app = startup::Application::build(config.clone()).await?;
    let host = match config.http.host.to_string().as_str() {
        "0.0.0.0" | "::" => "localhost".to_string(),
        h => h.to_string(),
    };
    tracing::info!(port = app.port(), "casegraph is listening");
    println!("casegraph is up: GraphiQL at http://{host}:{}/graphql (API: POST /graphql, probes: /health, /ready)", app.port());
    Ok(app.run_until_stopped().await?)
}

async fn import(
    config: Config,
    file: String,
    options: casegraph::import::bulk::Options,
) -> Result<(), Failure> {
    let store = startup::connect_and_migrate(&config).await?;
    let report = casegraph::import::bulk::import(&store, &file, &options).await?;
    println!("imported {file}: {report}");
    Ok(())
}

async fn delete_collection(config: Config, id: String) -> Result<(), Failure> {
    let store = startup::connect_and_migrate(&config).await?;
    let deleted = casegraph::store::admin::delete_collection(&store, &id).await?;
    if deleted.nodes == 0 {
        println!("no node belongs to collection {id:?}: nothing deleted");
    } else {
        println!(
            "deleted collection {id:?}: {} nodes, {} relationships",
            deleted.nodes, deleted.relationships
        );
    }
    Ok(())
}
