//! Every statement a mutation sends starts from an index: each kind is written, patched, linked,
//! merged, re-rated and deleted through the real router while the plans are collected, and no plan may
//! scan a label, all nodes or a whole index (see `crate::plans`). On the seed a label scan costs
//! nothing; in an investigation of 10^6 events it makes every write slow, so it is caught here.

use casegraph::store::Scope;
use serde_json::json;

use crate::{helpers::*, plans::PlanCheck};

// A current-thread runtime (the default): every statement is sent from this thread, where the
// capturing subscriber is installed.
#[tokio::test]
async fn every_statement_of_every_mutation_starts_from_an_index() {
    let app = setup().await;
    let db = app.store.session(Scope::all());
    let check = PlanCheck::start(&db).await;

    // The collection and a term again: their upserts are statements too.
    app.data(
        &upsert_mutation("Collection"),
        json!({"input": {"id": app.collection, "name": "Plans"}}),
    )
    .await;
    app.data(
        &upsert_mutation("Term"),
        json!({"input": {"collection": app.collection, "vocabulary": "EVENT_TYPE",
                         "key": "detention", "label": "Detention"}}),
    )
    .await;
    let ministry = actor(&app, "ministry", "Ministry").await;
    let police = actor(&app, "police", "Police").await;
    let police2 = actor(&app, "police2", "Police (dup)").await;
    let city = place(&app, "city", "City").await;
    let district = place(&app, "district", "District").await;
    let district2 = place(&app, "district2", "District (dup)").await;
    let report = source(&app, "report", "Report").await;
    let other = source(&app, "other", "Other report").await;
    let raid = event(&app, "raid", "Raid").await;
    let arrests = event(&app, "arrests", "Arrests").await;
    let part = participation(&app, "part", &raid, &police2, "perpetrator").await;
    let figure = count(&app, "figure", &raid, 10).await;
    let breakdown = count(&app, "breakdown", &raid, 4).await;
    let said = claim(&app, "said", &figure, &report, "UNCONFIRMED").await;

    update(
        &app,
        "Actor",
        &police,
        json!({"description": "the city police"}),
    )
    .await;
    update(&app, "Place", &city, json!({"description": "a city"})).await;
    update(&app, "Source", &report, json!({"title": "The report"})).await;
    update(&app, "Event", &raid, json!({"title": "The raid"})).await;
    update(&app, "Participation", &part, json!({"role": "target"})).await;
    update(&app, "Count", &figure, json!({"value": 12})).await;
    // Upserting a claim again by its id updates it.
    claim(&app, "said", &figure, &report, "CONFIRMED").await;
    app.data(RATE, json!({"id": said, "status": "DISPUTED", "note": "n"}))
        .await;

    for (relation, from, to) in [
        ("ACTOR_ANSWERS_TO", &police, &ministry),
        ("ACTOR_MEMBER_OF", &police2, &ministry),
        ("COUNT_PART_OF", &breakdown, &figure),
        ("EVENT_AT", &raid, &district),
        ("EVENT_FOLLOWED_BY", &raid, &arrests),
        ("EVENT_LED_TO", &raid, &arrests),
        ("EVENT_PART_OF", &arrests, &raid),
        ("PLACE_WITHIN", &district, &city),
        ("PLACE_WITHIN", &district2, &city),
        ("SOURCE_CITES", &other, &report),
        ("SOURCE_PUBLISHED_BY", &report, &police),
    ] {
        assert!(link(&app, relation, from, to).await, "{relation}");
    }
    assert!(unlink(&app, "EVENT_FOLLOWED_BY", &raid, &arrests).await);

    app.data(
        "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }",
        json!({"k": police, "d": police2}),
    )
    .await;
    app.data(
        "mutation($k: ID!, $d: ID!) { mergePlaces(keep: $k, duplicate: $d) { id } }",
        json!({"k": district, "d": district2}),
    )
    .await;

    delete(&app, "Claim", &said).await;
    delete(&app, "Count", &breakdown).await;
    // The merge moved the participation to the kept actor.
    delete(&app, "Participation", &part).await;
    delete(&app, "Event", &arrests).await;
    delete(&app, "Actor", &ministry).await;
    delete(&app, "Place", &city).await;
    delete(&app, "Source", &other).await;
    let term = format!("{}:term:event_type:detention", app.collection);
    delete(&app, "Term", &term).await;
    delete(&app, "Collection", &app.collection).await;

    let scans = check
        .scans(
            40,
            &["MERGE", "DETACH DELETE", "ANSWERS_TO", "WITHIN", "CITES"],
        )
        .await;
    assert!(scans.is_empty(), "{}", scans.join("\n\n"));
}
