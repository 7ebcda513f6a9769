//! The graph questions about figures, asked of the seed: conflicts between sources and statistics
//! whose totals keep the figures' qualifiers; and the README's examples.

use serde_json::{json, Value};

use crate::helpers::{seed_id, seeded, SEED};

fn round_trips(response: &Value) -> u64 {
    response["extensions"]["roundTrips"]
        .as_u64()
        .expect("extensions.roundTrips")
}

#[tokio::test]
async fn the_two_figures_for_the_arrests_come_back_as_a_conflict_with_their_outlets() {
    let app = seeded().await;
    let r = app
        .gql(
            r#"query($c: [ID!]) { conflicts(collections: $c) { bounds { truncated }
                 conflicts { subject reasons event { id }
                   figures { reading count { value qualifier wording }
                     sources { status excerpt source { title } outlet { name } } } } } }"#,
            json!({ "c": [SEED] }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let conflicts = r["data"]["conflicts"]["conflicts"].as_array().unwrap();
    assert_eq!(
        conflicts.len(),
        1,
        "only the arrests are in dispute: {conflicts:#?}"
    );
    let c = &conflicts[0];
    assert_eq!(c["event"]["id"], seed_id("event", "mass-detentions"));
    assert_eq!(c["subject"], "migrants arrested");
    assert_eq!(c["reasons"], json!(["DIFFERENT_FIGURES"]));
    let mut side_by_side: Vec<(String, String, String)> = c["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["sources"][0]["outlet"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                f["count"]["wording"].as_str().unwrap().to_string(),
                f["reading"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    side_by_side.sort();
    assert_eq!(
        side_by_side,
        vec![
            (
                "Fontanka".into(),
                "at least 3,000".into(),
                "at least 3,000".into()
            ),
            (
                "Novaya Gazeta Europe".into(),
                "much higher".into(),
                "more than 3,000".into()
            ),
        ]
    );
    assert!(c["figures"][0]["sources"][0]["excerpt"].is_string());
    assert_eq!(round_trips(&r), 1);
}

#[tokio::test]
async fn statistics_count_by_type_month_and_place_and_keep_qualifiers_in_totals() {
    let app = seeded().await;
    let r = app
        .gql(
            r#"query($c: [ID!]) { statistics(collections: $c) {
                 eventsByType { items { eventType events } }
                 eventsByMonth { items { month within overlapping } }
                 eventsByPlace { items { place { name } here includingWithin } }
                 affected { bounds { truncated } items { eventType status figures events alternatives
                   total { lower upper exact qualifier text } } } } }"#,
            json!({ "c": [SEED] }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let s = &r["data"]["statistics"];
    let by_type = s["eventsByType"]["items"].as_array().unwrap();
    let total: i64 = by_type.iter().map(|t| t["events"].as_i64().unwrap()).sum();
    assert_eq!(total, 16);
    let of = |ty: &str| {
        by_type
            .iter()
            .find(|t| t["eventType"] == ty)
            .map(|t| t["events"].as_i64().unwrap())
    };
    assert_eq!(of("detention"), Some(2));
    assert_eq!(of("forced_transfer"), Some(3));
    // Dec 31 – Jan 1 overlaps both months and lies within neither.
    let months = s["eventsByMonth"]["items"].as_array().unwrap();
    let month = |m: &str| months.iter().find(|x| x["month"] == m).unwrap();
    assert_eq!(month("2024-12")["overlapping"], 5);
    assert_eq!(month("2024-12")["within"], 0);
    assert_eq!(month("2025-01")["within"], 3, "the Jan 1 events");
    assert_eq!(month("2025-01")["overlapping"], 8);
    // Open starts ("in recent months") and open ends ("from Jan 1 on") fit no month: counted apart.
    let open = months.iter().find(|x| x["month"].is_null()).unwrap();
    assert_eq!(open["overlapping"], 8);
    assert_eq!(months.last().unwrap()["month"], Value::Null);
    // St. Petersburg holds its own events and those at the stations and the detention centre.
    let places = s["eventsByPlace"]["items"].as_array().unwrap();
    let spb = places
        .iter()
        .find(|p| p["place"]["name"] == "St. Petersburg")
        .unwrap();
    assert!(spb["includingWithin"].as_i64().unwrap() > spb["here"].as_i64().unwrap());
    // Totals: the two sources' arrest figures are alternatives, not added: at least 3,000.
    let affected = s["affected"]["items"].as_array().unwrap();
    let bucket = |ty: &str, status: &str| {
        affected
            .iter()
            .find(|a| a["eventType"] == ty && a["status"] == status)
            .unwrap_or_else(|| panic!("{ty}/{status} in {affected:#?}"))
    };
    let detention = bucket("detention", "REPORTED");
    assert_eq!(detention["total"]["text"], "at least 3,000");
    assert_eq!(detention["total"]["exact"], Value::Null);
    assert_eq!(detention["total"]["upper"], Value::Null);
    assert_eq!(detention["alternatives"], 1);
    let deported = bucket("deportation", "OFFICIAL_STATEMENT");
    assert_eq!(deported["total"]["exact"], 27);
    assert_eq!(deported["total"]["text"], "exactly 27");
    // The 1,500 signatures rest on an unconfirmed claim: their own bucket.
    let signed = bucket("contract_signing", "UNCONFIRMED");
    assert_eq!(signed["total"]["text"], "at least 1,500");
    assert!(round_trips(&r) <= 4, "{}", round_trips(&r));
}

#[tokio::test]
async fn the_readme_examples_of_graph_questions_run_on_the_seed() {
    let app = seeded().await;
    let readme = include_str!("../../README.md");
    let section = readme
        .split("### Graph questions")
        .nth(1)
        .expect("README has a Graph questions section");
    let block = section
        .split("```graphql")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a graphql block");
    let queries: Vec<&str> = block
        .split("\n\n")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .collect();
    assert_eq!(queries.len(), 3, "{queries:#?}");
    for q in queries {
        let data = app.data(q, json!({})).await;
        let answer = data.as_object().unwrap().values().next().unwrap();
        assert_eq!(answer["bounds"]["truncated"], false, "{q}");
        let items = ["paths", "entries", "conflicts"]
            .iter()
            .find_map(|k| answer[*k].as_array())
            .unwrap_or_else(|| panic!("{q}: {answer:#}"));
        assert!(!items.is_empty(), "{q}: {answer:#}");
    }
}
