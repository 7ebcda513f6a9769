//! Domain values: the only shapes in which user input reaches the rest of the service.
//!
//! Every type here is built by a constructor that validates, so a value that exists is a value
//! that is valid (the "parse, don't validate" style of zero-to-production). Nothing in this
//! module does I/O: the GraphQL layer, the importer and the store all share these rules, and a
//! rule changed here changes for all of them at once.
//!
//! Errors are [`ValidationError`]s that name the offending field. Constructors name fields
//! relative to themselves (`edtf`, `upper`, or nothing at all for a single-value newtype);
//! callers prefix the path to where the value sat in their input with
//! [`ValidationError::under`], so a user reads `events[3].date.edtf`, not just `edtf`.

use std::fmt;

/// Generates `as_str`, `FromStr`, `Display` and `ALL` for a public enum from one table of
/// names, so that the name stored in Neo4j, the serde name and the GraphQL name cannot drift
/// apart (a unit test checks the last two against the table).
macro_rules! stored_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The SCREAMING_SNAKE_CASE name under which the value is stored and exposed.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::domain::ValidationError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    other => Err($crate::domain::ValidationError::new(
                        "",
                        format!(
                            "unknown {} `{}`; expected one of {}",
                            stringify!($ty),
                            other,
                            [$($name),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mod count;
mod date_parts;
pub mod figure_sum;
mod fuzzy_date;
mod kinds;
mod provenance;
mod relation;
mod text;

pub use count::{CountQualifier, Figure, FigureParts};
pub use fuzzy_date::{DatePrecision, DateRange, FuzzyDate};
pub use kinds::{
    ActorKind, Coordinates, LanguageTag, LocationPrecision, NodeId, PlaceKind, SourceKind, TermKey,
    Vocabulary, WebUrl,
};
pub use provenance::ClaimStatus;
pub use relation::{NodeKind, Relation, RelationRule};
pub use text::NonEmptyText;

/// A value that was rejected, with the path of the field that held it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.field, .message))]
pub struct ValidationError {
    /// Dotted path to the offending field (`events[3].date.edtf`); empty when the error is
    /// about a bare value whose caller has not placed it yet.
    pub field: String,
    /// What is wrong, written for the person who supplied the value.
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Places the error under `prefix`: field `edtf` under `input.date` becomes
    /// `input.date.edtf`; an empty field becomes `prefix` itself; an index (`[2]`) is appended
    /// without a dot.
    #[must_use]
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = join_path(prefix, &self.field);
        self
    }
}

fn render(field: &str, message: &str) -> String {
    if field.is_empty() {
        message.to_owned()
    } else {
        format!("{field}: {message}")
    }
}

fn join_path(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if field.starts_with('[') => format!("{prefix}{field}"),
        (false, false) => format!("{prefix}.{field}"),
    }
}

// Kept for callers that want to show a list of errors as one message (CLI output, logs).
/// Renders several errors one per line.
pub fn render_errors(errors: &[ValidationError]) -> String {
    struct Lines<'a>(&'a [ValidationError]);
    impl fmt::Display for Lines<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for (i, e) in self.0.iter().enumerate() {
                if i > 0 {
                    f.write_str("\n")?;
                }
                write!(f, "{e}")?;
            }
            Ok(())
        }
    }
    Lines(errors).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_prefixes_a_named_field_with_a_dot() {
        let e = ValidationError::new("edtf", "bad").under("input.date");
        assert_eq!(e.field, "input.date.edtf");
    }

    #[test]
    fn under_replaces_an_empty_field_with_the_prefix() {
        let e = ValidationError::new("", "bad").under("events[0].id");
        assert_eq!(e.field, "events[0].id");
    }

    #[test]
    fn under_appends_an_index_without_a_dot() {
        let e = ValidationError::new("[2]", "bad").under("actors[1].aliases");
        assert_eq!(e.field, "actors[1].aliases[2]");
    }

    #[test]
    fn under_nests_repeatedly() {
        let e = ValidationError::new("edtf", "bad")
            .under("date")
            .under("events[3]");
        assert_eq!(e.field, "events[3].date.edtf");
    }

    #[test]
    fn display_shows_the_field_then_the_message() {
        let e = ValidationError::new("upper", "upper below lower");
        assert_eq!(e.to_string(), "upper: upper below lower");
        assert_eq!(
            ValidationError::new("", "just this").to_string(),
            "just this"
        );
    }

    #[test]
    fn render_errors_puts_one_error_per_line() {
        let errors = vec![
            ValidationError::new("a", "x"),
            ValidationError::new("b", "y"),
        ];
        assert_eq!(render_errors(&errors), "a: x\nb: y");
    }
}
