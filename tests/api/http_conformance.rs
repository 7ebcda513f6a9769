//! GraphQL over HTTP as real clients see it: the router listening on a real port (bound to port 0),
//! driven by Node's `fetch` and by graphql-http's server audit (both from `tests/audit`, installed
//! from the npm registry by `npm ci` on first use, as build.rs does for GraphiQL).

use std::{net::SocketAddr, path::PathBuf};

use serde_json::Value;
use tokio::{net::TcpListener, sync::OnceCell};

use crate::helpers::{test_config, TestApp};

fn audit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/audit")
}

/// `npm ci` once per test binary when the audit's packages are not installed yet.
static NODE_DEPS: OnceCell<()> = OnceCell::const_new();

async fn node_deps() {
    NODE_DEPS
        .get_or_init(|| async {
            if audit_dir()
                .join("node_modules/graphql-http/package.json")
                .exists()
            {
                return;
            }
            let status = tokio::process::Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(audit_dir())
                .status()
                .await
                .expect("npm starts (Node.js and npm are needed for the HTTP conformance tests)");
            assert!(status.success(), "`npm ci` in tests/audit failed");
        })
        .await;
}

/// Serves the app's router on a free port of 127.0.0.1, as `Application` does, until the test ends.
async fn listen(app: &TestApp) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// Runs a script of `tests/audit` with Node and returns the JSON lines it printed.
async fn node(script: &str, args: &[String]) -> Vec<Value> {
    node_deps().await;
    let out = tokio::process::Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(audit_dir())
        .output()
        .await
        .expect("node starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node {script} failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Every attempt must be a 413 with the JSON error; returns how many were.
fn assert_all_413(results: &[Value], what: &str) {
    let ok = results
        .iter()
        .filter(|r| r["status"] == 413 && r["code"] == "PAYLOAD_TOO_LARGE")
        .count();
    let failures: Vec<_> = results.iter().filter(|r| r["status"] != 413).collect();
    assert_eq!(
        ok,
        results.len(),
        "{what}: {ok}/{} got their 413 PAYLOAD_TOO_LARGE; the others: {failures:?}",
        results.len()
    );
}

#[tokio::test]
async fn node_fetch_gets_a_413_for_every_oversized_body_it_is_still_sending() {
    let mut config = test_config();
    config.http.body_limit_bytes = 1 << 20;
    let app = TestApp::spawn_with(config).await;
    let url = format!("http://{}/graphql", listen(&app).await);
    let results = node(
        "big-body.mjs",
        &[url.clone(), (20 << 20).to_string(), "20".into()],
    )
    .await;
    assert_eq!(results.len(), 20);
    assert_all_413(&results, "20 MB with Content-Length");

    // Without Content-Length (chunked), the service stops at the limit instead of reading it all first.
    let results = node(
        "big-body.mjs",
        &[url, (20 << 20).to_string(), "5".into(), "chunked".into()],
    )
    .await;
    assert_eq!(results.len(), 5);
    assert_all_413(&results, "20 MB chunked");
}

#[tokio::test]
async fn a_client_waiting_for_100_continue_gets_the_413_without_uploading() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = test_config();
    config.http.body_limit_bytes = 1 << 20;
    let app = TestApp::spawn_with(config).await;
    let addr = listen(&app).await;
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         accept: application/json\r\ncontent-length: {}\r\nexpect: 100-continue\r\n\r\n",
        20 << 20
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        socket.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        read.is_ok(),
        "the service kept the connection open: {answer}"
    );
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "no 100 Continue, straight the 413: {answer}"
    );
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");
}

/// Audits we knowingly do not pass, each with its reason (also in docs/decisions.md). Empty: every
/// MUST and SHOULD audit of graphql-http passes.
const ACCEPTED_WARNINGS: &[(&str, &str)] = &[];

#[tokio::test]
async fn graphql_http_server_audit_finds_no_failure_and_no_warning() {
    let app = TestApp::spawn().await;
    let url = format!("http://{}/graphql", listen(&app).await);
    let results = node("audit.mjs", &[url]).await;
    assert!(
        results.len() > 40,
        "the audit ran only {} checks",
        results.len()
    );
    let failed: Vec<String> = results
        .iter()
        .filter(|r| {
            let accepted = ACCEPTED_WARNINGS.iter().any(|(id, _)| r["id"] == *id);
            r["status"] == "error" || (r["status"] == "warn" && !accepted)
        })
        .map(|r| {
            format!(
                "{} [{}] {}: {}",
                r["status"], r["id"], r["name"], r["reason"]
            )
        })
        .collect();
    let ok = results.iter().filter(|r| r["status"] == "ok").count();
    let count = |status: &str| results.iter().filter(|r| r["status"] == status).count();
    eprintln!(
        "graphql-http audit: {ok} ok, {} notices, {} warnings, {} errors of {}",
        count("notice"),
        count("warn"),
        count("error"),
        results.len()
    );
    assert!(
        failed.is_empty(),
        "{ok}/{} audits pass; these do not:\n{}",
        results.len(),
        failed.join("\n")
    );
}
