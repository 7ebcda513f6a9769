//! Connect, statement and request timeouts are separate: a statement may take longer than it takes to
//! open a connection, and one that outlives the statement timeout fails with `DATABASE_UNAVAILABLE`
//! (and stops running on the server too).
//!
//! The slow statements wait on a row lock that the test itself holds and releases, so their duration
//! is set by the test, not by how busy the machine is; the margins are seconds wide.

use std::{sync::Arc, time::Duration};

use casegraph::{
    config::Neo4jConfig,
    store::{Scope, Statement, Store},
};
use tokio::time::Instant;

use crate::helpers::test_config;

/// A store whose connections must open within 1 s, and whose statements may take `statement`.
fn store_with(statement: Duration) -> Arc<Store> {
    let config = Neo4jConfig {
        connect_timeout: Duration::from_secs(1),
        query_timeout: statement,
        ..test_config().neo4j
    };
    Store::connect(&config).expect("store")
}

/// A node of a label of its own (not `Node`, so no list query ever sees it), made for one test.
async fn probe(store: &Arc<Store>) -> String {
    let id = format!("timeout-probe-{}", uuid::Uuid::now_v7());
    let key = id.clone();
    store
        .session(Scope::all())
        .write(move |tx| {
            let key = key.clone();
            Box::pin(async move {
                tx.run(Statement::new("CREATE (:TimeoutProbe {id: $id, n: 0})").param("id", key))
                    .await
            })
        })
        .await
        .expect("probe created");
    id
}

async fn drop_probe(store: &Arc<Store>, id: String) {
    store
        .session(Scope::all())
        .write(move |tx| {
            let id = id.clone();
            Box::pin(async move {
                tx.run(Statement::new("MATCH (p:TimeoutProbe {id: $id}) DELETE p").param("id", id))
                    .await
            })
        })
        .await
        .expect("probe removed");
}

/// Holds the probe's write lock for `hold`, in a transaction of its own, and returns once the lock
/// is taken; the returned task ends when the lock is released.
async fn hold_lock(store: &Arc<Store>, id: &str, hold: Duration) -> tokio::task::JoinHandle<()> {
    let (taken_tx, taken) = tokio::sync::oneshot::channel();
    let db = store.session(Scope::all());
    let id = id.to_string();
    // Told once, by the first attempt (a write is a closure called once per attempt).
    let taken_tx = Arc::new(std::sync::Mutex::new(Some(taken_tx)));
    let task = tokio::spawn(async move {
        db.write(move |tx| {
            let (id, taken_tx) = (id.clone(), taken_tx.clone());
            Box::pin(async move {
                tx.run(
                    Statement::new("MATCH (p:TimeoutProbe {id: $id}) SET p.n = p.n + 1")
                        .param("id", id),
                )
                .await?;
                if let Some(taken) = taken_tx.lock().expect("not poisoned").take() {
                    let _ = taken.send(());
                }
                tokio::time::sleep(hold).await;
                Ok(())
            })
        })
        .await
        .expect("the lock holder commits");
    });
    taken.await.expect("the lock is taken");
    task
}

