//! Typed configuration, read once from the environment at start-up.
//!
//! Nothing else in the crate reads environment variables: everything it needs is passed down from
//! [`Config`]. Every variable here is listed in `.env.example` and in the README's table.

use std::{fmt, net::IpAddr, str::FromStr, time::Duration};

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The whole service configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub http: HttpConfig,
    pub neo4j: Neo4jConfig,
    pub graphql: GraphqlLimits,
    pub log: LogConfig,
    pub seed: SeedConfig,
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub host: IpAddr,
    pub port: u16,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    /// How much of an oversized body is read and thrown away so that a client still sending sees its
    /// 413 rather than a broken pipe; beyond it the connection is closed.
    pub body_drain_bytes: usize,
    pub cors: CorsOrigins,
    pub graphiql: bool,
}

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No cross-origin access (the default: GraphiQL is served from the same origin).
    None,
    /// Any origin (`*`), for local visualisation frontends during development.
    Any,
    /// An explicit list such as `http://localhost:5173`.
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Neo4jConfig {
    pub uri: String,
    pub user: String,
    pub password: Secret,
    pub database: String,
    pub max_connections: usize,
    /// How long one attempt to reach Neo4j waits for a connection and an answer (start-up retries
    /// until `startup_timeout`). It never caps a statement: see `query_timeout`.
    pub connect_timeout: Duration,
    /// The statement timeout: upper bound for one statement, so that a lost database or a runaway
    /// query surfaces as `DATABASE_UNAVAILABLE` instead of a request hanging. Independent of
    /// `connect_timeout`; reads also hand it to Neo4j, which then stops the statement itself.
    pub query_timeout: Duration,
    /// How long start-up keeps trying to reach Neo4j before giving up with an explanation.
    pub startup_timeout: Duration,
    /// Upper bound for one schema statement of the migrations (an index, a backfill of derived keys,
    /// the wait for indexes to come online). Separate from `query_timeout`: a backfill over 10^6 nodes
    /// takes minutes, and an operator runs it once, not a client on every request.
    pub migration_timeout: Duration,
}

/// Limits that keep one request from monopolising the service or the database, or crashing it.
/// Checked before any parsing by `api::limits`; README's table says why each default is what it is.
#[derive(Debug, Clone, Copy)]
pub struct GraphqlLimits {
    /// Levels of nested fields.
    pub max_depth: usize,
    /// Fields the answer may hold, each list counted by its page size (`__typename` included).
    pub max_complexity: usize,
    pub max_page_size: usize,
    pub default_page_size: usize,
    /// Bytes of one GraphQL document.
    pub max_document_bytes: usize,
    /// Lexical tokens of one document.
    pub max_tokens: usize,
    /// Nesting of list and object values, in the document and in JSON variables.
    pub max_value_depth: usize,
    /// Aliased fields in one document.
    pub max_aliases: usize,
    /// Directives on one field, fragment or operation.
    pub max_directives: usize,
    /// Fields at the root of one operation.
    pub max_root_fields: usize,
    /// Requests in one batch.
    pub max_batch_size: usize,
    /// Nodes one `deleteCollection` request may delete: it is one transaction, bounded by Neo4j's
    /// transaction memory; a larger collection is deleted in batches by `casegraph delete-collection`.
    pub max_delete_nodes: usize,
    /// Bounds of the graph questions (neighbourhood, paths, timeline …).
    pub graph: GraphBounds,
    /// Parsed and validated documents kept for the next request with the same text
    /// (`api::documents`), entries of each cache; 0 keeps none.
    pub document_cache: usize,
}

/// Bounds of every graph question, so that none can hang a request or exhaust Neo4j. A question that
/// reaches one answers with what it has and says which bound it hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphBounds {
    /// Largest hop limit a caller may ask for (paths; neighbourhoods stop at 3 whatever this says).
    pub max_hops: u32,
    /// Largest number of nodes (or entries) one answer holds.
    pub max_nodes: usize,
    /// Largest number of paths one `paths` question returns.
    pub max_paths: u32,
    /// Time one question may take in the database, over all its statements.
    pub time_limit: Duration,
}

impl Default for GraphBounds {
    fn default() -> Self {
        Self {
            max_hops: 6,
            max_nodes: 500,
            max_paths: 5,
            time_limit: Duration::from_millis(5_000),
        }
    }
}

