//! The import format's rules on whole documents: the seed, and each rule broken in one place.

use super::*;
use crate::{
    domain::{ClaimStatus, CountQualifier, Relation, ValidationError},
    store::write::{ChangeSet, ClaimWrite},
};
use serde_json::{json, Value};

const SEED_JSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.json"
);
const SEED_REPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.txt"
);
const SEED_PREFIX: &str = "meduza-2025-01-spb-raids";

fn seed_document() -> ImportDocument {
    let text = std::fs::read_to_string(SEED_JSON).expect("seed file is readable");
    ImportDocument::from_json(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn seed() -> ChangeSet {
    seed_document()
        .validate()
        .map(|d| d.changes)
        .unwrap_or_else(|errors| {
            panic!(
                "seed is invalid:\n{}",
                crate::domain::render_errors(&errors)
            )
        })
}

fn seed_id(rest: &str) -> String {
    format!("{SEED_PREFIX}:{rest}")
}

/// A small valid document that each failure test breaks in one place.
fn minimal() -> Value {
    json!({
        "format": "casegraph/v1",
        "collection": { "id": "c", "name": "Test" },
        "terms": [
            { "vocabulary": "EVENT_TYPE", "key": "raid",
              "label": "Raid", "description": "A raid." },
            { "vocabulary": "PARTICIPANT_ROLE", "key": "target",
              "label": "Target", "description": "Targeted." }
        ],
        "actors": [
            { "id": "c:a:police", "kind": "STATE_BODY", "name": "Police", "description": "Police." }
        ],
        "places": [
            { "id": "c:p:city", "kind": "CITY", "name": "City", "description": "A city.",
              "precision": "CITY" }
        ],
        "sources": [
            { "id": "c:s:report", "kind": "NEWS_REPORT", "title": "Report" }
        ],
        "events": [
            { "id": "c:e:raid", "type": "raid", "title": "Raid", "description": "A raid.",
              "place": "c:p:city", "date": { "edtf": "2025-01-01" },
              "claims": [ { "id": "c:cl:1", "source": "c:s:report", "excerpt": "x",
                            "status": "REPORTED" } ] }
        ],
        "participations": [
            { "id": "c:pa:1", "event": "c:e:raid", "actor": "c:a:police", "role": "target",
              "claims": [ { "id": "c:cl:2", "source": "c:s:report", "excerpt": "x",
                            "status": "REPORTED" } ] }
        ],
        "counts": [
            { "id": "c:n:1", "event": "c:e:raid", "subject": "people", "value": 3,
              "qualifier": "EXACT", "unit": "person",
              "claims": [ { "id": "c:cl:3", "source": "c:s:report", "excerpt": "x",
                            "status": "REPORTED" } ] }
        ]
    })
}

fn errors_of(doc: Value) -> Vec<ValidationError> {
    let doc: ImportDocument = serde_json::from_value(doc).expect("shape is valid");
    doc.validate().expect_err("document should be rejected")
}

fn only_error(doc: Value) -> ValidationError {
    let mut errors = errors_of(doc);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

// -- the seed ------------------------------------------------------------------------------

/// The claims about one fact.
fn claims_about<'a>(cs: &'a ChangeSet, id: &str) -> Vec<&'a ClaimWrite> {
    cs.claims
        .iter()
        .filter(|c| c.about.as_str() == id)
        .collect()
}

/// The targets of one node's relation, with their excerpts.
fn targets<'a>(
    cs: &'a ChangeSet,
    relation: Relation,
    from: &str,
) -> Vec<(&'a str, Option<&'a str>)> {
    cs.links
        .iter()
        .filter(|l| l.relation == relation && l.from.as_str() == from)
        .flat_map(|l| l.targets.iter())
        .map(|(t, e)| (t.as_str(), e.as_ref().map(|e| e.as_str())))
        .collect()
}

#[test]
fn the_seed_parses_and_validates() {
    let doc = seed();
    assert_eq!(doc.collections[0].id.as_str(), SEED_PREFIX);
}

#[test]
fn the_seed_has_the_expected_totals() {
    let doc = seed();
    let totals = [
        doc.terms.len(),
        doc.actors.len(),
        doc.places.len(),
        doc.sources.len(),
        doc.events.len(),
        doc.participations.len(),
        doc.counts.len(),
        doc.claims.len(),
    ];
    assert_eq!(totals, [21, 19, 6, 5, 16, 30, 7, 59]);
}

