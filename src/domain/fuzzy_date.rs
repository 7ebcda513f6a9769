//! Fuzzy dates: what a source says about when something happened, kept as the source put it
//! (an EDTF string) plus the bounds a time filter needs.
//!
//! News reports rarely give a clean day: "on December 31 and January 1", "in recent months",
//! no year at all. EDTF (ISO 8601-2, level 1) can write each of those down exactly, and the
//! string stays the record of truth. `earliest`/`latest` are derived from it — never supplied —
//! so they cannot disagree with it; a time filter then only compares two dates
//! ("overlaps": `earliest <= to AND latest >= from`, missing bounds as unbounded).
//!
//! The bounds are those of the value as written: `2024~` (about 2024) still spans 2024-01-01 to
//! 2024-12-31, and the `approximate`/`uncertain` flags tell the reader not to lean on the edges.
//! Widening the bounds by a guessed margin would invent precision in the other direction.

use chrono::{Datelike, NaiveDate};
use edtf::level_1::{Certainty, Date, Edtf, Precision};

use super::{date_parts::out_of_range_part, ValidationError};

/// How finely a date is known. Derived from the EDTF string, never supplied.
#[derive(
    async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DatePrecision {
    /// A single calendar day (`2025-01-01`, or a timestamp, of which only the day is used).
    Day,
    /// A single month (`2024-12`), or a known month whose day is unspecified (`2024-12-XX`).
    Month,
    /// A single year (`2024`), or a known year whose month is unspecified (`2024-XX`).
    Year,
    /// A span with both ends known: `2024-12-31/2025-01-01`, or a decade or century
    /// (`201X`, `20XX`), which are spans of years.
    Interval,
    /// A span with one end open or unknown: `../2025-01` ("by January 2025"),
    /// `2025-01-01/..` ("from January 1 on").
    Open,
}

stored_names!(DatePrecision {
    Day => "DAY",
    Month => "MONTH",
    Year => "YEAR",
    Interval => "INTERVAL",
    Open => "OPEN",
});

/// A validated fuzzy date: an EDTF level-1 string with its derived bounds and qualifiers, and
/// whether it was stated by the source or inferred (and if so, from what).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzyDate {
    edtf: String,
    earliest: Option<NaiveDate>,
    latest: Option<NaiveDate>,
    precision: DatePrecision,
    approximate: bool,
    uncertain: bool,
    inferred: bool,
    basis: Option<String>,
}

/// Long enough for a paragraph of reasoning, short enough that a basis stays a note.
const MAX_BASIS_CHARS: usize = 2_000;

