//! Figures: a number as a source gave it — exact, a floor, a ceiling, a range, or only a
//! comparison ("much higher") — without rounding it into something more precise than it was.
//!
//! Wikidata's quantities (value with optional lower and upper bounds) are the model; the
//! qualifier adds the words sources actually use ("at least", "more than"), and `wording` keeps
//! the phrase itself so that a reader can check the encoding against the source.

use super::{NonEmptyText, ValidationError};

/// How a figure relates to the true number, as the source put it.
#[derive(
    async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CountQualifier {
    /// The source gives the number as exact: "31 people were charged".
    Exact,
    /// The number is the figure or higher: "at least 3,000".
    AtLeast,
    /// The number is the figure or lower: "up to 200", "at most 50".
    AtMost,
    /// The figure is an estimate: "about 500", "some 2,000", "roughly a hundred".
    About,
    /// The number exceeds the figure: "more than 3,000", or a comparison with no figure of its
    /// own ("much higher" than another source's 3,000), with that figure as `lower`.
    MoreThan,
    /// The number is below the figure: "fewer than 100", "under a dozen".
    FewerThan,
}

stored_names!(CountQualifier {
    Exact => "EXACT",
    AtLeast => "AT_LEAST",
    AtMost => "AT_MOST",
    About => "ABOUT",
    MoreThan => "MORE_THAN",
    FewerThan => "FEWER_THAN",
});

/// The unvalidated parts of a figure, as a caller collects them from its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureParts {
    pub value: Option<i64>,
    pub qualifier: CountQualifier,
    pub lower: Option<i64>,
    pub upper: Option<i64>,
    pub unit: String,
    pub wording: Option<String>,
}

/// A validated figure: never negative, never beyond [`Figure::MAX`], bounds in order, the value
/// inside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    value: Option<i32>,
    qualifier: CountQualifier,
    lower: Option<i32>,
    upper: Option<i32>,
    unit: NonEmptyText,
    wording: Option<NonEmptyText>,
}

const MAX_UNIT_CHARS: usize = 100;
const MAX_WORDING_CHARS: usize = 500;

impl Figure {
    /// The largest figure: GraphQL's `Int` is a signed 32-bit integer, and a number a client cannot
    /// read back exactly (JavaScript loses integers beyond 2^53) must not be stored. Two billion is
    /// far beyond any head count a source gives.
    pub const MAX: i64 = i32::MAX as i64;