impl Default for GraphqlLimits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_complexity: 1_000_000,
            max_page_size: 100,
            default_page_size: 20,
            max_document_bytes: 65_536,
            max_tokens: 10_000,
            max_value_depth: 16,
            max_aliases: 50,
            max_directives: 5,
            max_root_fields: 20,
            max_batch_size: 10,
            max_delete_nodes: 10_000,
            graph: GraphBounds::default(),
            document_cache: 128,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    /// An `EnvFilter` directive such as `info,casegraph=debug`.
    pub filter: String,
    pub json: bool,
}

#[derive(Debug, Clone)]
pub struct SeedConfig {
    /// The dataset loaded into an empty database by `serve`.
    pub file: String,
    pub load_when_empty: bool,
}

/// A configuration variable that is missing or malformed.
#[derive(Debug, thiserror::Error)]
#[error("configuration variable {name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

/// Where variables come from: the process environment in production, a map in tests.
pub trait VarSource {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment (after dotenvy has loaded `.env`).
pub struct ProcessEnv;

impl VarSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<const N: usize> VarSource for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

impl Config {
    /// Reads the configuration from the process environment, loading `.env` first if present.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal (CI, containers); a malformed one is not silently ignored.
        if let Err(e) = dotenvy::dotenv() {
            if !e.not_found() {
                return Err(ConfigError {
                    name: ".env",
                    message: e.to_string(),
                });
            }
        }
        Self::from_source(&ProcessEnv)
    }

    pub fn from_source(src: &impl VarSource) -> Result<Self, ConfigError> {
        let password = src.var("NEO4J_PASSWORD").ok_or(ConfigError {
            name: "NEO4J_PASSWORD",
            message: "is required (copy .env.example to .env, or export it)".into(),
        })?;
        Ok(Config {
            http: HttpConfig {
                host: parse(src, "CASEGRAPH_HOST", "127.0.0.1")?,
                port: parse(src, "CASEGRAPH_PORT", "8080")?,
                request_timeout: secs(src, "CASEGRAPH_REQUEST_TIMEOUT_SECS", "30")?,
                body_limit_bytes: parse(src, "CASEGRAPH_BODY_LIMIT_BYTES", "1048576")?,
                body_drain_bytes: parse(src, "CASEGRAPH_BODY_DRAIN_BYTES", "67108864")?,
                cors: cors(src.var("CASEGRAPH_CORS_ORIGINS").unwrap_or_default()),
                graphiql: parse(src, "CASEGRAPH_GRAPHIQL", "true")?,
            },
            neo4j: Neo4jConfig {
                uri: src
                    .var("NEO4J_URI")
                    .unwrap_or_else(|| "bolt://127.0.0.1:7687".into()),
                user: src.var("NEO4J_USER").unwrap_or_else(|| "neo4j".into()),
                password: Secret::new(password),
                database: src.var("NEO4J_DATABASE").unwrap_or_else(|| "neo4j".into()),
                max_connections: parse(src, "NEO4J_MAX_CONNECTIONS", "16")?,
                connect_timeout: secs(src, "NEO4J_CONNECT_TIMEOUT_SECS", "5")?,
                query_timeout: secs(src, "NEO4J_QUERY_TIMEOUT_SECS", "15")?,
                startup_timeout: secs(src, "NEO4J_STARTUP_TIMEOUT_SECS", "30")?,
                migration_timeout: secs(src, "NEO4J_MIGRATION_TIMEOUT_SECS", "3600")?,
            },
            graphql: GraphqlLimits {
                // Beyond these the parser and the validator recurse deeper than a 2 MiB stack is
                // known to take (async-graphql's own recursion limit is 32): refuse to start.
                max_depth: at_most(src, "CASEGRAPH_MAX_DEPTH", "15", 32)?,
                max_complexity: parse(src, "CASEGRAPH_MAX_COMPLEXITY", "1000000")?,
                max_page_size: parse(src, "CASEGRAPH_MAX_PAGE_SIZE", "100")?,
                default_page_size: parse(src, "CASEGRAPH_DEFAULT_PAGE_SIZE", "20")?,
                max_document_bytes: parse(src, "CASEGRAPH_MAX_DOCUMENT_BYTES", "65536")?,
                max_tokens: parse(src, "CASEGRAPH_MAX_TOKENS", "10000")?,
                max_value_depth: at_most(src, "CASEGRAPH_MAX_VALUE_DEPTH", "16", 64)?,
                max_aliases: parse(src, "CASEGRAPH_MAX_ALIASES", "50")?,
                max_directives: parse(src, "CASEGRAPH_MAX_DIRECTIVES", "5")?,
                max_root_fields: parse(src, "CASEGRAPH_MAX_ROOT_FIELDS", "20")?,
                max_batch_size: parse(src, "CASEGRAPH_MAX_BATCH_SIZE", "10")?,
                max_delete_nodes: parse(src, "CASEGRAPH_MAX_DELETE_NODES", "10000")?,
                graph: graph_bounds(src)?,
                document_cache: parse(src, "CASEGRAPH_DOCUMENT_CACHE_SIZE", "128")?,
            },
            log: LogConfig {
                filter: src.var("RUST_LOG").unwrap_or_else(|| "info".into()),
                json: parse(src, "CASEGRAPH_LOG_JSON", "false")?,
            },
            seed: SeedConfig {
                file: src.var("CASEGRAPH_SEED_FILE").unwrap_or_else(|| {
                    "data/seed/meduza-2025-01-st-petersburg-migrant-raids.json".into()
                }),
                load_when_empty: parse(src, "CASEGRAPH_SEED_ON_EMPTY", "true")?,
            },
        })
    }
}

