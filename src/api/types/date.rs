//! Fuzzy dates as the API shows them.

use async_graphql::{InputObject, Object};

use crate::{
    domain::{DatePrecision, FuzzyDate},
    error::AppError,
};

/// A date as precisely as it is known: an EDTF (ISO 8601-2) expression, its earliest and latest
/// possible days, and whether it is approximate, uncertain or inferred rather than stated.
pub struct FuzzyDateObject(pub FuzzyDate);

/// A date as precisely as it is known: an EDTF (ISO 8601-2) expression, its earliest and latest
/// possible days, and whether it is approximate, uncertain or inferred rather than stated.
#[Object(name = "FuzzyDate")]
impl FuzzyDateObject {
    /// The date in EDTF notation: `2025-01-01`, `2024-12-31/2025-01-01`, `2024-12`, `2024~`
    /// (approximate), `2025-01?` (uncertain), `../2025-01` (open start), `2025-01-01/..` (open end).
    async fn edtf(&self) -> &str {
        self.0.edtf()
    }

    /// The first day the date can fall on (ISO `YYYY-MM-DD`); null when the start is open.
    async fn earliest(&self) -> Option<String> {
        self.0.earliest().map(|d| d.to_string())
    }

    /// The last day the date can fall on (ISO `YYYY-MM-DD`); null when the end is open.
    async fn latest(&self) -> Option<String> {
        self.0.latest().map(|d| d.to_string())
    }

    /// How finely the date is known.
    async fn precision(&self) -> DatePrecision {
        self.0.precision()
    }

    /// The source gives the date as approximate ("around").
    async fn approximate(&self) -> bool {
        self.0.approximate()
    }

    /// The source is unsure of the date.
    async fn uncertain(&self) -> bool {
        self.0.uncertain()
    }

    /// The date is not stated by the source but worked out; `basis` says from what.
    async fn inferred(&self) -> bool {
        self.0.inferred()
    }

    /// What the date was inferred from, e.g. "the report's banner places it at the turn of 2024/2025".
    async fn basis(&self) -> Option<&str> {
        self.0.basis()
    }
}

/// A time window. Filters keep what overlaps it: an event from Dec 31 to Jan 1 matches a window of
/// Jan 1 alone.
#[derive(InputObject, Default, Clone)]
pub struct DateRangeInput {
    /// First day of the window (ISO `YYYY-MM-DD`); omit for an open start.
    pub(crate) from: Option<String>,
    /// Last day of the window (ISO `YYYY-MM-DD`); omit for an open end.
    pub(crate) to: Option<String>,
}

/// A day of a filter (`YYYY-MM-DD`); errors name `field`.
pub(crate) fn date(
    value: &Option<String>,
    field: &str,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    value
        .as_deref()
        .map(|v| {
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                AppError::bad_input(field, format!("{v:?} is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()
}
