//! Checks that the statements a piece of real work sends start from an index: the statement texts are
//! captured from the store's own `cypher` log events, their plans read back from Neo4j's query
//! collector (`casegraph::store::plans`), and any plan that scans a label, all nodes or a whole index is
//! reported.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Once, OnceLock},
    thread::ThreadId,
};

use casegraph::store::{
    plans::{operators, Collection},
    read::{Filter, ListKind, ListQuery, SortKey},
    Db, Statement,
};
use serde_json::Value;
use tracing_subscriber::layer::SubscriberExt;

/// The plan operators that read more than the ids asked for.
const SCANS: [&str; 9] = [
    "NodeByLabelScan",
    "AllNodesScan",
    "NodeIndexScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
    "DirectedRelationshipIndexScan",
    "UndirectedRelationshipIndexScan",
];

/// The open captures, by the thread whose statements each one collects.
type Captures = Mutex<HashMap<ThreadId, Arc<Mutex<Vec<String>>>>>;

fn captures() -> &'static Captures {
    static CAPTURES: OnceLock<Captures> = OnceLock::new();
    CAPTURES.get_or_init(Default::default)
}

/// Collects the statement texts the store logs (`cypher = …`) into the capture of the thread that
/// logs them. One process-wide subscriber, installed once: a thread-local one (`set_default`) lost
/// every event now and then while other tests ran, since tracing caches each call site's interest
/// process-wide and a call site first met on another thread could be cached as disabled.
struct Statements;

fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Statements))
            .expect("no other global subscriber in the test binary");
    });
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Cypher(Option<String>);
        impl tracing::field::Visit for Cypher {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "cypher" {
                    self.0 = Some(value.to_owned());
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let Some(capture) = captures()
            .lock()
            .unwrap()
            .get(&std::thread::current().id())
            .cloned()
        else {
            return;
        };
        let mut found = Cypher(None);
        event.record(&mut found);
        if let Some(text) = found.0 {
            capture.lock().unwrap().push(text);
        }
    }
}

/// Captures the statements sent from this thread (so the test must run on a current-thread runtime,
/// tokio's default for tests) while Neo4j collects their plans.
pub struct PlanCheck<'a> {
    collection: Collection<'a>,
    texts: Arc<Mutex<Vec<String>>>,
    thread: ThreadId,
}

impl<'a> PlanCheck<'a> {
    pub async fn start(db: &'a Db) -> PlanCheck<'a> {
        let collection = Collection::start(db)
            .await
            .expect("query collection starts");
        install();
        let texts = Arc::new(Mutex::new(Vec::new()));
        let thread = std::thread::current().id();
        captures().lock().unwrap().insert(thread, texts.clone());
        PlanCheck {
            collection,
            texts,
            thread,
        }
    }

    /// Ends the capture and returns every scan found, each with its statement and plan. Fails the
    /// test if fewer than `at_least` distinct statements were captured or none contains one of
    /// `needed` (so that a capture that missed the work cannot pass).
    pub async fn scans(self, at_least: usize, needed: &[&str]) -> Vec<String> {
        captures().lock().unwrap().remove(&self.thread);
        let mut texts: Vec<String> = self.texts.lock().unwrap().clone();
        texts.retain(|t| t != "BEGIN" && t != "COMMIT" && !t.starts_with("CALL db.stats"));
        texts.sort();
        texts.dedup();
        assert!(
            texts.len() >= at_least,
            "too few statements captured: {texts:#?}"
        );
        for needed in needed {
            assert!(
                texts.iter().any(|t| t.contains(needed)),
                "no statement with {needed} was captured: {texts:#?}"
            );
        }
        // Waits for every captured statement to be recorded: an unrecorded one is an error.
        let plans = self
            .collection
            .plans(&texts)
            .await
            .expect("every statement's plan");
        self.collection
            .finish()
            .await
            .expect("query collection stops");
        let mut scans = Vec::new();
        for (text, plan) in &plans {
            let plan = plan.to_string();
            for scan in SCANS {
                if plan.contains(scan) {
                    scans.push(format!("{scan} in {text}\n  plan: {plan}"));
                }
            }
        }
        scans
    }
}

/// Runs the statements and returns, for each, the operators of the plan Neo4j used for it.
pub async fn plans_of(db: &Db, statements: Vec<Statement>) -> Vec<(String, Vec<String>)> {
    let collection = Collection::start(db)
        .await
        .expect("query collection starts");
    let texts: Vec<String> = statements.iter().map(|s| s.text().to_string()).collect();
    for statement in statements {
        let _: Vec<Value> = db.rows(statement).await.expect("the statement runs");
    }
    let plans = collection
        .plans(&texts)
        .await
        .expect("every plan is collected");
    collection.finish().await.expect("query collection stops");
    plans
        .into_iter()
        .map(|(t, plan)| (t, operators(&plan)))
        .collect()
}

/// Fails the test if the operators of `text`'s plan scan a label, all nodes or a whole index.
pub fn assert_no_scan(text: &str, ops: &[String]) {
    for scan in SCANS {
        assert!(
            !ops.iter().any(|o| o.starts_with(scan)),
            "{scan} in {ops:?}\n{text}"
        );
    }
}

/// The first page (20) of a list, ascending.
pub fn first_page(kind: ListKind, filters: Vec<Filter>, sort: SortKey) -> ListQuery {
    ListQuery {
        kind,
        filters,
        sort,
        descending: false,
        after: None,
        before: None,
        limit: 20,
        from_end: false,
        props: None,
        below: vec![],
    }
}
