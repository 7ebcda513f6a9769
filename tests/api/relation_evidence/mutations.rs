//! Drawing relations with claims or inference, adding and re-rating claims about them, and what
//! happens to those claims when the relation or a node goes.

use serde_json::{json, Value};

use super::RELATION;
use crate::helpers::{
    actor, err, event, exists, first_error, id, participation, setup, source, TestApp, RATE,
};

const LINK: &str = r#"mutation($r: Relation!, $from: ID!, $to: ID!, $claims: [RelationClaimInput!], $inference: InferenceInput) {
    link(relation: $r, from: $from, to: $to, claims: $claims, inference: $inference) { changed } }"#;

const ADD_CLAIM: &str = r#"mutation($input: ClaimInput!) {
    addClaim(input: $input) { id status excerpt aboutRelation subject { __typename } } }"#;

async fn read(app: &TestApp, r: &str, from: &str, to: &str) -> Value {
    app.data(RELATION, json!({"r": r, "from": from, "to": to}))
        .await["relation"]
        .clone()
}

async fn two_events(app: &TestApp) -> (String, String, String) {
    let a = event(app, "e1", "Arrests").await;
    let b = event(app, "e2", "Charges").await;
    let s = source(app, "s1", "A report").await;
    (a, b, s)
}

#[tokio::test]
async fn a_link_drawn_with_a_claim_rests_on_it_and_the_claim_can_be_disputed() {
    let app = setup().await;
    let (a, b, s) = two_events(&app).await;
    let claim = id(&app, "c1");
    let d = app
        .data(
            LINK,
            json!({"r": "EVENT_LED_TO", "from": a, "to": b,
                   "claims": [{"id": claim, "source": s, "excerpt": "the arrests led to charges", "status": "REPORTED"}]}),
        )
        .await;
    assert_eq!(d["link"]["changed"], true);
    let r = read(&app, "EVENT_LED_TO", &a, &b).await;
    assert_eq!(r["claims"][0]["id"], claim);
    assert_eq!(r["claims"][0]["source"]["id"], s);
    assert_eq!(r["claims"][0]["aboutRelation"], r["id"]);
    assert!(r["inference"].is_null());
    // Re-rated like any claim: the relation now rests on a disputed claim.
    app.data(
        RATE,
        json!({"id": claim, "status": "DISPUTED", "note": "the court says otherwise"}),
    )
    .await;
    let r = read(&app, "EVENT_LED_TO", &a, &b).await;
    assert_eq!(r["claims"][0]["status"], "DISPUTED");
    app.cleanup().await;
}

#[tokio::test]
async fn a_link_drawn_without_a_source_carries_the_analysts_reasoning_and_can_be_sourced_later() {
    let app = setup().await;
    let (a, b, s) = two_events(&app).await;
    app.data(
        LINK,
        json!({"r": "EVENT_LED_TO", "from": a, "to": b,
               "inference": {"reasoning": "the charges follow the arrests in the same account"}}),
    )
    .await;
    let r = read(&app, "EVENT_LED_TO", &a, &b).await;
    assert_eq!(r["claims"], json!([]));
    assert_eq!(
        r["inference"]["reasoning"],
        "the charges follow the arrests in the same account"
    );
    // addClaim about the relation, by its kind and ends.
    let d = app
        .data(
            ADD_CLAIM,
            json!({"input": {"id": id(&app, "c2"), "collection": app.collection,
                   "relation": {"relation": "EVENT_LED_TO", "from": a, "to": b},
                   "source": s, "excerpt": "charged after the raids", "status": "CONFIRMED"}}),
        )
        .await;
    assert_eq!(d["addClaim"]["aboutRelation"], r["id"]);
    assert!(d["addClaim"]["subject"].is_null());
    let r = read(&app, "EVENT_LED_TO", &a, &b).await;
    assert_eq!(r["claims"][0]["status"], "CONFIRMED");
    // Linking again without evidence changes nothing and keeps both.
    let again = app
        .data(LINK, json!({"r": "EVENT_LED_TO", "from": a, "to": b}))
        .await;
    assert_eq!(again["link"]["changed"], false);
    let r = read(&app, "EVENT_LED_TO", &a, &b).await;
    assert_eq!(r["claims"].as_array().unwrap().len(), 1);
    assert!(r["inference"]["reasoning"].is_string());
    app.cleanup().await;
}

