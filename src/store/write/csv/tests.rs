//! The cells and the ledger of the export's files; the files as a whole are checked by
//! tests/api/offline_import.rs, which loads them.

use super::*;

#[test]
fn text_is_quoted_with_quotes_doubled_and_none_is_an_empty_cell() {
    let mut l = String::new();
    text(&mut l, Some("a \"b\", c\nd"));
    text(&mut l, None);
    raw(&mut l, Some(5));
    assert_eq!(l, "\"a \"\"b\"\", c\nd\",,5,");
}

/// The ledger tells `casegraph migrate` to skip a backfill: every backfill's key (`Label.key`)
/// must be a column the export writes for that label, or a new backfill of a key the export
/// does not write would be skipped after an offline load.
#[test]
fn every_backfill_the_ledger_skips_looks_for_a_key_the_files_hold() {
    let names: Vec<String> = migrations::backfills()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert!(names.contains(&migrations::EVENT_PLACE_COPY.to_owned()));
    assert!(names.contains(&PARTICIPATION_COPIES.to_owned()));
    // A relationship a backfill draws is a file of its own (checked in the test below).
    let relationships: Vec<&str> = RELATIONSHIP_BACKFILLS.iter().map(|(n, _)| *n).collect();
    for name in names
        .iter()
        .filter(|n| !relationships.contains(&n.as_str()))
    {
        let (label, key) = name.split_once('.').expect("Label.key");
        let (_, header) = NODES
            .iter()
            .find(|(kind, _)| kind.label() == label)
            .unwrap_or_else(|| panic!("no node file for {label}"));
        let columns: Vec<&str> = header
            .split(',')
            .map(|c| c.split(':').next().unwrap_or(c))
            .collect();
        assert!(
            columns.contains(&key),
            "{label} has no column {key}: {header}"
        );
    }
}

#[test]
fn the_participations_copies_are_in_the_ledger_only_if_none_was_left_out() {
    let dir = std::env::temp_dir().join(format!("casegraph-ledger-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir(&dir).unwrap();
    let mut graph = CsvGraph::create(
        &dir,
        chrono::Utc::now(),
        super::super::event_dates::event_hash,
    )
    .unwrap();
    let all = migrations::backfills().len();
    assert!(graph.ledger().contains(&PARTICIPATION_COPIES.to_owned()));
    assert!(graph
        .ledger()
        .contains(&migrations::EVENT_REGIONS.to_owned()));
    assert_eq!(graph.ledger().len(), all);
    graph.uncopied = 1;
    let ledger = graph.ledger();
    assert!(!ledger.contains(&PARTICIPATION_COPIES.to_owned()));
    assert_eq!(ledger.len(), all - 1);
    graph.finish(&dir).unwrap();
    let rows = std::fs::read_to_string(dir.join("nodes-AppliedMigration.csv")).unwrap();
    assert_eq!(rows.lines().count(), ledger.len() + 1, "{rows}");
    assert!(
        rows.contains("\"Event.sortDate\",\"export-csv\","),
        "{rows}"
    );
    let args = std::fs::read_to_string(dir.join("neo4j-admin.args")).unwrap();
    assert!(args.contains("--nodes=AppliedMigration="), "{args}");
    for (_, ty) in RELATIONSHIP_BACKFILLS {
        assert!(args.contains(&format!("--relationships={ty}=")), "{args}");
    }
    assert!(!dir.join("regions.spool").exists(), "the spool is removed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_search_key_keeps_8191_characters() {
    let long = "Ж".repeat(9000);
    let s = search_text(&[Some("Name")], &[], &[Some(&long)]);
    assert!(s.starts_with("\u{1F}name\u{1F}жж"));
    assert_eq!(s.chars().count(), 8191);
}