#[test]
fn every_seed_excerpt_is_verbatim_from_the_report() {
    let report = std::fs::read_to_string(SEED_REPORT).expect("report text is readable");
    let doc = seed();
    for claim in &doc.claims {
        let excerpt = claim
            .excerpt
            .as_ref()
            .expect("a file's claims quote their source");
        assert!(
            report.contains(excerpt.as_str()),
            "{}: excerpt not in the report: {excerpt}",
            claim.about
        );
    }
    for source in &doc.sources {
        for (_, excerpt) in targets(&doc, Relation::SourceCites, source.ident.id.as_str()) {
            let excerpt = excerpt.expect("a file's citations quote their source");
            assert!(report.contains(excerpt), "{excerpt}");
        }
    }
}

#[test]
fn every_seed_id_is_prefixed_by_the_collection() {
    let text = std::fs::read_to_string(SEED_JSON).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(id)) = map.get("id") {
                    out.push(id.clone());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut ids = Vec::new();
    walk(&value, &mut ids);
    assert!(ids.len() > 100);
    for id in ids {
        assert!(id.starts_with(SEED_PREFIX), "{id}");
    }
}

#[test]
fn the_seed_keeps_both_detention_figures_side_by_side() {
    let doc = seed();
    let detentions = seed_id("event:mass-detentions");
    let figures: Vec<_> = doc
        .counts
        .iter()
        .filter(|c| c.event.as_str() == detentions)
        .collect();
    assert_eq!(figures.len(), 2);
    let source_of = |id: &str| claims_about(&doc, id)[0].source.as_str().to_string();
    let fontanka = figures
        .iter()
        .find(|c| source_of(c.ident.id.as_str()) == seed_id("source:fontanka-report"))
        .expect("Fontanka's figure");
    assert_eq!(fontanka.figure.value(), Some(3000));
    assert_eq!(fontanka.figure.qualifier(), CountQualifier::AtLeast);
    let novaya = figures
        .iter()
        .find(|c| source_of(c.ident.id.as_str()) == seed_id("source:novaya-gazeta-europe-report"))
        .expect("Novaya Gazeta Europe's figure");
    assert_eq!(novaya.figure.value(), None);
    assert_eq!(novaya.figure.qualifier(), CountQualifier::MoreThan);
    assert_eq!(novaya.figure.lower(), Some(3000));
    assert_eq!(novaya.figure.wording(), Some("much higher"));
    for c in figures {
        assert_eq!(
            claims_about(&doc, c.ident.id.as_str())[0].status,
            ClaimStatus::Reported
        );
    }
}

#[test]
fn the_seed_marks_the_1500_contracts_as_unconfirmed() {
    let doc = seed();
    let count = doc
        .counts
        .iter()
        .find(|c| c.figure.value() == Some(1500))
        .expect("the 1,500 figure");
    let claims = claims_about(&doc, count.ident.id.as_str());
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].status, ClaimStatus::Unconfirmed);
    assert!(claims[0]
        .note
        .as_ref()
        .unwrap()
        .as_str()
        .contains("has not been confirmed"));
}

#[test]
fn the_seed_breakdown_of_charges_adds_up_to_31() {
    let doc = seed();
    let whole = seed_id("count:charged-31");
    let total = doc
        .counts
        .iter()
        .find(|c| c.ident.id.as_str() == whole)
        .unwrap();
    assert_eq!(total.figure.value(), Some(31));
    assert_eq!(
        claims_about(&doc, &whole)[0].status,
        ClaimStatus::OfficialStatement
    );
    let parts: Vec<_> = doc
        .counts
        .iter()
        .filter(|c| {
            targets(&doc, Relation::CountPartOf, c.ident.id.as_str()) == [(whole.as_str(), None)]
        })
        .collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts.iter().filter_map(|c| c.figure.value()).sum::<i32>(),
        31
    );
}

#[test]
fn the_seed_infers_its_dates_from_the_banner_and_says_so() {
    let doc = seed();
    let event = |id: &str| {
        doc.events
            .iter()
            .find(|e| e.ident.id.as_str() == seed_id(id))
            .unwrap()
    };
    let raids = event("event:raids");
    assert_eq!(raids.date.edtf(), "2024-12-31/2025-01-01");
    assert!(raids.date.inferred());
    assert!(raids.date.basis().unwrap().contains("Meduza survived 2024"));
    let recent = event("event:citizenship-for-contracts");
    assert_eq!(recent.date.earliest(), None);
    assert!(recent.date.basis().unwrap().contains("In recent months"));
    for e in &doc.events {
        assert!(
            e.date.inferred(),
            "{}: the report prints no year",
            e.ident.id
        );
    }
}

