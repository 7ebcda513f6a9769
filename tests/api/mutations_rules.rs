//! Every input rule through both ways data comes in: a GraphQL upsert and an import file. The same
//! invalid value must get the same code, with the same field path below the entry point's own prefix
//! (`input.date.edtf` through GraphQL, `events[0].date.edtf` in a file), and must write nothing.
//!
//! The table is the list of rules; a rule added to the domain or the application layer gets a row
//! here. Rules that differ on purpose between the two entry points are tested at the end, each with
//! the reason (docs/model.md, "Rules by entry point").

use serde_json::{json, Value};

use crate::helpers::{first_error, TestApp};

/// A valid `casegraph/v1` document with one record of each kind, in `app.collection`. Imported as
/// the test's set-up, so that the GraphQL inputs below can refer to its nodes; each case then breaks
/// one field of a copy of it.
fn document(app: &TestApp) -> Value {
    let c = &app.collection;
    let id = |local: &str| format!("{c}:{local}");
    json!({
        "format": "casegraph/v1",
        "collection": { "id": c, "name": "Rules" },
        "terms": [
            { "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid", "description": "A raid." },
            { "vocabulary": "PARTICIPANT_ROLE", "key": "target", "label": "Target",
              "description": "Targeted." }
        ],
        "actors": [
            { "id": id("a"), "kind": "STATE_BODY", "name": "Police", "description": "Police." }
        ],
        "places": [
            { "id": id("p"), "kind": "CITY", "name": "City", "description": "A city.",
              "precision": "CITY" }
        ],
        "sources": [
            { "id": id("s"), "kind": "NEWS_REPORT", "title": "Report" }
        ],
        "events": [
            { "id": id("e"), "type": "raid", "title": "Raid", "description": "A raid.",
              "date": { "edtf": "2025-01-01" },
              "claims": [ { "id": id("cl1"), "source": id("s"), "excerpt": "x",
                            "status": "REPORTED" } ] }
        ],
        "participations": [
            { "id": id("pa"), "event": id("e"), "actor": id("a"), "role": "target",
              "claims": [ { "id": id("cl2"), "source": id("s"), "excerpt": "x",
                            "status": "REPORTED" } ] }
        ],
        "counts": [
            { "id": id("n"), "event": id("e"), "subject": "people", "value": 3,
              "qualifier": "EXACT", "unit": "person",
              "claims": [ { "id": id("cl3"), "source": id("s"), "excerpt": "x",
                            "status": "REPORTED" } ] }
        ]
    })
}

/// The GraphQL input that writes the same record as the document's first `kind`, as a new node
/// (`id` `<kind>2`), so that a case that fails leaves the graph as the set-up made it.
fn graphql_input(app: &TestApp, kind: Kind) -> Value {
    let c = &app.collection;
    let id = |local: &str| format!("{c}:{local}");
    let claim = json!([{ "source": id("s"), "excerpt": "x", "status": "REPORTED" }]);
    match kind {
        Kind::Actor => json!({ "id": id("a2"), "collection": c, "kind": "STATE_BODY",
            "name": "Police", "description": "Police." }),
        Kind::Place => json!({ "id": id("p2"), "collection": c, "kind": "CITY", "name": "City",
            "description": "A city.", "precision": "CITY" }),
        Kind::Source => json!({ "id": id("s2"), "collection": c, "kind": "NEWS_REPORT",
            "title": "Report" }),
        Kind::Event => json!({ "id": id("e2"), "collection": c, "type": "raid", "title": "Raid",
            "description": "A raid.", "date": { "edtf": "2025-01-01" }, "claims": claim }),
        Kind::Participation => json!({ "id": id("pa2"), "collection": c, "event": id("e"),
            "actor": id("a"), "role": "target", "claims": claim }),
        Kind::Count => json!({ "id": id("n2"), "collection": c, "event": id("e"),
            "subject": "people", "value": 3, "qualifier": "EXACT", "unit": "person",
            "claims": claim }),
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Actor,
    Place,
    Source,
    Event,
    Participation,
    Count,
}

impl Kind {
    fn mutation(self) -> String {
        let name = format!("{self:?}");
        format!("mutation($input: {name}Input!) {{ upsert{name}(input: $input) {{ id }} }}")
    }
    /// The document's list of this kind.
    fn list(self) -> &'static str {
        match self {
            Kind::Actor => "actors",
            Kind::Place => "places",
            Kind::Source => "sources",
            Kind::Event => "events",
            Kind::Participation => "participations",
            Kind::Count => "counts",
        }
    }
}

