//! Embeds GraphiQL's assets into the binary so that GraphiQL works offline.
//!
//! The assets come from the npm registry (`web/graphiql/package.json`, locked by its
//! `package-lock.json`), never pasted into the repository. When `node_modules` is absent, this runs
//! `npm ci` once; the Dockerfile runs it in a Node stage instead, so the Rust image needs no npm.

use std::{env, fs, path::PathBuf, process::Command};

const ASSETS: &[(&str, &str)] = &[
    ("graphiql/graphiql.min.js", "graphiql.min.js"),
    ("graphiql/graphiql.min.css", "graphiql.min.css"),
    (
        "react/umd/react.production.min.js",
        "react.production.min.js",
    ),
    (
        "react-dom/umd/react-dom.production.min.js",
        "react-dom.production.min.js",
    ),
];

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let web = root.join("web/graphiql");
    let modules = web.join("node_modules");
    println!("cargo:rerun-if-changed=web/graphiql/package-lock.json");
    println!("cargo:rerun-if-changed=web/graphiql/node_modules/graphiql/package.json");

    let missing = || ASSETS.iter().any(|(from, _)| !modules.join(from).exists());
    if missing() {
        let status = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&web)
            .status()
            .unwrap_or_else(|e| {
                panic!("GraphiQL assets are missing and `npm` could not be started ({e}); run `npm ci` in web/graphiql")
            });
        assert!(status.success(), "`npm ci` in web/graphiql failed");
        assert!(
            !missing(),
            "`npm ci` ran but GraphiQL's assets are still missing"
        );
    }

    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    for (from, to) in ASSETS {
        fs::copy(modules.join(from), out.join(to)).expect("copy GraphiQL asset");
    }
}
