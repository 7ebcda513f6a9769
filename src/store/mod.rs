//! The graph store: every Cypher statement the service issues lives under this module.
//!
//! - [`Store`] owns the Neo4j connection pool; it is shared by the whole process.
//! - [`Db`] is a request's handle on it: it carries the request's collection [`Scope`] and counts the
//!   request's round trips. Every statement is bound to `$collections` here, in one place, so that a
//!   collection filter (and later per-collection access control) reaches every query.
//! - Resolvers never write Cypher: they call the functions of the sub-modules, or DataLoaders that do.
//!
//! Every user value reaches Cypher as a parameter. Labels and relationship types appear only in the
//! constant statement texts of this module.

pub mod admin;
pub mod evidence;
pub mod graph;
pub mod migrations;
pub mod plans;
pub mod read;
pub mod records;
pub mod write;

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use futures::future::BoxFuture;
use neo4rs::{BoltType, ConfigBuilder, Graph, Query};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{
    config::Neo4jConfig,
    error::{AppError, AppResult},
};

/// A Cypher statement: text made only of constants of the code, plus the user's values as parameters.
///
/// The type makes "user text never becomes Cypher" a compile-time property: the text is either one
/// `&'static str` ([`Statement::new`]) or is joined by [`cypher!`] / [`Cypher`] from [`Fragment`]s,
/// which are only `&'static str` constants and numbers the code computed. A `String` does not fit,
/// so a value from a request can only travel as a [`Statement::param`].
#[derive(Debug, Clone)]
pub struct Statement {
    text: std::borrow::Cow<'static, str>,
    params: Map<String, Value>,
}

/// A piece of Cypher text: a constant of the code, or a number (an index the code counted). Nothing
/// else implements it, so nothing else can be spliced into a statement: text from a request does not
/// compile.
///
/// ```compile_fail
/// let from_a_request = String::from("x'}) DETACH DELETE n //");
/// casegraph::store::Cypher::new().push(from_a_request.as_str());
/// ```
///
/// ```
/// casegraph::store::Cypher::new().push("MATCH (n:Event) WHERE n.id = $id").push(3usize);
/// ```
pub trait Fragment {
    fn append_to(&self, text: &mut String);
}

impl Fragment for &'static str {
    fn append_to(&self, text: &mut String) {
        text.push_str(self);
    }
}

impl Fragment for usize {
    fn append_to(&self, text: &mut String) {
        use std::fmt::Write;
        let _ = write!(text, "{self}");
    }
}

/// Statement text assembled piece by piece (a filter list, a sort order) from [`Fragment`]s.
#[derive(Debug, Clone, Default)]
pub struct Cypher(String);

impl Cypher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, piece: impl Fragment) -> &mut Self {
        piece.append_to(&mut self.0);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends another text built the same way (so, of the code's fragments only).
    pub(crate) fn append(&mut self, other: Cypher) -> &mut Self {
        self.0.push_str(&other.0);
        self
    }

    pub fn into_statement(self) -> Statement {
        Statement {
            text: self.0.into(),
            params: Map::new(),
        }
    }
}

/// Joins [`Fragment`]s into a [`Statement`]: `cypher!("MATCH (n:", label, " {id: $id})")`. Every
/// piece must be a `&'static str` or a number; anything else does not compile.
macro_rules! cypher {
    ($($piece:expr),+ $(,)?) => {{
        let mut text = $crate::store::Cypher::new();
        $( text.push($piece); )+
        text.into_statement()
    }};
}
pub(crate) use cypher;

impl Statement {
    /// A statement whose text is a constant of the code.
    pub fn new(text: &'static str) -> Self {
        Self {
            text: text.into(),
            params: Map::new(),
        }
    }

