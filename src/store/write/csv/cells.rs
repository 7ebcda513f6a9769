//! The cells of a CSV line as `neo4j-admin database import` reads them (see the parent module's
//! documentation for the conventions), and the derived keys computed the way
//! [`crate::store::records::SORT_KEYS`] computes them in Cypher.

use super::ARRAY_DELIMITER;
use crate::domain::{FuzzyDate, NonEmptyText};
use crate::store::records::SEARCH_SEPARATOR;

/// A text cell: quoted, quotes doubled; none is an empty cell (null).
pub(super) fn text(line: &mut String, value: Option<&str>) {
    if let Some(v) = value {
        line.push('"');
        for ch in v.chars() {
            if ch == '"' {
                line.push('"');
            }
            line.push(ch);
        }
        line.push('"');
    }
    line.push(',');
}

/// A number, boolean or temporal cell, as is.
pub(super) fn raw(line: &mut String, value: Option<impl std::fmt::Display>) {
    if let Some(v) = value {
        use std::fmt::Write as _;
        let _ = write!(line, "{v}");
    }
    line.push(',');
}

/// A list cell; an empty list is no property (see the module's documentation).
pub(super) fn list(line: &mut String, items: &[NonEmptyText]) {
    if items.is_empty() {
        return text(line, None);
    }
    let joined: Vec<&str> = items.iter().map(NonEmptyText::as_str).collect();
    text(line, Some(&joined.join(&ARRAY_DELIMITER.to_string())));
}

/// A fuzzy date's eight cells, as `nodes.rs::date_json` and the kinds' `SET` store them.
pub(super) fn date(line: &mut String, d: Option<&FuzzyDate>) {
    text(line, d.map(FuzzyDate::edtf));
    raw(line, d.and_then(FuzzyDate::earliest));
    raw(line, d.and_then(FuzzyDate::latest));
    text(line, d.map(|d| d.precision().as_str()));
    raw(line, d.map(FuzzyDate::approximate));
    raw(line, d.map(FuzzyDate::uncertain));
    raw(line, d.map(FuzzyDate::inferred));
    text(line, d.and_then(FuzzyDate::basis));
}

/// `coalesce(toString(<date>Earliest), '')`.
pub(super) fn sort_date(d: Option<&FuzzyDate>) -> String {
    sort_key(d.and_then(FuzzyDate::earliest))
}

/// A sort key of an earliest day: an event's `sortDate` and a participation's copy of it, one text.
pub(super) fn sort_key(earliest: Option<chrono::NaiveDate>) -> String {
    earliest.map(|x| x.to_string()).unwrap_or_default()
}

/// The search key of [`crate::store::records::SORT_KEYS`]: `[name, title, label, subject, wording]
/// + aliases + [description, excerpt]`, each present one lowercased after a separator, the first
/// 8,191 characters. `head` and `tail` are the kind's fields of the first and last list, in order.
pub(super) fn search_text(
    head: &[Option<&str>],
    aliases: &[NonEmptyText],
    tail: &[Option<&str>],
) -> String {
    let mut s = String::new();
    let fields = head
        .iter()
        .copied()
        .chain(aliases.iter().map(|a| Some(a.as_str())));
    for x in fields.chain(tail.iter().copied()).flatten() {
        s.push(SEARCH_SEPARATOR);
        s.push_str(&x.to_lowercase());
    }
    match s.char_indices().nth(8191) {
        Some((cut, _)) => s[..cut].to_owned(),
        None => s,
    }
}
