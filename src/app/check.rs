//! [`Check`]: turns a draft's values into domain values, collecting every problem with the path of the
//! field that held it. The kind modules say *which* rule a field follows (a name is a line, a
//! description a paragraph); the rules themselves are the domain types'.

use crate::domain::{
    Coordinates, FuzzyDate, LanguageTag, NodeId, NonEmptyText, TermKey, ValidationError, WebUrl,
};

/// Collects validation errors under a path (`claims[2]` inside `events[0]` …). Each method checks one
/// field and returns `None` when it failed (the error is recorded), so a record is checked whole and
/// every problem is reported, not only the first.
#[derive(Debug, Default)]
pub struct Check {
    path: String,
    errors: Vec<ValidationError>,
}

impl Check {
    pub fn new() -> Self {
        Self::default()
    }

    /// The full path of `field` under the current position.
    pub fn at(&self, field: &str) -> String {
        ValidationError::new(field, "").under(&self.path).field
    }

    /// Runs `f` with the path extended by `sub` (`claims[0]`, `date`).
    pub fn within<R>(&mut self, sub: &str, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved = self.path.clone();
        self.path = self.at(sub);
        let r = f(self);
        self.path = saved;
        r
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        let e = ValidationError::new(self.at(field), message);
        self.errors.push(e);
    }

    /// Records `result`'s error under `field`.
    pub fn ok<T>(&mut self, field: &str, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                let e = e.under(&self.at(field));
                self.errors.push(e);
                None
            }
        }
    }

    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_errors(self) -> Vec<ValidationError> {
        self.errors
    }

    /// `Ok(value)` when nothing failed, else every error.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<ValidationError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ if self.errors.is_empty() => {
                Err(vec![ValidationError::new(self.path, "is not valid")])
            }
            _ => Err(self.errors),
        }
    }

    // -- text --------------------------------------------------------------------------------------

    /// A name, a title, a label: one line of at most 500 characters.
    pub fn line(&mut self, field: &str, value: &str) -> Option<NonEmptyText> {
        self.ok(field, NonEmptyText::line(value, ""))
    }

    /// A description, an excerpt, a note: a paragraph of at most 10,000 characters.
    pub fn paragraph(&mut self, field: &str, value: &str) -> Option<NonEmptyText> {
        self.ok(field, NonEmptyText::parse(value, ""))
    }

    /// An optional paragraph: absent or blank means none.
    pub fn opt_paragraph(
        &mut self,
        field: &str,
        value: Option<&str>,
    ) -> Option<Option<NonEmptyText>> {
        match value.filter(|v| !v.trim().is_empty()) {
            None => Some(None),
            Some(v) => self.paragraph(field, v).map(Some),
        }
    }

    /// An optional line: absent or blank means none.
    pub fn opt_line(&mut self, field: &str, value: Option<&str>) -> Option<Option<NonEmptyText>> {
        match value.filter(|v| !v.trim().is_empty()) {
            None => Some(None),
            Some(v) => self.line(field, v).map(Some),
        }
    }

    /// Lines of a list (aliases), each named by its index.
    pub fn lines(&mut self, field: &str, values: &[String]) -> Option<Vec<NonEmptyText>> {
        let checked: Vec<_> = values
            .iter()
            .enumerate()
            .map(|(i, v)| self.line(&format!("{field}[{i}]"), v))
            .collect();
        checked.into_iter().collect()
    }

    // -- ids, keys, web values -----------------------------------------------------------------------

    pub fn id(&mut self, field: &str, value: &str) -> Option<NodeId> {
        self.ok(field, NodeId::parse(value))
    }

    /// The id of a node being created or replaced: the caller's, or a new UUIDv7 when none is given.
    pub fn new_id(&mut self, field: &str, value: Option<&str>) -> Option<NodeId> {
        match value {
            Some(v) => self.id(field, v),
            None => self.ok(field, NodeId::parse(&uuid::Uuid::now_v7().to_string())),
        }
    }

    pub fn opt_id(&mut self, field: &str, value: Option<&str>) -> Option<Option<NodeId>> {
        match value {
            None => Some(None),
            Some(v) => self.id(field, v).map(Some),
        }
    }

    /// Ids of a list (link targets), each named by its index.
    pub fn ids(&mut self, field: &str, values: &[String]) -> Option<Vec<NodeId>> {
        let checked: Vec<_> = values
            .iter()
            .enumerate()
            .map(|(i, v)| self.id(&format!("{field}[{i}]"), v))
            .collect();
        checked.into_iter().collect()
    }

    pub fn term_key(&mut self, field: &str, value: &str) -> Option<TermKey> {
        self.ok(field, TermKey::parse(value))
    }

    /// A URL: absent or blank means none.
    pub fn url(&mut self, field: &str, value: Option<&str>) -> Option<Option<WebUrl>> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Some(None),
            Some(v) => self.ok(field, WebUrl::parse(v)).map(Some),
        }
    }

    /// A language tag: absent or blank means none.
    pub fn language(&mut self, field: &str, value: Option<&str>) -> Option<Option<LanguageTag>> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Some(None),
            Some(v) => self.ok(field, LanguageTag::parse(v)).map(Some),
        }
    }

    pub fn date(&mut self, field: &str, date: &DateDraft) -> Option<FuzzyDate> {
        self.ok(
            field,
            FuzzyDate::parse(&date.edtf, date.inferred, date.basis.as_deref()),
        )
    }

    pub fn location(
        &mut self,
        field: &str,
        value: Option<(f64, f64)>,
    ) -> Option<Option<Coordinates>> {
        match value {
            None => Some(None),
            Some((lat, lon)) => self.ok(field, Coordinates::new(lat, lon)).map(Some),
        }
    }
}

/// A fuzzy date as a caller gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateDraft {
    /// EDTF level 1.
    pub edtf: String,
    /// Not stated by the source but worked out (then `basis` is required).
    pub inferred: bool,
    /// What it was worked out from.
    pub basis: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_named_under_the_current_path() {
        let mut v = Check::new();
        v.within("events[2]", |v| {
            v.within("claims[0]", |v| v.line("excerpt", " "));
            v.ids("partOf", &["ok".into(), "not ok".into()]);
        });
        let fields: Vec<String> = v.into_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["events[2].claims[0].excerpt", "events[2].partOf[1]"]
        );
    }

    #[test]
    fn a_blank_optional_text_is_none_and_a_missing_id_is_generated() {
        let mut v = Check::new();
        assert_eq!(v.opt_paragraph("description", Some("  ")), Some(None));
        let id = v.new_id("id", None).unwrap();
        assert_eq!(id.as_str().len(), 36);
        assert!(v.is_clean());
    }
}
