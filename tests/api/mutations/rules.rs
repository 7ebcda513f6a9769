//! Every input rule through both ways data comes in: a GraphQL upsert and an import file (and a GraphQL
//! patch, where the rule can stand alone). The same invalid value must get the same code, with the same
//! field path below the entry point's own prefix (`input.date.edtf`, `patch.date.edtf`,
//! `events[0].date.edtf`), and must write nothing.
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
            { "id": id("s"), "kind": "NEWS_REPORT", "title": "Report" },
            { "id": id("s0"), "kind": "OTHER", "title": "Another report" }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The patch of the document's node of this kind.
    fn update(self) -> String {
        let name = format!("{self:?}");
        format!("mutation($id: ID!, $patch: {name}Patch!) {{ update{name}(id: $id, patch: $patch) {{ id }} }}")
    }
    /// The id of the document's node of this kind.
    fn stored(self, app: &TestApp) -> String {
        let local = match self {
            Kind::Actor => "a",
            Kind::Place => "p",
            Kind::Source => "s",
            Kind::Event => "e",
            Kind::Participation => "pa",
            Kind::Count => "n",
        };
        format!("{}:{local}", app.collection)
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

/// One rule: writing `value` at `path` of a `kind` (with `also` set as well) is refused with `code`
/// on `field` (by default `path`), and the message says what is wrong.
struct Rule {
    what: &'static str,
    kind: Kind,
    path: &'static str,
    value: Value,
    also: Vec<(&'static str, Value)>,
    field: &'static str,
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
        also: vec![],
        field: path,
        code: "BAD_USER_INPUT",
        says,
    }
}

impl Rule {
    /// Whether a patch can carry the rule on its own: a field of the node itself, with nothing else
    /// to set (a patch names no id and holds no claims; a rule that needs other fields, or names
    /// another field than the one it sets, depends on what is stored).
    fn patchable(&self) -> bool {
        self.also.is_empty()
            && self.field == self.path
            && self.path != "id"
            && !self.path.starts_with("claims")
            && !self.path.starts_with("cites")
    }

    fn also(mut self, path: &'static str, value: Value) -> Self {
        self.also.push((path, value));
        self
    }
    fn on(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }
}

/// Every input rule a value can break, whichever way it comes in. (Rules on references to stored
/// nodes, and the few that differ by entry point, are tested below and in the other files.)
#[rustfmt::skip]
fn rules() -> Vec<Rule> {
    use Kind::*;
    let long_line = json!("x".repeat(501));
    let long_text = json!("x".repeat(10_001));
    vec![
        // Text: visible, no control characters, lines and paragraphs
        rule("a name of NUL characters", Actor, "name", json!("\u{0}\u{0}\u{0}"), "control character"),
        rule("a name of zero-width spaces", Actor, "name", json!("\u{200B}\u{200B}"), "visible"),
        rule("a title of a byte-order mark", Source, "title", json!("\u{FEFF}"), "visible"),
        rule("a blank name", Place, "name", json!("   "), "empty"),
        rule("a name over two lines", Place, "name", json!("City\nTown"), "single line"),
        rule("a name with a tab", Actor, "name", json!("Police\tforce"), "single line"),
        rule("a name of 501 characters", Actor, "name", long_line.clone(), "at most 500"),
        rule("an alias with NUL", Actor, "aliases[0]", json!("a\u{0}b"), "control character"),
        rule("an alias of 501 characters", Place, "aliases[0]", long_line.clone(), "at most 500"),
        rule("a title of 501 characters", Event, "title", long_line.clone(), "at most 500"),
        rule("a description with NUL", Event, "description", json!("x\u{0}"), "control character"),
        rule("a description of 10,001 characters", Actor, "description", long_text.clone(), "at most 10000"),
        rule("an invisible subject", Count, "subject", json!("\u{2060}"), "visible"),
        rule("a blank subject", Count, "subject", json!(""), "empty"),
        rule("a subgroup over two lines", Count, "subgroup", json!("women\nand children"), "single line"),
        rule("a wording over two lines", Count, "wording", json!("at least\n3,000"), "single line"),
        rule("a blank unit", Count, "unit", json!("  "), "empty"),
        rule("a participation's description of bell characters", Participation, "description", json!("\u{7}\u{7}"), "control character"),
        rule("an excerpt of NUL", Event, "claims[0].excerpt", json!("\u{0}"), "control character"),
        rule("a note of 10,001 characters", Count, "claims[0].note", long_text.clone(), "at most 10000"),
        rule("a citation's excerpt of NUL", Source, "cites[0].excerpt", json!("\u{0}"), "control character")
            .also("cites[0].source", json!("OTHER_SOURCE")),
        // Ids and keys
        rule("an id with a space", Actor, "id", json!("has space"), "may use only"),
        rule("an id of 201 characters", Place, "id", json!("a".repeat(201)), "at most 200"),
        rule("a claim's source id with a quote", Event, "claims[0].source", json!("x'y"), "may use only"),
        rule("an event type that is not a key", Event, "type", json!("Mass Raid"), "snake_case"),
        rule("a role that is not a key", Participation, "role", json!("target!"), "snake_case"),
        // Web values and positions
        rule("an ftp URL", Source, "url", json!("ftp://example.org/x"), "http"),
        rule("a URL without a host", Source, "url", json!("https://"), "host"),
        rule("a language that is not a tag", Source, "language", json!("english"), "BCP 47"),
        rule("a latitude of 95", Place, "location", json!({"latitude": 95.0, "longitude": 30.0}), "-90..90")
            .on("location.latitude"),
        rule("a longitude of -181", Place, "location", json!({"latitude": 0.0, "longitude": -181.0}), "-180..180")
            .on("location.longitude"),
        // Dates
        rule("hour 25", Event, "date.edtf", json!("2025-01-01T25:00:00"), "hour 25"),
        rule("minute 61", Event, "date.edtf", json!("2025-01-01T10:61:00"), "minute 61"),
        rule("month 13", Event, "date.edtf", json!("2025-13-01"), "month 13"),
        rule("February 30", Event, "date.edtf", json!("2025-02-30"), "day 30"),
        rule("not a date", Event, "date.edtf", json!("yesterday"), "EDTF"),
        rule("an interval ending before it starts", Event, "date.edtf", json!("2025-01-02/2025-01-01"), "end before start"),
        rule("a season", Event, "date.edtf", json!("2024-24"), "seasons"),
        rule("an inferred date without a basis", Event, "date.inferred", json!(true), "inferred from")
            .on("date.basis"),
        rule("a published date with hour 24", Source, "published.edtf", json!("2025-01-01T24:30:00"), "hour 24"),
        // Figures: GraphQL's Int is 32-bit; bounds in order; the value within them
        rule("a value of 2^31", Count, "value", json!(2_147_483_648_i64), "2147483647"),
        rule("a value beyond 2^53", Count, "value", json!(9_007_199_254_740_993_i64), "2147483647"),
        rule("a lower bound of 2^31", Count, "lower", json!(2_147_483_648_i64), "2147483647"),
        rule("an upper bound beyond 2^53", Count, "upper", json!(9_007_199_254_740_993_i64), "2147483647"),
        rule("a negative value", Count, "value", json!(-1), "negative"),
        rule("a negative lower bound", Count, "lower", json!(-5), "negative"),
        rule("an upper bound below the lower", Count, "upper", json!(5), "upper below lower")
            .also("value", Value::Null).also("qualifier", json!("ABOUT")).also("lower", json!(10)),
        rule("a value above its upper bound", Count, "upper", json!(2), "above upper bound").on("value"),
        rule("an EXACT figure without a value", Count, "value", Value::Null, "EXACT")
            .also("lower", json!(3)),
        rule("a figure without any number", Count, "value", Value::Null, "at least one number")
            .also("qualifier", json!("ABOUT")),
    ]
}

/// `OTHER_SOURCE` in a rule stands for the document's second source (a rule's values are written
/// before the test's collection is known).
fn other_source(app: &TestApp, value: &Value) -> Value {
    match value.as_str() {
        Some("OTHER_SOURCE") => json!(format!("{}:s0", app.collection)),
        _ => value.clone(),
    }
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
    let mut patched = 0;
    for r in rules() {
        // Through GraphQL.
        let mut input = graphql_input(&app, r.kind);
        set(&mut input, r.path, r.value.clone());
        for (path, value) in &r.also {
            set(&mut input, path, other_source(&app, value));
        }
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
        let want = (r.code.to_string(), Some(format!("input.{}", r.field)));
        if got != want || !message.contains(r.says) {
            failures.push(format!(
                "{} through GraphQL: {got:?} {message:?}, want {want:?} saying {:?}",
                r.what, r.says
            ));
        }
        // Through a patch of a stored node, where the rule can stand alone.
        if r.patchable() {
            patched += 1;
            let mut patch = json!({});
            set(&mut patch, r.path, r.value.clone());
            let response = app
                .gql(
                    &r.kind.update(),
                    json!({ "id": r.kind.stored(&app), "patch": patch }),
                )
                .await;
            let want = (r.code.to_string(), Some(format!("patch.{}", r.field)));
            if response["errors"].is_null() {
                failures.push(format!("{} through a patch: accepted", r.what));
            } else if first_error(&response) != want {
                let got = first_error(&response);
                failures.push(format!(
                    "{} through a patch: {got:?}, want {want:?}",
                    r.what
                ));
            }
        }
        // Through an import file.
        let mut doc = document(&app);
        set(&mut doc[r.kind.list()][0], r.path, r.value.clone());
        for (path, value) in &r.also {
            set(&mut doc[r.kind.list()][0], path, other_source(&app, value));
        }
        match casegraph::import::import_json(&app.store, &doc.to_string()).await {
            Ok(_) => failures.push(format!("{} through import: accepted", r.what)),
            Err(e) => {
                let got = (e.code().to_string(), e.field().map(str::to_string));
                let want = (
                    r.code.to_string(),
                    Some(format!("{}[0].{}", r.kind.list(), r.field)),
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
    assert!(patched >= 30, "only {patched} rules went through a patch");
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

/// The code and field of an import's error, or `None` when it was accepted.
async fn import_outcome(app: &TestApp, doc: &Value) -> Option<(String, Option<String>)> {
    casegraph::import::import_json(&app.store, &doc.to_string())
        .await
        .err()
        .map(|e| (e.code().to_string(), e.field().map(str::to_string)))
}

/// Writes `input` as a `kind` through GraphQL; fails the test on any error.
async fn accepted(app: &TestApp, kind: Kind, input: Value) {
    app.data(&kind.mutation(), json!({ "input": input })).await;
}

fn bad(field: &str) -> Option<(String, Option<String>)> {
    Some(("BAD_USER_INPUT".to_string(), Some(field.to_string())))
}

#[tokio::test]
async fn the_rules_that_differ_by_entry_point_differ_as_documented() {
    let app = setup().await;
    let c = app.collection.clone();
    let id = |local: &str| format!("{c}:{local}");

    // Every fact in a file cites a claim; a mutation may source it later (addClaim).
    let mut doc = document(&app);
    doc["events"][0]["claims"] = json!([]);
    assert_eq!(import_outcome(&app, &doc).await, bad("events[0].claims"));
    let mut input = graphql_input(&app, Kind::Event);
    input["claims"] = json!([]);
    accepted(&app, Kind::Event, input).await;

    // Every claim and citation in a file quotes its excerpt; a mutation may add it later.
    let mut doc = document(&app);
    doc["counts"][0]["claims"][0]
        .as_object_mut()
        .unwrap()
        .remove("excerpt");
    assert_eq!(
        import_outcome(&app, &doc).await,
        bad("counts[0].claims[0].excerpt")
    );
    let mut doc = document(&app);
    doc["events"][0]["claims"][0]["excerpt"] = json!("  ");
    assert_eq!(
        import_outcome(&app, &doc).await,
        bad("events[0].claims[0].excerpt"),
        "a blank excerpt is no excerpt"
    );
    let mut input = graphql_input(&app, Kind::Count);
    input["claims"] = json!([{ "source": id("s"), "status": "REPORTED" }]);
    accepted(&app, Kind::Count, input).await;
    let mut doc = document(&app);
    doc["sources"][0]["cites"] = json!([{ "source": id("s0") }]);
    assert_eq!(
        import_outcome(&app, &doc).await,
        bad("sources[0].cites[0].excerpt")
    );
    let mut input = graphql_input(&app, Kind::Source);
    input["cites"] = json!([{ "source": id("s0") }]);
    accepted(&app, Kind::Source, input).await;

    // A file's references resolve within the file; a mutation's against what is stored.
    let mut doc = document(&app);
    doc["actors"] = json!([]);
    let outcome = import_outcome(&app, &doc).await;
    assert_eq!(outcome, bad("participations[0].actor"));
    accepted(
        &app,
        Kind::Participation,
        graphql_input(&app, Kind::Participation),
    )
    .await;

    // The same for both: descriptions are optional, and a figure's unit defaults to `person`.
    let mut doc = document(&app);
    doc["actors"][0]
        .as_object_mut()
        .unwrap()
        .remove("description");
    doc["counts"][0].as_object_mut().unwrap().remove("unit");
    assert_eq!(import_outcome(&app, &doc).await, None);
    let mut input = graphql_input(&app, Kind::Count);
    input.as_object_mut().unwrap().remove("unit");
    accepted(&app, Kind::Count, input).await;
    let mut input = graphql_input(&app, Kind::Actor);
    input.as_object_mut().unwrap().remove("description");
    accepted(&app, Kind::Actor, input).await;
    let units = app
        .data(
            "query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Count { unit } } \
             b: node(id: $b) { ... on Count { unit } } }",
            json!({ "a": id("n"), "b": id("n2") }),
        )
        .await;
    assert_eq!(units["a"]["unit"], "person", "imported");
    assert_eq!(units["b"]["unit"], "person", "through GraphQL");
    app.cleanup().await;
}