#[test]
fn the_seed_cites_its_sources_from_meduzas_report() {
    let doc = seed();
    let meduza_id = seed_id("source:meduza-report");
    let meduza = doc
        .sources
        .iter()
        .find(|s| s.ident.id.as_str() == meduza_id)
        .unwrap();
    let cited: Vec<&str> = targets(&doc, Relation::SourceCites, &meduza_id)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    for other in [
        "fontanka-report",
        "novaya-gazeta-europe-report",
        "courts-press-service-statement",
    ] {
        assert!(
            cited.contains(&seed_id(&format!("source:{other}")).as_str()),
            "{other}"
        );
    }
    let publisher = seed_id("actor:meduza");
    assert_eq!(
        targets(&doc, Relation::SourcePublishedBy, &meduza_id),
        [(publisher.as_str(), None)]
    );
    assert!(meduza.published.as_ref().unwrap().inferred());
    assert!(
        doc.places.iter().all(|p| p.location.is_none()),
        "the report gives no coordinates"
    );
    assert!(
        doc.sources.iter().all(|s| s.url.is_none()),
        "the report prints no URLs"
    );
}

#[test]
fn the_seed_round_trips_through_json() {
    let doc = seed_document();
    let again = ImportDocument::from_json(&serde_json::to_string(&doc).unwrap()).unwrap();
    assert_eq!(doc, again);
}

#[test]
fn the_example_in_the_format_guide_is_valid() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/data-format.md"))
            .expect("docs/data-format.md is readable");
    let start = guide
        .find("```json\n")
        .expect("the guide has a JSON example")
        + "```json\n".len();
    let end = start + guide[start..].find("```").expect("the example is closed");
    let doc = ImportDocument::from_json(&guide[start..end]).unwrap_or_else(|e| panic!("{e}"));
    if let Err(errors) = doc.validate() {
        panic!("{}", crate::domain::render_errors(&errors));
    }
}

// -- the rules -----------------------------------------------------------------------------

#[test]
fn the_minimal_document_is_valid() {
    let doc: ImportDocument = serde_json::from_value(minimal()).unwrap();
    let valid = doc.validate().unwrap();
    assert_eq!(valid.changes.claims.len(), 3);
}

#[test]
fn a_broken_reference_names_the_field_and_the_missing_id() {
    let mut doc = minimal();
    doc["participations"][0]["actor"] = json!("c:a:nobody");
    let e = only_error(doc);
    assert_eq!(e.field, "participations[0].actor");
    assert!(e.message.contains("no actor with id `c:a:nobody`"), "{e}");
}

#[test]
fn a_reference_to_the_wrong_kind_of_record_says_what_it_found() {
    let mut doc = minimal();
    doc["events"][0]["place"] = json!("c:a:police");
    let e = only_error(doc);
    assert_eq!(e.field, "events[0].place");
    assert!(
        e.message.contains("is an actor (actors[0]), not a place"),
        "{e}"
    );
}

#[test]
fn a_duplicate_id_names_both_records() {
    let mut doc = minimal();
    doc["counts"][0]["claims"][0]["id"] = json!("c:e:raid");
    let e = only_error(doc);
    assert_eq!(e.field, "counts[0].claims[0].id");
    assert!(
        e.message
            .contains("duplicate id `c:e:raid`: already used by events[0]"),
        "{e}"
    );
}

#[test]
fn an_invalid_id_is_rejected_at_its_path() {
    let mut doc = minimal();
    doc["actors"][0]["id"] = json!("has space");
    doc["participations"][0]["actor"] = json!("has space");
    let errors = errors_of(doc);
    assert!(
        errors.iter().any(|e| e.field == "actors[0].id"),
        "{errors:#?}"
    );
}

#[test]
fn a_bad_date_names_the_edtf_field() {
    let mut doc = minimal();
    doc["events"][0]["date"]["edtf"] = json!("2025-02-30");
    let e = only_error(doc);
    assert_eq!(e.field, "events[0].date.edtf");
    assert!(e.message.contains("does not exist"), "{e}");
}

#[test]
fn an_inferred_date_without_basis_names_the_basis_field() {
    let mut doc = minimal();
    doc["sources"][0]["published"] = json!({ "edtf": "2025-01", "inferred": true });
    let e = only_error(doc);
    assert_eq!(e.field, "sources[0].published.basis");
}