fn parse<T: FromStr>(
    src: &impl VarSource,
    name: &'static str,
    default: &str,
) -> Result<T, ConfigError>
where
    T::Err: fmt::Display,
{
    let raw = src.var(name).unwrap_or_else(|| default.to_string());
    raw.trim().parse().map_err(|e| ConfigError {
        name,
        message: format!("cannot parse {raw:?}: {e}"),
    })
}

fn at_most(
    src: &impl VarSource,
    name: &'static str,
    default: &str,
    max: usize,
) -> Result<usize, ConfigError> {
    let n: usize = parse(src, name, default)?;
    if n > max {
        return Err(ConfigError {
            name,
            message: format!("must be at most {max}: deeper nesting can overflow the stack"),
        });
    }
    Ok(n)
}

fn secs(src: &impl VarSource, name: &'static str, default: &str) -> Result<Duration, ConfigError> {
    let n: u64 = parse(src, name, default)?;
    if n == 0 {
        return Err(ConfigError {
            name,
            message: "must be at least 1 second".into(),
        });
    }
    Ok(Duration::from_secs(n))
}

fn graph_bounds(src: &impl VarSource) -> Result<GraphBounds, ConfigError> {
    let at_least_one = |name: &'static str, n: u64| {
        if n == 0 {
            Err(ConfigError {
                name,
                message: "must be at least 1".into(),
            })
        } else {
            Ok(n)
        }
    };
    let hops: u64 = parse(src, "CASEGRAPH_GRAPH_MAX_HOPS", "6")?;
    let nodes: u64 = parse(src, "CASEGRAPH_GRAPH_MAX_NODES", "500")?;
    let paths: u64 = parse(src, "CASEGRAPH_GRAPH_MAX_PATHS", "5")?;
    let millis: u64 = parse(src, "CASEGRAPH_GRAPH_TIME_LIMIT_MS", "5000")?;
    // A hop limit beyond 10 makes a var-length search over a dense graph unbounded in practice.
    let hops = at_least_one("CASEGRAPH_GRAPH_MAX_HOPS", hops)?.min(10) as u32;
    Ok(GraphBounds {
        max_hops: hops,
        max_nodes: at_least_one("CASEGRAPH_GRAPH_MAX_NODES", nodes)? as usize,
        max_paths: at_least_one("CASEGRAPH_GRAPH_MAX_PATHS", paths)?.min(50) as u32,
        time_limit: Duration::from_millis(at_least_one("CASEGRAPH_GRAPH_TIME_LIMIT_MS", millis)?),
    })
}