#[tokio::test]
async fn bad_relation_evidence_is_refused_on_the_field_at_fault() {
    let app = setup().await;
    let (a, b, s) = two_events(&app).await;
    let other = source(&app, "s2", "Cited").await;
    // A citation carries its passage; it takes no claims.
    let e = first_error(
        &app.gql(
            LINK,
            json!({"r": "SOURCE_CITES", "from": s, "to": other,
                   "inference": {"reasoning": "x"}}),
        )
        .await,
    );
    assert_eq!(e, err("BAD_USER_INPUT", "relation"));
    // A claim's source must be a source.
    let e = first_error(
        &app.gql(
            LINK,
            json!({"r": "EVENT_LED_TO", "from": a, "to": b,
                   "claims": [{"source": b, "status": "REPORTED"}]}),
        )
        .await,
    );
    assert_eq!(e, err("BAD_USER_INPUT", "claims[0].source"));
    // Nothing was half-written: the link of the refused mutation is not there.
    assert!(read(&app, "EVENT_LED_TO", &a, &b).await.is_null());
    // Blank reasoning is no reasoning.
    let e = first_error(
        &app.gql(
            LINK,
            json!({"r": "EVENT_LED_TO", "from": a, "to": b, "inference": {"reasoning": " "}}),
        )
        .await,
    );
    assert_eq!(e, err("BAD_USER_INPUT", "inference.reasoning"));
    // addClaim names a fact or a relation, not both; and the relation must be drawn.
    let both = json!({"input": {"collection": app.collection, "about": a,
        "relation": {"relation": "EVENT_LED_TO", "from": a, "to": b},
        "source": s, "status": "REPORTED"}});
    assert_eq!(
        first_error(&app.gql(ADD_CLAIM, both).await),
        err("BAD_USER_INPUT", "input.about")
    );
    let undrawn = json!({"input": {"collection": app.collection,
        "relation": {"relation": "EVENT_LED_TO", "from": a, "to": b},
        "source": s, "status": "REPORTED"}});
    assert_eq!(
        first_error(&app.gql(ADD_CLAIM, undrawn).await),
        err("BAD_USER_INPUT", "input")
    );
    app.cleanup().await;
}

#[tokio::test]
async fn claims_about_a_relation_go_with_it_and_follow_it_through_a_merge() {
    let app = setup().await;
    let (a, b, s) = two_events(&app).await;
    app.data(
        LINK,
        json!({"r": "EVENT_LED_TO", "from": a, "to": b,
               "claims": [{"id": id(&app, "c1"), "source": s, "status": "REPORTED"}]}),
    )
    .await;
    let unlinked = app
        .data(
            "mutation($from: ID!, $to: ID!) { unlink(relation: EVENT_LED_TO, from: $from, to: $to) { changed } }",
            json!({"from": a, "to": b}),
        )
        .await;
    assert_eq!(unlinked["unlink"]["changed"], true);
    assert!(
        !exists(&app, &id(&app, "c1")).await,
        "the claim went with the relation"
    );

    // Deleting a node deletes the claims about its relations.
    app.data(
        LINK,
        json!({"r": "EVENT_LED_TO", "from": a, "to": b,
               "claims": [{"id": id(&app, "c2"), "source": s, "status": "REPORTED"}]}),
    )
    .await;
    let deleted = crate::helpers::delete(&app, "Event", &b).await;
    assert_eq!(
        deleted["deletedNodes"], 2,
        "the event and the claim about its relation"
    );
    assert!(!exists(&app, &id(&app, "c2")).await);

    // A merge moves the relation and keeps its claims on it.
    let unit = actor(&app, "unit", "Unit").await;
    let body = actor(&app, "body", "Body").await;
    let body2 = actor(&app, "body2", "Body (duplicate)").await;
    app.data(
        LINK,
        json!({"r": "ACTOR_MEMBER_OF", "from": unit, "to": body2,
               "claims": [{"id": id(&app, "c3"), "source": s, "status": "REPORTED"}]}),
    )
    .await;
    app.data(
        "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }",
        json!({"k": body, "d": body2}),
    )
    .await;
    let r = read(&app, "ACTOR_MEMBER_OF", &unit, &body).await;
    assert_eq!(r["claims"][0]["id"], id(&app, "c3"));
    assert_eq!(r["claims"][0]["aboutRelation"], r["id"]);
    app.cleanup().await;
}

#[tokio::test]
async fn a_disputed_claim_puts_a_participation_in_dispute() {
    let app = setup().await;
    let (a, _, s) = two_events(&app).await;
    let police = actor(&app, "police", "Police").await;
    let p = participation(&app, "p1", &a, &police, "perpetrator").await;
    let c = crate::helpers::claim(&app, "c1", &p, &s, "REPORTED").await;
    let q = r#"query($c: [ID!]) {
        participations(collections: $c, first: 10, filter: {inDispute: true}) { totalCount }
        events(collections: $c, first: 10, filter: {inDispute: true}) { totalCount } }"#;
    let before = app.data(q, json!({"c": [app.collection]})).await;
    assert_eq!(before["participations"]["totalCount"], 0);
    app.data(RATE, json!({"id": c, "status": "DISPUTED"})).await;
    let after = app.data(q, json!({"c": [app.collection]})).await;
    assert_eq!(after["participations"]["totalCount"], 1);
    // The event of a disputed participation has a fact in dispute.
    assert_eq!(after["events"]["totalCount"], 1);
    app.cleanup().await;
}