#[test]
fn a_negative_count_names_the_value_field() {
    let mut doc = minimal();
    doc["counts"][0]["value"] = json!(-3);
    let e = only_error(doc);
    assert_eq!(e.field, "counts[0].value");
    assert!(e.message.contains("negative"), "{e}");
}

#[test]
fn bounds_out_of_order_name_the_upper_field() {
    let mut doc = minimal();
    doc["counts"][0]["qualifier"] = json!("ABOUT");
    doc["counts"][0]["lower"] = json!(5);
    doc["counts"][0]["upper"] = json!(1);
    doc["counts"][0].as_object_mut().unwrap().remove("value");
    let e = only_error(doc);
    assert_eq!(e.field, "counts[0].upper");
    assert!(e.message.contains("upper below lower"));
}

#[test]
fn an_unknown_term_key_is_rejected() {
    let mut doc = minimal();
    doc["events"][0]["type"] = json!("riot");
    let e = only_error(doc);
    assert_eq!(e.field, "events[0].type");
    assert!(
        e.message.contains("no EVENT_TYPE term with key `riot`"),
        "{e}"
    );
}

#[test]
fn a_term_from_the_wrong_vocabulary_is_rejected() {
    let mut doc = minimal();
    doc["participations"][0]["role"] = json!("raid");
    let e = only_error(doc);
    assert_eq!(e.field, "participations[0].role");
    assert!(
        e.message
            .contains("`raid` is a EVENT_TYPE term, not a PARTICIPANT_ROLE term"),
        "{e}"
    );
}

#[test]
fn a_fact_without_claims_is_rejected() {
    let mut doc = minimal();
    doc["events"][0]["claims"] = json!([]);
    let e = only_error(doc);
    assert_eq!(e.field, "events[0].claims");
}

#[test]
fn a_claim_citing_an_unknown_source_is_rejected() {
    let mut doc = minimal();
    doc["events"][0]["claims"][0]["source"] = json!("c:s:missing");
    let e = only_error(doc);
    assert_eq!(e.field, "events[0].claims[0].source");
}

#[test]
fn the_format_tag_is_checked() {
    let mut doc = minimal();
    doc["format"] = json!("casegraph/v2");
    let e = only_error(doc);
    assert_eq!(e.field, "format");
}

#[test]
fn places_within_each_other_in_a_circle_are_rejected() {
    let mut doc = minimal();
    doc["places"] = json!([
        { "id": "c:p:city", "kind": "CITY", "name": "City", "description": "d",
          "precision": "CITY", "within": "c:p:region" },
        { "id": "c:p:region", "kind": "REGION", "name": "Region", "description": "d",
          "precision": "REGION", "within": "c:p:city" }
    ]);
    let e = only_error(doc);
    assert!(e.field.ends_with(".within"), "{e}");
    assert!(
        e.message.contains("c:p:city → c:p:region → c:p:city"),
        "{e}"
    );
}

#[test]
fn an_event_part_of_itself_is_rejected() {
    let mut doc = minimal();
    doc["events"][0]["partOf"] = json!(["c:e:raid"]);
    let e = only_error(doc);
    assert_eq!(e.field, "events[0].partOf[0]");
}

#[test]
fn out_of_range_coordinates_name_the_axis() {
    let mut doc = minimal();
    doc["places"][0]["location"] = json!({ "latitude": 95.0, "longitude": 30.0 });
    let e = only_error(doc);
    assert_eq!(e.field, "places[0].location.latitude");
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let mut doc = minimal();
    doc["events"][0]["date"]["edtf"] = json!("someday");
    doc["counts"][0]["value"] = json!(-1);
    doc["participations"][0]["event"] = json!("c:e:none");
    doc["actors"][0]["name"] = json!("  ");
    let fields: Vec<String> = errors_of(doc).into_iter().map(|e| e.field).collect();
    for expected in [
        "events[0].date.edtf",
        "counts[0].value",
        "participations[0].event",
        "actors[0].name",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected} missing from {fields:?}"
        );
    }
}

#[test]
fn a_misspelt_key_is_a_parse_error() {
    let mut doc = minimal();
    doc["events"][0]["palce"] = json!("c:p:city");
    let e = ImportDocument::from_json(&doc.to_string()).unwrap_err();
    assert!(e.message.contains("unknown field `palce`"), "{e}");
}

#[test]
fn an_unknown_enum_value_is_a_parse_error_listing_the_choices() {
    let mut doc = minimal();
    doc["actors"][0]["kind"] = json!("POLICE");
    let e = ImportDocument::from_json(&doc.to_string()).unwrap_err();
    assert!(e.message.contains("STATE_BODY"), "{e}");
}