    pub fn param(mut self, key: &str, value: impl serde::Serialize) -> Self {
        let value = serde_json::to_value(value).expect("parameters serialize to JSON");
        self.params.insert(key.to_string(), value);
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The same statement under `EXPLAIN`: Neo4j plans it and runs nothing (for tests of plans).
    /// The text stays made of the code's constants: only the keyword is added.
    pub fn explain(self) -> Statement {
        Statement {
            text: ["EXPLAIN ", &self.text].concat().into(),
            params: self.params,
        }
    }

    fn into_query(self, scope: &Scope) -> AppResult<Query> {
        let mut q = neo4rs::query(&self.text);
        for (k, v) in self.params {
            q = q.param(&k, to_bolt(v)?);
        }
        if !q.has_param_key("collections") {
            q = q.param(
                "collections",
                to_bolt(serde_json::to_value(&scope.0).expect("scope"))?,
            );
        }
        Ok(q)
    }
}

fn to_bolt(v: Value) -> AppResult<BoltType> {
    BoltType::try_from(v).map_err(|e| AppError::internal(format!("parameter conversion: {e}")))
}

/// Which collections a request may see. `None` means all of them (until access control narrows it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope(pub Option<Vec<String>>);

impl Scope {
    pub fn all() -> Self {
        Scope(None)
    }
    pub fn only(collections: Vec<String>) -> Self {
        Scope(Some(collections))
    }
    /// Narrows this scope to `requested` (a query's `collections` argument): the result is never wider
    /// than the scope itself.
    pub fn narrowed(&self, requested: Option<&[String]>) -> Scope {
        match (&self.0, requested) {
            (_, None) => self.clone(),
            (None, Some(r)) => Scope(Some(r.to_vec())),
            (Some(mine), Some(r)) => Scope(Some(
                r.iter().filter(|c| mine.contains(c)).cloned().collect(),
            )),
        }
    }
}

/// What Neo4j says about itself.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DatabaseInfo {
    pub name: String,
    pub version: String,
    pub edition: String,
}

/// What a readiness probe found.
#[derive(Debug)]
pub enum Readiness {
    Ready,
    /// Neo4j did not answer (or answered with an error).
    DatabaseDown(AppError),
    /// Neo4j answers, but the schema's constraints and indexes are not all there.
    MigrationsMissing {
        present: usize,
        expected: usize,
    },
}

/// The process-wide connection to Neo4j.
pub struct Store {
    graph: Graph,
    /// A pool of its own for the migrations: neo4rs waits for each reply at most its connection
    /// timeout, which for `graph` is about the statement timeout, while a backfill over a large graph
    /// answers only when it is done (minutes at 10^6 nodes). Connections are opened lazily, so this
    /// costs nothing until the migrations run.
    schema: Graph,
    migration_timeout: Duration,
    query_timeout: Duration,
    connect_timeout: Duration,
    migrations_applied: AtomicBool,
}

/// How much longer than the statement timeout the client waits for the server's own answer. The
/// server is told the statement timeout (for reads) and normally reports it first, which leaves the
/// connection clean for reuse; the client's deadline is the backstop for a server that went silent.
const CLIENT_GRACE: Duration = Duration::from_secs(1);

impl Store {
    /// Builds the connection pool. Connections are opened lazily, so this does not touch the network.
    pub fn connect(config: &Neo4jConfig) -> AppResult<Arc<Self>> {
        // neo4rs 0.9 has one setting for opening a connection *and* for waiting on each reply
        // (`Connection::recv`): given the connect timeout, it cut every statement slower than that.
        // Each pool gets the longer of the two, and the statement deadline is enforced here.
        let graph = Self::pool(
            config,
            config.max_connections,
            config.query_timeout + CLIENT_GRACE * 2,
        )?;
        let schema = Self::pool(config, 1, config.migration_timeout + CLIENT_GRACE * 2)?;
        Ok(Arc::new(Store {
            graph,
            schema,
            migration_timeout: config.migration_timeout,
            query_timeout: config.query_timeout,
            connect_timeout: config.connect_timeout,
            migrations_applied: AtomicBool::new(false),
        }))
    }

    /// A pool of at most `max` connections whose replies may take up to `reply` (see [`Store::connect`]).
    fn pool(config: &Neo4jConfig, max: usize, reply: Duration) -> AppResult<Graph> {
        let neo4j = ConfigBuilder::default()
            .uri(&config.uri)
            .user(&config.user)
            .password(config.password.expose())
            .db(config.database.as_str())
            .max_connections(max)
            .connection_timeout(config.connect_timeout.max(reply))
            // Recycle idle connections so that a restarted Neo4j is met with fresh sockets.
            .idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| AppError::internal(format!("invalid Neo4j configuration: {e}")))?;
        Graph::connect(neo4j).map_err(|e| AppError::internal(format!("Neo4j pool: {e}")))
    }