/// A write of the probe: it waits for the lock the holder has.
async fn blocked_write(store: &Arc<Store>, id: &str) -> casegraph::error::AppResult<()> {
    let id = id.to_string();
    store
        .session(Scope::all())
        .write(move |tx| {
            let id = id.clone();
            Box::pin(async move {
                tx.run(
                    Statement::new("MATCH (p:TimeoutProbe {id: $id}) SET p.n = p.n + 10")
                        .param("id", id),
                )
                .await
            })
        })
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_slower_than_the_connect_timeout_succeeds_within_the_statement_timeout() {
    let store = store_with(Duration::from_secs(60));
    let id = probe(&store).await;

    // The write below has to wait ~3 s for the lock: three times the 1 s connect timeout.
    let holder = hold_lock(&store, &id, Duration::from_secs(3)).await;
    let started = Instant::now();
    let result = blocked_write(&store, &id).await;
    let waited = started.elapsed();
    holder.await.unwrap();

    assert!(
        result.is_ok(),
        "a 3 s statement under a 60 s statement timeout failed: {result:?}"
    );
    assert!(
        waited >= Duration::from_secs(2),
        "the statement did not wait for the lock ({waited:?}), so it proves nothing"
    );
    let n: Vec<i64> = store
        .session(Scope::all())
        .rows(Statement::new("MATCH (p:TimeoutProbe {id: $id}) RETURN p.n AS row").param("id", &id))
        .await
        .unwrap();
    assert_eq!(n, vec![11], "both writes landed");
    drop_probe(&store, id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_over_the_statement_timeout_fails_with_database_unavailable() {
    let store = store_with(Duration::from_secs(2));
    let id = probe(&store).await;

    // The lock is held for 12 s; the 2 s statement timeout must cut the wait well before that.
    let holder = hold_lock(&store, &id, Duration::from_secs(12)).await;
    let started = Instant::now();
    let result = blocked_write(&store, &id).await;
    let waited = started.elapsed();

    let err = result.expect_err("a write waiting 12 s under a 2 s statement timeout succeeded");
    assert_eq!(err.code(), "DATABASE_UNAVAILABLE", "{err:?}");
    assert!(
        waited < Duration::from_secs(9),
        "the statement was not cut at its timeout but waited {waited:?}"
    );
    holder.await.unwrap();
    drop_probe(&store, id).await;
}

/// A read that would run for minutes (tens of billions of rows).
const ENDLESS_READ: &str =
    "UNWIND range(1, 100000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS row";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_over_the_statement_timeout_fails_and_stops_on_the_server() {
    let store = store_with(Duration::from_secs(2));
    let db = store.session(Scope::all());

    let started = Instant::now();
    let result: casegraph::error::AppResult<Vec<i64>> = db.rows(Statement::new(ENDLESS_READ)).await;
    let waited = started.elapsed();

    let err = result.expect_err("an endless read succeeded");
    assert_eq!(err.code(), "DATABASE_UNAVAILABLE", "{err:?}");
    assert!(
        waited < Duration::from_secs(9),
        "the read was not cut at its timeout but ran {waited:?}"
    );

    // The server was told the same limit, so it does not keep burning a CPU on the abandoned read.
    let monitor = store_with(Duration::from_secs(30)).session(Scope::all());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let running: Vec<i64> = monitor
            .rows(Statement::new(
                "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS '100000000000' \
                 AND NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' RETURN count(*) AS row",
            ))
            .await
            .unwrap();
        if running == vec![0] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the timed-out read is still running on the server"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Two writes that take the same two locks in opposite orders deadlock: Neo4j rolls one back, and
/// `Db::write` runs it again instead of returning `DATABASE_UNAVAILABLE`, so both land. Each write
/// adds 1 to both probes; a barrier makes their first attempts meet half-way (each holding its
/// first lock), so the deadlock is certain, and a retry does not wait at the barrier again.
#[tokio::test]
async fn two_writes_that_deadlock_both_land_the_one_rolled_back_run_again() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let store = store_with(Duration::from_secs(30));
    let (a, b) = (probe(&store).await, probe(&store).await);
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let attempts = Arc::new(AtomicUsize::new(0));
    let cross = |first: String, second: String| {
        let db = store.session(Scope::all());
        let (barrier, attempts) = (barrier.clone(), attempts.clone());
        let met = Arc::new(AtomicBool::new(false));
        async move {
            db.write(move |tx| {
                attempts.fetch_add(1, Ordering::SeqCst);
                let (first, second, barrier) = (first.clone(), second.clone(), barrier.clone());
                let meet = !met.swap(true, Ordering::SeqCst);
                Box::pin(async move {
                    let add = "MATCH (p:TimeoutProbe {id: $id}) SET p.n = p.n + 1";
                    tx.run(Statement::new(add).param("id", first)).await?;
                    if meet {
                        barrier.wait().await;
                    }
                    tx.run(Statement::new(add).param("id", second)).await
                })
            })
            .await
        }
    };
    let (one, two) = tokio::join!(cross(a.clone(), b.clone()), cross(b.clone(), a.clone()));
    one.expect("the first write lands");
    two.expect("the second write lands");
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "one of the two ran twice"
    );
    for id in [&a, &b] {
        let n: Vec<i64> = store
            .session(Scope::all())
            .rows(
                Statement::new("MATCH (p:TimeoutProbe {id: $id}) RETURN p.n AS row")
                    .param("id", id),
            )
            .await
            .expect("read the probe");
        assert_eq!(n, [2], "both writes added to {id}");
    }
    drop_probe(&store, a).await;
    drop_probe(&store, b).await;
}