    /// Errors name `value`, `lower`, `upper`, `unit` or `wording`.
    pub fn new(parts: FigureParts) -> Result<Self, ValidationError> {
        let FigureParts {
            value,
            qualifier,
            lower,
            upper,
            unit,
            wording,
        } = parts;

        for (field, number) in [("value", value), ("lower", lower), ("upper", upper)] {
            if let Some(n) = number.filter(|n| *n < 0) {
                return Err(ValidationError::new(
                    field,
                    format!("{n} is negative; a count cannot be"),
                ));
            }
            if let Some(n) = number.filter(|n| *n > Self::MAX) {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "{n} is larger than {}, the largest figure (GraphQL's 32-bit Int)",
                        Self::MAX
                    ),
                ));
            }
        }
        if value.is_none() && lower.is_none() && upper.is_none() {
            return Err(ValidationError::new(
                "value",
                "give a value, a lower bound or an upper bound; a figure needs at least one number",
            ));
        }
        // EXACT with only bounds would claim a precision the source did not give.
        if qualifier == CountQualifier::Exact && value.is_none() {
            return Err(ValidationError::new(
                "value",
                "an EXACT figure needs a value",
            ));
        }
        if let (Some(lo), Some(hi)) = (lower, upper) {
            if hi < lo {
                return Err(ValidationError::new(
                    "upper",
                    format!("upper below lower ({hi} < {lo})"),
                ));
            }
        }
        if let Some(v) = value {
            if let Some(lo) = lower.filter(|lo| v < *lo) {
                return Err(ValidationError::new(
                    "value",
                    format!("value {v} is below lower bound {lo}"),
                ));
            }
            if let Some(hi) = upper.filter(|hi| v > *hi) {
                return Err(ValidationError::new(
                    "value",
                    format!("value {v} is above upper bound {hi}"),
                ));
            }
        }

        let unit = NonEmptyText::parse_line(&unit, "unit", MAX_UNIT_CHARS)?;
        let wording = match wording.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            Some(w) => Some(NonEmptyText::parse_line(w, "wording", MAX_WORDING_CHARS)?),
            None => None,
        };

        // In range: checked above.
        let narrow = |n: Option<i64>| n.map(|n| n as i32);
        Ok(Self {
            value: narrow(value),
            qualifier,
            lower: narrow(lower),
            upper: narrow(upper),
            unit,
            wording,
        })
    }

    pub fn value(&self) -> Option<i32> {
        self.value
    }
    pub fn qualifier(&self) -> CountQualifier {
        self.qualifier
    }
    pub fn lower(&self) -> Option<i32> {
        self.lower
    }
    pub fn upper(&self) -> Option<i32> {
        self.upper
    }
    /// What is counted in: "person", "household", "contract".
    pub fn unit(&self) -> &str {
        self.unit.as_str()
    }
    /// The figure as the source phrased it: "at least 3,000", "much higher".
    pub fn wording(&self) -> Option<&str> {
        self.wording.as_ref().map(NonEmptyText::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(value: Option<i64>, qualifier: CountQualifier) -> FigureParts {
        FigureParts {
            value,
            qualifier,
            lower: None,
            upper: None,
            unit: "person".into(),
            wording: None,
        }
    }

    #[test]
    fn an_exact_figure_is_accepted() {
        let f = Figure::new(parts(Some(31), CountQualifier::Exact)).unwrap();
        assert_eq!(f.value(), Some(31));
        assert_eq!(f.unit(), "person");
    }

    #[test]
    fn a_comparison_without_a_value_is_accepted_with_a_bound() {
        let f = Figure::new(FigureParts {
            lower: Some(3000),
            wording: Some("much higher".into()),
            ..parts(None, CountQualifier::MoreThan)
        })
        .unwrap();
        assert_eq!(f.value(), None);
        assert_eq!(f.lower(), Some(3000));
        assert_eq!(f.wording(), Some("much higher"));
    }

    #[test]
    fn zero_is_a_valid_count() {
        assert!(Figure::new(parts(Some(0), CountQualifier::Exact)).is_ok());
    }

    #[test]
    fn negative_numbers_are_rejected_naming_the_field() {
        let e = Figure::new(parts(Some(-1), CountQualifier::Exact)).unwrap_err();
        assert_eq!(e.field, "value");
        let e = Figure::new(FigureParts {
            lower: Some(-5),
            ..parts(None, CountQualifier::AtLeast)
        })
        .unwrap_err();
        assert_eq!(e.field, "lower");
        let e = Figure::new(FigureParts {
            upper: Some(-5),
            ..parts(None, CountQualifier::AtMost)
        })
        .unwrap_err();
        assert_eq!(e.field, "upper");
    }

    #[test]
    fn numbers_beyond_a_32_bit_int_are_rejected_naming_the_field() {
        for big in [2_147_483_648_i64, 9_007_199_254_740_993] {
            let e = Figure::new(parts(Some(big), CountQualifier::Exact)).unwrap_err();
            assert_eq!(e.field, "value");
            assert!(e.message.contains("2147483647"), "{e}");
            let e = Figure::new(FigureParts {
                upper: Some(big),
                ..parts(None, CountQualifier::AtMost)
            })
            .unwrap_err();
            assert_eq!(e.field, "upper");
        }
        let max = Figure::new(parts(Some(Figure::MAX), CountQualifier::Exact)).unwrap();
        assert_eq!(max.value(), Some(i32::MAX));
    }

    #[test]
    fn upper_below_lower_is_rejected() {
        let e = Figure::new(FigureParts {
            lower: Some(10),
            upper: Some(5),
            ..parts(None, CountQualifier::About)
        })
        .unwrap_err();
        assert_eq!(e.field, "upper");
        assert!(e.message.contains("upper below lower"), "{e}");
    }

    #[test]
    fn a_value_outside_its_bounds_is_rejected() {
        let below = Figure::new(FigureParts {
            lower: Some(10),
            upper: Some(20),
            ..parts(Some(5), CountQualifier::About)
        })
        .unwrap_err();
        assert_eq!(below.field, "value");
        let above = Figure::new(FigureParts {
            lower: Some(10),
            upper: Some(20),
            ..parts(Some(25), CountQualifier::About)
        })
        .unwrap_err();
        assert_eq!(above.field, "value");
        let inside = Figure::new(FigureParts {
            lower: Some(10),
            upper: Some(20),
            ..parts(Some(20), CountQualifier::About)
        });
        assert!(inside.is_ok());
    }

    #[test]
    fn exact_requires_a_value() {
        let e = Figure::new(FigureParts {
            lower: Some(3),
            upper: Some(3),
            ..parts(None, CountQualifier::Exact)
        })
        .unwrap_err();
        assert_eq!(e.field, "value");
        assert!(e.message.contains("EXACT"));
    }

    #[test]
    fn a_figure_without_any_number_is_rejected() {
        let e = Figure::new(FigureParts {
            wording: Some("many".into()),
            ..parts(None, CountQualifier::About)
        })
        .unwrap_err();
        assert_eq!(e.field, "value");
    }

    #[test]
    fn an_empty_unit_is_rejected() {
        let e = Figure::new(FigureParts {
            unit: "  ".into(),
            ..parts(Some(1), CountQualifier::Exact)
        })
        .unwrap_err();
        assert_eq!(e.field, "unit");
    }

    #[test]
    fn blank_wording_is_dropped() {
        let f = Figure::new(FigureParts {
            wording: Some(" ".into()),
            ..parts(Some(1), CountQualifier::Exact)
        })
        .unwrap();
        assert_eq!(f.wording(), None);
    }

    #[test]
    fn qualifier_names_round_trip() {
        for q in CountQualifier::ALL {
            assert_eq!(q.as_str().parse::<CountQualifier>().unwrap(), *q);
        }
        assert_eq!(CountQualifier::MoreThan.as_str(), "MORE_THAN");
    }
}