    /// A request-scoped handle.
    pub fn session(self: &Arc<Self>, scope: Scope) -> Db {
        Db {
            store: self.clone(),
            scope,
            round_trips: Arc::new(AtomicUsize::new(0)),
            writes: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Applies the schema migrations and remembers that they are in place.
    pub async fn migrate(self: &Arc<Self>) -> AppResult<()> {
        migrations::apply(self).await?;
        self.migrations_applied.store(true, Ordering::SeqCst);
        Ok(())
    }

    pub fn migrations_applied(&self) -> bool {
        self.migrations_applied.load(Ordering::SeqCst)
    }

    async fn run_schema_statement(&self, text: &str) -> AppResult<()> {
        tracing::debug!(cypher = text, "schema statement");
        let started = std::time::Instant::now();
        let fut = self.schema.run(neo4rs::query(text));
        timed_by(self.migration_timeout, "NEO4J_MIGRATION_TIMEOUT_SECS", fut).await?;
        log_slow_schema_statement(text, started.elapsed());
        Ok(())
    }

    /// The backfills the migrations ledger records as done (`migrations::LEDGER`).
    async fn applied_migrations(self: &Arc<Self>) -> AppResult<Vec<String>> {
        let names: Vec<String> = migrations::backfills()
            .into_iter()
            .map(|b| b.name)
            .collect();
        self.session(Scope::all())
            .rows(
                // The label is `migrations::LEDGER`.
                Statement::new(
                    "MATCH (m:AppliedMigration) WHERE m.name IN $names RETURN m.name AS row",
                )
                .param("names", names),
            )
            .await
    }

    /// Neo4j's name, version and edition; fails when the database does not answer.
    pub async fn info(self: &Arc<Self>) -> AppResult<DatabaseInfo> {
        self.session(Scope::all()).database_info().await
    }

    /// Readiness: Neo4j answers a real query within `timeout`, and the migrations are in place. A
    /// probe only reads: if the schema is missing (Neo4j came back with a new, empty data directory),
    /// it says so, and applying the migrations is left to `casegraph migrate` or a restart, which
    /// run them at start-up. A probe that wrote would change the database every few seconds from
    /// every replica, racing each other and any operator at work.
    pub async fn readiness(self: &Arc<Self>, timeout: Duration) -> Readiness {
        let check = async {
            let db = self.session(Scope::all());
            let rows: Vec<i64> = db
                .rows(Statement::new(
                    "SHOW INDEXES YIELD name WHERE name STARTS WITH 'cg_' RETURN count(*) AS row",
                ))
                .await?;
            Ok::<_, AppError>(rows.first().copied().unwrap_or(0) as usize)
        };
        let expected = migrations::expected_index_count();
        match tokio::time::timeout(timeout, check).await {
            Ok(Ok(present)) if present >= expected => Readiness::Ready,
            Ok(Ok(present)) => {
                self.migrations_applied.store(false, Ordering::SeqCst);
                Readiness::MigrationsMissing { present, expected }
            }
            Ok(Err(e)) => Readiness::DatabaseDown(e),
            Err(_) => Readiness::DatabaseDown(AppError::DatabaseUnavailable(format!(
                "no answer within {timeout:?}"
            ))),
        }
    }

    /// Waits for Neo4j to answer at start-up, for at most `limit`. The error explains what was tried.
    pub async fn wait_until_reachable(
        self: &Arc<Self>,
        limit: Duration,
    ) -> Result<DatabaseInfo, String> {
        let started = Instant::now();
        let mut last = String::new();
        let attempt = self.connect_timeout;
        while started.elapsed() < limit {
            match tokio::time::timeout(attempt, self.info()).await {
                Ok(Ok(info)) => return Ok(info),
                Ok(Err(e)) => last = e.detail(),
                Err(_) => {
                    last = format!("no answer within {attempt:?} (NEO4J_CONNECT_TIMEOUT_SECS)")
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(last)
    }
}

/// A backfill over a large graph takes minutes: the log says what the time went to.
fn log_slow_schema_statement(text: &str, took: Duration) {
    if took > Duration::from_secs(2) {
        tracing::info!(
            cypher = text,
            seconds = took.as_secs_f64(),
            "schema statement"
        );
    }
}

/// Runs one exchange with Neo4j under the statement timeout `limit` (plus [`CLIENT_GRACE`]). A
/// statement the server stopped at its own timeout and one the client gave up on fail alike.
// Not an `async fn` itself: one more async layer on this hot path pushed `main`'s future past the
// compiler's layout depth limit.
fn timed<T>(
    limit: Duration,
    fut: impl std::future::Future<Output = Result<T, neo4rs::Error>>,
) -> impl std::future::Future<Output = AppResult<T>> {
    timed_by(limit, "NEO4J_QUERY_TIMEOUT_SECS", fut)
}

/// [`timed`] under the limit that `setting` configures (named in the error).
async fn timed_by<T>(
    limit: Duration,
    setting: &str,
    fut: impl std::future::Future<Output = Result<T, neo4rs::Error>>,
) -> AppResult<T> {
    let timed_out = || {
        AppError::DatabaseUnavailable(format!("statement timed out after {limit:?} ({setting})"))
    };
    match tokio::time::timeout(limit + CLIENT_GRACE, fut).await {
        Ok(Err(neo4rs::Error::Neo4j(e))) if e.code().contains("TransactionTimedOut") => {
            Err(timed_out())
        }
        Ok(r) => r.map_err(AppError::from),
        Err(_) => Err(timed_out()),
    }
}

/// Tells the server the statement timeout too, so that it stops a statement the client abandons
/// instead of running it to the end. (Auto-commit statements only: neo4rs sends no metadata with
/// `BEGIN`, so a write transaction is bounded by the client's deadline alone.)
fn with_server_timeout(query: Query, limit: Duration) -> Query {
    query.extra("tx_timeout", limit.as_millis().min(i64::MAX as u128) as i64)
}

/// A request's handle on the store: its collection scope and its round-trip counter.
#[derive(Clone)]
pub struct Db {
    store: Arc<Store>,
    scope: Scope,
    round_trips: Arc<AtomicUsize>,
    /// Write transactions this request committed (or tried to): the request's read cache is stale
    /// after any of them.
    writes: Arc<AtomicUsize>,
}

impl Db {
    /// The same handle confined to `requested` collections (never wider than its own scope).
    pub fn narrowed(&self, requested: Option<&[String]>) -> Db {
        Db {
            store: self.store.clone(),
            scope: self.scope.narrowed(requested),
            round_trips: self.round_trips.clone(),
            writes: self.writes.clone(),
        }
    }

    /// Neo4j's name, version and edition; fails when the database does not answer.
    pub async fn database_info(&self) -> AppResult<DatabaseInfo> {
        let rows: Vec<DatabaseInfo> = self
            .rows(Statement::new(
                "CALL dbms.components() YIELD name, versions, edition \
                 RETURN {name: name, version: versions[0], edition: edition} AS row",
            ))
            .await?;
        rows.into_iter()
            .next()
            .ok_or_else(|| AppError::internal("dbms.components() returned nothing"))
    }

    pub fn migrations_applied(&self) -> bool {
        self.store.migrations_applied()
    }

    /// How many statements this request has sent to Neo4j so far.
    pub fn round_trips(&self) -> usize {
        self.round_trips.load(Ordering::SeqCst)
    }

    /// How many write transactions this request has begun so far.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    fn count_trip(&self, text: &str) {
        let n = self.round_trips.fetch_add(1, Ordering::SeqCst) + 1;
        // The statement text only: parameter values may hold personal data and never reach the log.
        tracing::debug!(cypher = text, round_trip = n, "cypher");
    }

    /// Runs a read statement whose single column `row` deserializes into `T`.
    pub async fn rows<T: DeserializeOwned>(&self, statement: Statement) -> AppResult<Vec<T>> {
        self.count_trip(statement.text());
        let store = &self.store;
        let query = with_server_timeout(statement.into_query(&self.scope)?, store.query_timeout);
        let fetch = async {
            let mut stream = store.graph.execute_read(query).await?;
            let mut out = Vec::new();
            while let Some(row) = stream.next().await? {
                out.push(row);
            }
            Ok::<_, neo4rs::Error>(out)
        };
        let rows = timed(store.query_timeout, fetch).await?;
        rows.iter().map(decode_row).collect()
    }

    /// Runs `body` in one write transaction: it commits if `body` succeeds and rolls back otherwise,
    /// so a mutation fully happens or not at all.
    ///
    /// A transaction that Neo4j rolls back for a deadlock with a concurrent write is run again, up to
    /// [`WRITE_ATTEMPTS`] times in all, so `body` must be rerunnable (it is a closure called once per
    /// attempt). Once a transaction that refreshed events' region relationships has committed, they
    /// are checked again against what is committed now ([`write::settle_regions`]): a concurrent
    /// write's change to the same hierarchy could not be seen from inside the transaction.
    pub async fn write<T: Send>(
        &self,
        body: impl for<'t> Fn(&'t mut Tx) -> BoxFuture<'t, AppResult<T>> + Send + Sync,
    ) -> AppResult<T> {
        let mut attempt = 1;
        loop {
            // Boxed: inline, these futures made a bulk import's in debug builds overflow the test
            // threads' 2 MiB stacks (see `app::in_transaction`).
            match Box::pin(self.write_once(&body)).await {
                Ok((value, touched)) => {
                    Box::pin(write::settle_regions(self, touched)).await;
                    return Ok(value);
                }
                Err(AppError::Deadlock(detail)) if attempt < WRITE_ATTEMPTS => {
                    tracing::info!(attempt, error.detail = %detail, "write deadlocked, retrying");
                    // Apart, so that the two writes do not meet again at the same point.
                    let jitter = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.subsec_nanos() % 20);
                    tokio::time::sleep(Duration::from_millis(
                        (10 * attempt as u64) + u64::from(jitter),
                    ))
                    .await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One attempt of [`Db::write`], without the retry and the check after the commit; returns what
    /// the transaction's region refreshes covered.
    pub(crate) async fn write_once<T: Send>(
        &self,
        body: &(impl for<'t> Fn(&'t mut Tx) -> BoxFuture<'t, AppResult<T>> + Send + Sync),
    ) -> AppResult<(T, write::RegionScope)> {
        let limit = self.store.query_timeout;
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.count_trip("BEGIN");
        let txn = timed(limit, self.store.graph.start_txn()).await?;
        let mut tx = Tx {
            txn: Some(txn),
            db: self.clone(),
            regions: write::RegionScope::default(),
        };
        match body(&mut tx).await {
            Ok(value) => {
                let txn = tx.txn.take().expect("transaction still open");
                self.count_trip("COMMIT");
                let started = std::time::Instant::now();
                let committed = timed(limit, txn.commit()).await;
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "committed");
                // Again after the commit: anything read (and cached) meanwhile predates it.
                self.writes.fetch_add(1, Ordering::SeqCst);
                committed?;
                Ok((value, std::mem::take(&mut tx.regions)))
            }
            Err(e) => {
                if let Some(txn) = tx.txn.take() {
                    // The error being returned matters more than a failed rollback; the server drops
                    // the transaction with the connection anyway.
                    let _ = tokio::time::timeout(limit, txn.rollback()).await;
                }
                Err(e)
            }
        }
    }
}

/// How many times [`Db::write`] runs a transaction that deadlocks with a concurrent write before it
/// gives the caller the error.
pub const WRITE_ATTEMPTS: u32 = 4;

/// An open write transaction; see [`Db::write`].
pub struct Tx {
    txn: Option<neo4rs::Txn>,
    db: Db,
    /// The events and places whose regions this transaction refreshed (`write::regions`).
    regions: write::RegionScope,
}

impl Tx {
    pub fn scope(&self) -> &Scope {
        &self.db.scope
    }

    /// Runs a statement inside the transaction; its single column `row` deserializes into `T`.
    pub async fn rows<T: DeserializeOwned>(&mut self, statement: Statement) -> AppResult<Vec<T>> {
        self.db.count_trip(statement.text());
        let query = statement.into_query(&self.db.scope)?;
        let limit = self.db.store.query_timeout;
        let txn = self.txn.as_mut().expect("transaction still open");
        let fetch = async {
            let mut stream = txn.execute(query).await?;
            let mut out = Vec::new();
            while let Some(row) = stream.next(txn.handle()).await? {
                out.push(row);
            }
            Ok::<_, neo4rs::Error>(out)
        };
        let started = std::time::Instant::now();
        let rows = timed(limit, fetch).await?;
        tracing::debug!(ms = started.elapsed().as_millis() as u64, "statement done");
        rows.iter().map(decode_row).collect()
    }

    /// Runs a statement for its effect only.
    pub async fn run(&mut self, statement: Statement) -> AppResult<()> {
        self.db.count_trip(statement.text());
        let query = statement.into_query(&self.db.scope)?;
        let limit = self.db.store.query_timeout;
        let txn = self.txn.as_mut().expect("transaction still open");
        let started = std::time::Instant::now();
        timed(limit, txn.run(query)).await?;
        tracing::debug!(ms = started.elapsed().as_millis() as u64, "statement done");
        Ok(())
    }
}

fn decode_row<T: DeserializeOwned>(row: &neo4rs::Row) -> AppResult<T> {
    row.get::<T>("row")
        .map_err(|e| AppError::internal(format!("cannot decode a row: {e}")))
}