impl FuzzyDate {
    /// Parses an EDTF level-1 string. `inferred` says the source did not state the date and it
    /// was worked out; `basis` says from what, and is then required. A basis on a stated date
    /// is kept (it may say which sentence gives the date).
    ///
    /// Errors name `edtf` or `basis`.
    pub fn parse(edtf: &str, inferred: bool, basis: Option<&str>) -> Result<Self, ValidationError> {
        let basis = match basis.map(str::trim).filter(|b| !b.is_empty()) {
            Some(b) if b.chars().count() > MAX_BASIS_CHARS => {
                return Err(ValidationError::new(
                    "basis",
                    format!("at most {MAX_BASIS_CHARS} characters"),
                ))
            }
            other => other.map(str::to_owned),
        };
        if inferred && basis.is_none() {
            return Err(ValidationError::new(
                "basis",
                "the date is marked inferred: say what the date was inferred from",
            ));
        }

        let text = edtf.trim();
        if text.is_empty() {
            return Err(edtf_error("is empty; give an EDTF date such as 2025-01-01"));
        }
        // The parser reports an out-of-range part either as such or as a syntax error (month 13),
        // and never says which part; a part we can blame is named first.
        let parsed = Edtf::parse(text).map_err(|e| match (out_of_range_part(text), e) {
            (Some(part), _) => edtf_error(format!("`{text}`: {part}")),
            (None, edtf::ParseError::OutOfRange) => {
                edtf_error(format!("`{text}` names a date or time that does not exist"))
            }
            (None, _) => edtf_error(format!(
                "`{text}` is not an EDTF level-1 date (e.g. 2025-01-01, 2024-12, 2024~, \
                 2024-12-31/2025-01-01, ../2025-01)"
            )),
        })?;

        let (earliest, latest, precision, certainties) = match parsed {
            Edtf::Date(d) => {
                let (lo, hi, p) = date_bounds(d, text)?;
                (Some(lo), Some(hi), p, vec![d.certainty()])
            }
            Edtf::DateTime(dt) => {
                let c = dt.date();
                let day = ymd(c.year(), c.month(), c.day(), text)?;
                (
                    Some(day),
                    Some(day),
                    DatePrecision::Day,
                    vec![Certainty::Certain],
                )
            }
            Edtf::Interval(start, end) => {
                let (lo, _, _) = date_bounds(start, text)?;
                let (_, hi, _) = date_bounds(end, text)?;
                if hi < lo {
                    return Err(edtf_error(format!(
                        "`{text}`: end before start ({hi} is before {lo})"
                    )));
                }
                let certainties = vec![start.certainty(), end.certainty()];
                (Some(lo), Some(hi), DatePrecision::Interval, certainties)
            }
            Edtf::IntervalFrom(start, _) => {
                let (lo, _, _) = date_bounds(start, text)?;
                (Some(lo), None, DatePrecision::Open, vec![start.certainty()])
            }
            Edtf::IntervalTo(_, end) => {
                let (_, hi, _) = date_bounds(end, text)?;
                (None, Some(hi), DatePrecision::Open, vec![end.certainty()])
            }
            Edtf::YYear(_) => {
                return Err(edtf_error(format!(
                    "`{text}`: years beyond ±9999 are not supported"
                )))
            }
        };

        let approximate = certainties
            .iter()
            .any(|c| matches!(c, Certainty::Approximate | Certainty::ApproximateUncertain));
        let uncertain = certainties
            .iter()
            .any(|c| matches!(c, Certainty::Uncertain | Certainty::ApproximateUncertain));

        Ok(Self {
            edtf: parsed.to_string(),
            earliest,
            latest,
            precision,
            approximate,
            uncertain,
            inferred,
            basis,
        })
    }

    /// Rebuilds a date from what the store keeps (`dateEdtf`, `dateInferred`, `dateBasis`).
    ///
    /// The derived properties are recomputed from the string rather than read back, so a stored
    /// node whose derived columns were hand-edited or written by an older version cannot hand
    /// the API a date that contradicts its own EDTF. An error here means the stored data is
    /// corrupt, not that a user typed something wrong.
    pub fn from_stored(
        edtf: &str,
        inferred: bool,
        basis: Option<String>,
    ) -> Result<Self, ValidationError> {
        Self::parse(edtf, inferred, basis.as_deref())
    }

    /// The EDTF string, normalised (trimmed, in the parser's canonical spelling).
    pub fn edtf(&self) -> &str {
        &self.edtf
    }
    /// First day the date can fall on; `None` when the start is open or unknown.
    pub fn earliest(&self) -> Option<NaiveDate> {
        self.earliest
    }
    /// Last day the date can fall on; `None` when the end is open or unknown.
    pub fn latest(&self) -> Option<NaiveDate> {
        self.latest
    }
    pub fn precision(&self) -> DatePrecision {
        self.precision
    }
    /// `~` or `%` on the date or either end of the interval.
    pub fn approximate(&self) -> bool {
        self.approximate
    }
    /// `?` or `%` on the date or either end of the interval.
    pub fn uncertain(&self) -> bool {
        self.uncertain
    }
    /// The source does not state this date; it was worked out.
    pub fn inferred(&self) -> bool {
        self.inferred
    }
    /// What the date was worked out from (or a note on where it is stated).
    pub fn basis(&self) -> Option<&str> {
        self.basis.as_deref()
    }
}