fn cors(raw: String) -> CorsOrigins {
    let raw = raw.trim();
    match raw {
        "" => CorsOrigins::None,
        "*" => CorsOrigins::Any,
        list => CorsOrigins::List(
            list.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_only_the_password_is_set() {
        let c = Config::from_source(&[("NEO4J_PASSWORD", "pw-123456")]).unwrap();
        assert_eq!(c.http.port, 8080);
        assert_eq!(c.neo4j.uri, "bolt://127.0.0.1:7687");
        assert_eq!(c.http.cors, CorsOrigins::None);
        assert_eq!(c.graphql.max_page_size, 100);
        assert_eq!(c.graphql.graph, GraphBounds::default());
    }

    #[test]
    fn graph_bounds_read_from_the_environment_and_refuse_zero() {
        let c = Config::from_source(&[
            ("NEO4J_PASSWORD", "p"),
            ("CASEGRAPH_GRAPH_MAX_NODES", "42"),
            ("CASEGRAPH_GRAPH_TIME_LIMIT_MS", "250"),
        ])
        .unwrap();
        assert_eq!(c.graphql.graph.max_nodes, 42);
        assert_eq!(c.graphql.graph.time_limit, Duration::from_millis(250));
        let e = Config::from_source(&[("NEO4J_PASSWORD", "p"), ("CASEGRAPH_GRAPH_MAX_HOPS", "0")])
            .unwrap_err();
        assert_eq!(e.name, "CASEGRAPH_GRAPH_MAX_HOPS");
    }

    #[test]
    fn nesting_limits_that_could_overflow_the_stack_are_refused() {
        let e =
            Config::from_source(&[("NEO4J_PASSWORD", "p"), ("CASEGRAPH_MAX_VALUE_DEPTH", "65")])
                .unwrap_err();
        assert_eq!(e.name, "CASEGRAPH_MAX_VALUE_DEPTH");
        let e = Config::from_source(&[("NEO4J_PASSWORD", "p"), ("CASEGRAPH_MAX_DEPTH", "33")])
            .unwrap_err();
        assert_eq!(e.name, "CASEGRAPH_MAX_DEPTH");
        let ok =
            Config::from_source(&[("NEO4J_PASSWORD", "p"), ("CASEGRAPH_MAX_VALUE_DEPTH", "64")]);
        assert_eq!(ok.unwrap().graphql.max_value_depth, 64);
    }

    #[test]
    fn the_graphql_limits_read_from_the_environment_default_to_the_same_values_as_default() {
        let read = Config::from_source(&[("NEO4J_PASSWORD", "p")])
            .unwrap()
            .graphql;
        let code = GraphqlLimits::default();
        assert_eq!(format!("{read:?}"), format!("{code:?}"));
    }

    #[test]
    fn a_missing_password_is_an_error_naming_the_variable() {
        let e = Config::from_source(&[("NEO4J_URI", "bolt://x:1")]).unwrap_err();
        assert_eq!(e.name, "NEO4J_PASSWORD");
    }

    #[test]
    fn a_malformed_number_is_an_error_naming_the_variable() {
        let e = Config::from_source(&[("NEO4J_PASSWORD", "p"), ("CASEGRAPH_PORT", "eighty")])
            .unwrap_err();
        assert_eq!(e.name, "CASEGRAPH_PORT");
    }

    #[test]
    fn cors_origins_parse_as_none_any_or_list() {
        assert_eq!(cors("*".into()), CorsOrigins::Any);
        assert_eq!(
            cors(" a , b ".into()),
            CorsOrigins::List(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn the_password_never_appears_in_debug_output() {
        let c = Config::from_source(&[("NEO4J_PASSWORD", "hunter2-secret")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2-secret"));
    }

    #[test]
    fn every_variable_read_here_is_in_env_example_and_the_readme() {
        let source = include_str!("config.rs");
        let example = include_str!("../.env.example");
        let readme = include_str!("../README.md");
        // Every string literal that names a variable: `"` + prefix + upper-case letters and underscores.
        let mut names: Vec<&str> = Vec::new();
        for prefix in ["\"CASEGRAPH_", "\"NEO4J_", "\"RUST_LOG"] {
            for (at, _) in source.match_indices(prefix) {
                let rest = &source[at + 1..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                    .unwrap_or(rest.len());
                if rest[end..].starts_with('"')
                    && end >= prefix.len() - 1
                    && !rest[..end].ends_with('_')
                {
                    names.push(&rest[..end]);
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        assert!(names.len() >= 22, "found only {names:?}");
        for name in names {
            assert!(
                example.contains(&format!("{name}=")),
                "{name} is missing from .env.example"
            );
            assert!(
                readme.contains(&format!("`{name}`")),
                "{name} is missing from the README's table"
            );
        }
    }
}
