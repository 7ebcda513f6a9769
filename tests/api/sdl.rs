//! The committed SDL in schema/schema.graphql must be what the code exports, and the schema must
//! document itself (GraphiQL's Docs pane shows these descriptions).

use serde_json::Value;

#[test]
fn the_committed_sdl_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql");
    let exported = casegraph::api::sdl();
    if std::env::var("UPDATE_SCHEMA").as_deref() == Ok("1") {
        std::fs::write(path, &exported).expect("write schema/schema.graphql");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == exported,
        "schema/schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test api sdl` \
         (or `cargo run -- export-schema > schema/schema.graphql`) and commit the result"
    );
}

const INTROSPECTION: &str = r#"{ __schema { types {
    name kind description
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description }
} } }"#;

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_documented() {
    let schema = casegraph::api::build_schema(Default::default());
    let response = schema.execute(INTROSPECTION).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data: Value = serde_json::to_value(&response.data).unwrap();
    let blank = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        // Introspection types and built-in scalars are GraphQL's own.
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        // Relay's generated connection and edge wrappers carry documented fields but no type text.
        let generated = name.ends_with("Connection") || name.ends_with("Edge");
        if blank(&t["description"]) && !generated {
            missing.push(format!("type {name}"));
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let field = f["name"].as_str().unwrap();
            if blank(&f["description"]) {
                missing.push(format!("{name}.{field}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if blank(&a["description"]) {
                    missing.push(format!("{name}.{field}({})", a["name"].as_str().unwrap()));
                }
            }
        }
        for f in t["inputFields"].as_array().into_iter().flatten() {
            if blank(&f["description"]) {
                missing.push(format!("{name}.{}", f["name"].as_str().unwrap()));
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if blank(&v["description"]) {
                missing.push(format!("{name}.{}", v["name"].as_str().unwrap()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} undocumented schema items:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