fn edtf_error(message: impl Into<String>) -> ValidationError {
    ValidationError::new("edtf", message)
}

fn ymd(year: i32, month: u32, day: u32, text: &str) -> Result<NaiveDate, ValidationError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| edtf_error(format!("`{text}` is outside the supported range of dates")))
}

fn last_day_of_month(year: i32, month: u32, text: &str) -> Result<NaiveDate, ValidationError> {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let first_of_next = ymd(next_year, next_month, 1, text)?;
    first_of_next
        .pred_opt()
        .ok_or_else(|| edtf_error(format!("`{text}` is outside the supported range of dates")))
}

/// First day, last day and precision of one EDTF date (one end of an interval).
fn date_bounds(
    date: Date,
    text: &str,
) -> Result<(NaiveDate, NaiveDate, DatePrecision), ValidationError> {
    let whole_year = |y: i32| Ok((ymd(y, 1, 1, text)?, ymd(y, 12, 31, text)?));
    let (lo, hi, precision) = match date.precision() {
        Precision::Day(y, m, d) => {
            let day = ymd(y, m, d, text)?;
            (day, day, DatePrecision::Day)
        }
        Precision::Month(y, m) | Precision::DayOfMonth(y, m) => (
            ymd(y, m, 1, text)?,
            last_day_of_month(y, m, text)?,
            DatePrecision::Month,
        ),
        Precision::Year(y) | Precision::MonthOfYear(y) | Precision::DayOfYear(y) => {
            let (lo, hi) = whole_year(y)?;
            (lo, hi, DatePrecision::Year)
        }
        Precision::Decade(y) => (
            ymd(y, 1, 1, text)?,
            ymd(y + 9, 12, 31, text)?,
            DatePrecision::Interval,
        ),
        Precision::Century(y) => (
            ymd(y, 1, 1, text)?,
            ymd(y + 99, 12, 31, text)?,
            DatePrecision::Interval,
        ),
        // EDTF seasons (21–24) do not say which hemisphere's spring is meant, so any bounds we
        // gave would be a guess; a month interval says the same thing without the guess.
        Precision::Season(..) => {
            return Err(edtf_error(format!(
            "`{text}`: seasons are not supported; write the months instead, e.g. 2024-12/2025-02"
        )))
        }
    };
    debug_assert!(lo.year() <= hi.year());
    Ok((lo, hi, precision))
}

