//! `scripts/run` tells a crash from a Ctrl-C. The script runs for real, in a copy of its folder layout
//! whose `cargo` does nothing and whose `target/release/casegraph` is a stand-in that dies the way the
//! service can (an abort, an error) or stops gracefully on SIGTERM like the service does.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::Duration,
};

struct Sandbox(PathBuf);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A copy of `scripts/run` beside a stand-in service with the given shell body.
fn sandbox(service: &str) -> Sandbox {
    let dir = std::env::temp_dir().join(format!("casegraph-run-{}", uuid::Uuid::now_v7()));
    let script =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/run")).unwrap();
    write_executable(&dir.join("scripts/run"), &script);
    write_executable(&dir.join("bin/cargo"), "#!/bin/sh\nexit 0\n");
    write_executable(
        &dir.join("target/release/casegraph"),
        &format!("#!/bin/sh\n{service}\n"),
    );
    std::fs::write(dir.join(".env"), "NEO4J_PASSWORD=unused-here\n").unwrap();
    Sandbox(dir)
}

fn command(sandbox: &Sandbox) -> Command {
    let mut cmd = Command::new("bash");
    let path = format!(
        "{}:{}",
        sandbox.0.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.arg(sandbox.0.join("scripts/run"))
        .env("PATH", path)
        // Pointing elsewhere keeps the script from starting a local Neo4j.
        .env("NEO4J_URI", "bolt://127.0.0.1:9")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn an_aborted_service_is_reported_as_died_abnormally_with_its_signal() {
    let sandbox = sandbox("kill -ABRT $$");
    let out = command(&sandbox).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(134), "{said}");
    assert!(
        said.contains("DIED ABNORMALLY") && said.contains("SIGABRT"),
        "{said}"
    );
    assert!(!said.contains("casegraph stopped"), "{said}");
}

#[test]
fn a_service_that_exits_with_an_error_is_reported_with_its_status() {
    let sandbox = sandbox("exit 3");
    let out = command(&sandbox).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(
        said.contains("EXITED WITH AN ERROR (exit status 3)"),
        "{said}"
    );
}

#[test]
fn ctrl_c_is_a_plain_stop() {
    // Like the service: finishes on SIGTERM with status 0. It leaves a mark once it runs, so that the
    // "Ctrl-C" comes after the script has started it (and set its trap just before that).
    let sandbox = sandbox(
        "sleep 30 >/dev/null 2>&1 &\ntrap 'kill $!; exit 0' TERM\ntouch \"$0.started\"\nwait",
    );
    let started = sandbox.0.join("target/release/casegraph.started");
    let child = command(&sandbox).spawn().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !started.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the stand-in never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let out = child.wait_with_output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("casegraph stopped"), "{said}");
    assert!(
        !said.contains("ABNORMALLY") && !said.contains("ERROR"),
        "{said}"
    );
}