/// Sets `path` (`date.edtf`, `claims[0].excerpt`, `aliases[0]`) in `value` to `new`.
fn set(value: &mut Value, path: &str, new: Value) {
    let mut at = value;
    let steps: Vec<&str> = path.split('.').collect();
    for (n, step) in steps.iter().enumerate() {
        let (key, index) = match step.split_once('[') {
            Some((k, i)) => (k, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
            None => (*step, None),
        };
        let last = n + 1 == steps.len();
        if last && index.is_none() {
            at[key] = new;
            return;
        }
        if at.get(key).is_none() {
            at[key] = if index.is_some() {
                json!([])
            } else {
                json!({})
            };
        }
        at = &mut at[key];
        if let Some(i) = index {
            let list = at.as_array_mut().unwrap();
            while list.len() <= i {
                list.push(Value::Null);
            }
            if last {
                list[i] = new;
                return;
            }
            at = &mut list[i];
        }
    }
}

/// One rule: writing `value` at `path` of a `kind` is refused with `code` on that path.
struct Rule {
    what: &'static str,
    kind: Kind,
    path: &'static str,
    value: Value,
    code: &'static str,
    /// A word the message must hold, so that the error explains itself.
    says: &'static str,
}

fn rule(
    what: &'static str,
    kind: Kind,
    path: &'static str,
    value: Value,
    says: &'static str,
) -> Rule {
    Rule {
        what,
        kind,
        path,
        value,
        code: "BAD_USER_INPUT",
        says,
    }
}

fn rules() -> Vec<Rule> {
    use Kind::*;
    vec![
        // Text
        rule(
            "a name of NUL characters",
            Actor,
            "name",
            json!("\u{0}\u{0}\u{0}"),
            "control character",
        ),
        rule(
            "a name of zero-width spaces",
            Actor,
            "name",
            json!("\u{200B}\u{200B}"),
            "visible",
        ),
        rule(
            "a title of a byte-order mark",
            Source,
            "title",
            json!("\u{FEFF}"),
            "visible",
        ),
        rule("a blank name", Place, "name", json!("   "), "empty"),
        rule(
            "a name over two lines",
            Place,
            "name",
            json!("City\nTown"),
            "single line",
        ),
        rule(
            "an alias with NUL",
            Actor,
            "aliases[0]",
            json!("a\u{0}b"),
            "control character",
        ),
        rule(
            "a description with NUL",
            Event,
            "description",
            json!("x\u{0}"),
            "control character",
        ),
        rule(
            "an invisible subject",
            Count,
            "subject",
            json!("\u{2060}"),
            "visible",
        ),
        rule(
            "a participation's description of bell characters",
            Participation,
            "description",
            json!("\u{7}\u{7}"),
            "control character",
        ),
        rule(
            "an excerpt of NUL",
            Event,
            "claims[0].excerpt",
            json!("\u{0}"),
            "control character",
        ),
        // Dates
        rule(
            "hour 25",
            Event,
            "date.edtf",
            json!("2025-01-01T25:00:00"),
            "hour 25",
        ),
        rule(
            "minute 61",
            Event,
            "date.edtf",
            json!("2025-01-01T10:61:00"),
            "minute 61",
        ),
        rule(
            "month 13",
            Event,
            "date.edtf",
            json!("2025-13-01"),
            "month 13",
        ),
        rule(
            "February 30",
            Event,
            "date.edtf",
            json!("2025-02-30"),
            "day 30",
        ),
        rule(
            "a published date with hour 24",
            Source,
            "published.edtf",
            json!("2025-01-01T24:30:00"),
            "hour 24",
        ),
        // Figures: GraphQL's Int is 32-bit
        rule(
            "a value of 2^31",
            Count,
            "value",
            json!(2_147_483_648_i64),
            "2147483647",
        ),
        rule(
            "a value beyond 2^53",
            Count,
            "value",
            json!(9_007_199_254_740_993_i64),
            "2147483647",
        ),
        rule(
            "a lower bound of 2^31",
            Count,
            "lower",
            json!(2_147_483_648_i64),
            "2147483647",
        ),
        rule(
            "an upper bound beyond 2^53",
            Count,
            "upper",
            json!(9_007_199_254_740_993_i64),
            "2147483647",
        ),
        rule("a negative value", Count, "value", json!(-1), "negative"),
    ]
}

async fn setup() -> TestApp {
    let app = TestApp::spawn().await;
    casegraph::import::import_json(&app.store, &document(&app).to_string())
        .await
        .unwrap_or_else(|e| panic!("the base document imports: {}", e.detail()));
    app
}

/// What the collection holds, to check that a refused write left it as it was.
async fn snapshot(app: &TestApp) -> Value {
    app.data(
        "query($c: [ID!]) { events(collections: $c) { totalCount } actors(collections: $c) { totalCount } \
         places(collections: $c) { totalCount } sources(collections: $c) { totalCount } \
         counts(collections: $c) { totalCount } claims(collections: $c) { totalCount } \
         participations(collections: $c) { totalCount } }",
        json!({ "c": [app.collection] }),
    )
    .await
}

#[tokio::test]
async fn every_rule_gives_the_same_error_on_the_same_field_through_graphql_and_import() {
    let app = setup().await;
    let before = snapshot(&app).await;
    let mut failures = Vec::new();
    for r in rules() {
        // Through GraphQL.
        let mut input = graphql_input(&app, r.kind);
        set(&mut input, r.path, r.value.clone());
        let response = app.gql(&r.kind.mutation(), json!({ "input": input })).await;
        if response["errors"].is_null() {
            failures.push(format!("{} through GraphQL: accepted", r.what));
            continue;
        }
        let got = first_error(&response);
        let message = response["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let want = (r.code.to_string(), Some(format!("input.{}", r.path)));
        if got != want || !message.contains(r.says) {
            failures.push(format!(
                "{} through GraphQL: {got:?} {message:?}, want {want:?} saying {:?}",
                r.what, r.says
            ));
        }
        // Through an import file.
        let mut doc = document(&app);
        set(&mut doc[r.kind.list()][0], r.path, r.value.clone());
        match casegraph::import::import_json(&app.store, &doc.to_string()).await {
            Ok(_) => failures.push(format!("{} through import: accepted", r.what)),
            Err(e) => {
                let got = (e.code().to_string(), e.field().map(str::to_string));
                let want = (
                    r.code.to_string(),
                    Some(format!("{}[0].{}", r.kind.list(), r.path)),
                );
                if got != want || !e.message().contains(r.says) {
                    failures.push(format!(
                        "{} through import: {got:?} {:?}, want {want:?} saying {:?}",
                        r.what,
                        e.message(),
                        r.says
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        snapshot(&app).await,
        before,
        "refused writes change nothing"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_figure_beyond_int_written_as_a_literal_is_bad_user_input_on_its_field() {
    let app = setup().await;
    for literal in ["2147483648", "9007199254740993"] {
        let query = format!(
            "mutation($c: ID!, $e: ID!) {{ upsertCount(input: {{collection: $c, event: $e, subject: \"people\", \
             qualifier: ABOUT, value: {literal}}}) {{ id }} }}"
        );
        let response = app
            .gql(
                &query,
                json!({ "c": app.collection, "e": format!("{}:e", app.collection) }),
            )
            .await;
        assert_eq!(
            first_error(&response),
            (
                "BAD_USER_INPUT".to_string(),
                Some("input.value".to_string())
            ),
            "{literal}: {response:#}"
        );
    }
    // A patch is held to the same range.
    let response = app
        .gql(
            "mutation($id: ID!) { updateCount(id: $id, patch: {upper: 2147483648}) { id } }",
            json!({ "id": format!("{}:n", app.collection) }),
        )
        .await;
    assert_eq!(
        first_error(&response),
        (
            "BAD_USER_INPUT".to_string(),
            Some("patch.upper".to_string())
        )
    );
    app.cleanup().await;
}