/// A time filter: "what may have happened between `from` and `to`", both ends inclusive and
/// optional. Matching uses overlap, not containment, so a date known only to the month is found
/// by a filter on any day of that month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl DateRange {
    /// Errors name `to` when it lies before `from`.
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Self, ValidationError> {
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(ValidationError::new(
                    "to",
                    format!("`to` ({t}) is before `from` ({f})"),
                ));
            }
        }
        Ok(Self { from, to })
    }
    pub fn from(&self) -> Option<NaiveDate> {
        self.from
    }
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn stated(edtf: &str) -> FuzzyDate {
        FuzzyDate::parse(edtf, false, None).unwrap_or_else(|e| panic!("{edtf}: {e}"))
    }

    fn rejected(edtf: &str) -> ValidationError {
        FuzzyDate::parse(edtf, false, None).expect_err(edtf)
    }

    #[test]
    fn a_day_spans_itself() {
        let d = stated("2025-01-01");
        assert_eq!(d.edtf(), "2025-01-01");
        assert_eq!(d.earliest(), Some(day("2025-01-01")));
        assert_eq!(d.latest(), Some(day("2025-01-01")));
        assert_eq!(d.precision(), DatePrecision::Day);
        assert!(!d.approximate() && !d.uncertain() && !d.inferred());
    }

    #[test]
    fn an_interval_of_days_spans_start_to_end() {
        let d = stated("2024-12-31/2025-01-01");
        assert_eq!(d.earliest(), Some(day("2024-12-31")));
        assert_eq!(d.latest(), Some(day("2025-01-01")));
        assert_eq!(d.precision(), DatePrecision::Interval);
    }

    #[test]
    fn a_month_spans_its_first_to_its_last_day() {
        let d = stated("2024-12");
        assert_eq!(d.earliest(), Some(day("2024-12-01")));
        assert_eq!(d.latest(), Some(day("2024-12-31")));
        assert_eq!(d.precision(), DatePrecision::Month);
        let feb = stated("2024-02");
        assert_eq!(feb.latest(), Some(day("2024-02-29")), "leap year");
    }

    #[test]
    fn an_approximate_year_keeps_the_years_bounds_and_says_approximate() {
        let d = stated("2024~");
        assert_eq!(d.earliest(), Some(day("2024-01-01")));
        assert_eq!(d.latest(), Some(day("2024-12-31")));
        assert_eq!(d.precision(), DatePrecision::Year);
        assert!(d.approximate());
        assert!(!d.uncertain());
    }

    #[test]
    fn an_uncertain_month_says_uncertain() {
        let d = stated("2025-01?");
        assert_eq!(d.earliest(), Some(day("2025-01-01")));
        assert_eq!(d.latest(), Some(day("2025-01-31")));
        assert_eq!(d.precision(), DatePrecision::Month);
        assert!(d.uncertain());
        assert!(!d.approximate());
    }

    #[test]
    fn percent_means_both_approximate_and_uncertain() {
        let d = stated("2024-12%");
        assert!(d.approximate() && d.uncertain());
    }

    #[test]
    fn an_approximate_month() {
        let d = stated("2024-12~");
        assert!(d.approximate());
        assert_eq!(d.precision(), DatePrecision::Month);
    }

    #[test]
    fn an_open_start_has_no_earliest() {
        let d = stated("../2025-01");
        assert_eq!(d.earliest(), None);
        assert_eq!(d.latest(), Some(day("2025-01-31")));
        assert_eq!(d.precision(), DatePrecision::Open);
        assert_eq!(d.edtf(), "../2025-01");
    }

    #[test]
    fn an_open_end_has_no_latest() {
        let d = stated("2025-01-01/..");
        assert_eq!(d.earliest(), Some(day("2025-01-01")));
        assert_eq!(d.latest(), None);
        assert_eq!(d.precision(), DatePrecision::Open);
        assert_eq!(d.edtf(), "2025-01-01/..");
    }

    #[test]
    fn an_unknown_end_is_treated_like_an_open_one() {
        let d = stated("2025-01-01/");
        assert_eq!(d.latest(), None);
        assert_eq!(d.precision(), DatePrecision::Open);
        let d = stated("/2025");
        assert_eq!(d.earliest(), None);
        assert_eq!(d.latest(), Some(day("2025-12-31")));
    }

    #[test]
    fn a_qualifier_on_either_end_of_an_interval_qualifies_the_whole() {
        let d = stated("2025-01-01/2025-01~");
        assert!(d.approximate());
        assert_eq!(d.latest(), Some(day("2025-01-31")));
        let d = stated("2024?/2025");
        assert!(d.uncertain());
    }

    #[test]
    fn an_interval_of_mixed_precisions_uses_the_outer_bounds() {
        let d = stated("2024-12/2025");
        assert_eq!(d.earliest(), Some(day("2024-12-01")));
        assert_eq!(d.latest(), Some(day("2025-12-31")));
    }

    #[test]
    fn unspecified_digits_widen_to_what_is_known() {
        let d = stated("2024-12-XX");
        assert_eq!(d.precision(), DatePrecision::Month);
        assert_eq!(d.latest(), Some(day("2024-12-31")));
        let d = stated("2024-XX");
        assert_eq!(d.precision(), DatePrecision::Year);
        let d = stated("201X");
        assert_eq!(d.precision(), DatePrecision::Interval);
        assert_eq!(d.earliest(), Some(day("2010-01-01")));
        assert_eq!(d.latest(), Some(day("2019-12-31")));
    }

    #[test]
    fn a_timestamp_counts_as_its_day() {
        let d = stated("2025-01-01T10:30:00Z");
        assert_eq!(d.precision(), DatePrecision::Day);
        assert_eq!(d.earliest(), Some(day("2025-01-01")));
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        assert_eq!(stated("  2025-01 ").edtf(), "2025-01");
    }

    #[test]
    fn an_inferred_date_keeps_its_basis() {
        let d = FuzzyDate::parse("2024-12-31/2025-01-01", true, Some(" page banner ")).unwrap();
        assert!(d.inferred());
        assert_eq!(d.basis(), Some("page banner"));
    }

    #[test]
    fn a_stated_date_may_carry_a_basis() {
        let d = FuzzyDate::parse("2025-01-01", false, Some("second paragraph")).unwrap();
        assert!(!d.inferred());
        assert_eq!(d.basis(), Some("second paragraph"));
    }

    #[test]
    fn an_inferred_date_without_a_basis_is_rejected() {
        for basis in [None, Some(""), Some("   ")] {
            let e = FuzzyDate::parse("2025-01", true, basis).unwrap_err();
            assert_eq!(e.field, "basis");
            assert!(
                e.message.contains("say what the date was inferred from"),
                "{e}"
            );
        }
    }

    #[test]
    fn an_overlong_basis_is_rejected() {
        let long = "x".repeat(MAX_BASIS_CHARS + 1);
        let e = FuzzyDate::parse("2025", true, Some(&long)).unwrap_err();
        assert_eq!(e.field, "basis");
    }

    #[test]
    fn garbage_is_rejected_naming_edtf() {
        for bad in [
            "",
            "yesterday",
            "31/12/2024",
            "2024-13",
            "2025-01-01/2025-01-02/2025",
        ] {
            let e = rejected(bad);
            assert_eq!(e.field, "edtf", "{bad}");
        }
        assert!(rejected("yesterday").message.contains("not an EDTF"));
    }

    #[test]
    fn an_impossible_day_is_rejected() {
        let e = rejected("2025-02-30");
        assert_eq!(e.field, "edtf");
        assert!(e.message.contains("does not exist"), "{e}");
        assert_eq!(rejected("2023-02-29").field, "edtf");
    }

    #[test]
    fn an_interval_ending_before_it_starts_is_rejected() {
        let e = rejected("2025-01-02/2025-01-01");
        assert_eq!(e.field, "edtf");
        assert!(e.message.contains("end before start"), "{e}");
        assert!(rejected("2025/2024-06")
            .message
            .contains("end before start"));
    }

    #[test]
    fn seasons_are_rejected_with_advice() {
        let e = rejected("2024-24");
        assert!(e.message.contains("seasons are not supported"), "{e}");
    }

    #[test]
    fn five_digit_years_are_rejected() {
        assert!(rejected("Y170000002").message.contains("9999"));
    }

    #[test]
    fn a_stored_date_is_rebuilt_with_its_derived_fields() {
        let d =
            FuzzyDate::from_stored("../2025-01", true, Some("in recent months".into())).unwrap();
        assert_eq!(
            d,
            FuzzyDate::parse("../2025-01", true, Some("in recent months")).unwrap()
        );
        assert_eq!(d.latest(), Some(day("2025-01-31")));
    }

    #[test]
    fn a_date_range_rejects_to_before_from() {
        let e = DateRange::new(Some(day("2025-01-02")), Some(day("2025-01-01"))).unwrap_err();
        assert_eq!(e.field, "to");
        assert!(DateRange::new(Some(day("2025-01-01")), Some(day("2025-01-01"))).is_ok());
        assert!(DateRange::new(None, Some(day("2025-01-01"))).is_ok());
    }

    #[test]
    fn precision_names_round_trip() {
        for p in DatePrecision::ALL {
            assert_eq!(p.as_str().parse::<DatePrecision>().unwrap(), *p);
        }
    }
}
