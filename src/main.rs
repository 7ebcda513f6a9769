//! The `casegraph` command: serve the API, import data, apply migrations, export the schema.

use clap::{Parser, Subcommand};

use casegraph::{config::Config, startup, telemetry};

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
    /// Import a casegraph/v1 data file (upsert: re-importing changes nothing).
    Import {
        /// Path to the JSON data file.
        file: String,
    },
    /// Print the GraphQL schema (SDL) to stdout.
    ExportSchema,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Some(Command::ExportSchema) = cli.command {
        print!("{}", casegraph::api::sdl());
        return std::process::ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("casegraph: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => startup::connect_and_migrate(&config)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Command::Import { file } => import(config, file).await,
        Command::ExportSchema => unreachable!("handled above"),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("casegraph: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let app = startup::Application::build(config.clone())
        .await
        .map_err(|e| e.to_string())?;
    let host = match config.http.host.to_string().as_str() {
        "0.0.0.0" | "::" => "localhost".to_string(),
        h => h.to_string(),
    };
    tracing::info!(port = app.port(), "casegraph is listening");
    println!("casegraph is up: GraphiQL at http://{host}:{}/graphql (API: POST /graphql, probes: /health, /ready)", app.port());
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn import(config: Config, file: String) -> Result<(), String> {
    let store = startup::connect_and_migrate(&config)
        .await
        .map_err(|e| e.to_string())?;
    let report = casegraph::import::import_file(&store, &file)
        .await
        .map_err(|e| e.detail())?;
    println!("{report}");
    Ok(())
}
