//! Adding up figures without making them more precise than their sources: "at least 3,000" plus
//! "exactly 27" is "at least 3,027", never 3,027; a sum with an open upper bound stays open; an
//! estimate keeps making the total an estimate.
//!
//! A figure is read as the interval of numbers it allows ([`Span`]); sums add the intervals, and
//! figures that are alternatives for the same thing (two sources' numbers of the same arrests) are
//! combined into the interval that holds both ([`Span::either`]), since either source may be right.

use super::CountQualifier;

/// The numbers a figure (or a sum of figures) allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Smallest number allowed (or, when `lower_strict`, the number it exceeds).
    pub lower: i64,
    pub lower_strict: bool,
    /// Largest number allowed; `None` when there is no upper bound.
    pub upper: Option<i64>,
    pub upper_strict: bool,
    /// Some part of it is an estimate ("about 500").
    pub approximate: bool,
}

impl Span {
    /// The span of one figure as stored: its qualifier, value and bounds.
    pub fn of(
        qualifier: CountQualifier,
        value: Option<i64>,
        lower: Option<i64>,
        upper: Option<i64>,
    ) -> Span {
        let plain = |lower: i64, upper: Option<i64>| Span {
            lower,
            lower_strict: false,
            upper,
            upper_strict: false,
            approximate: false,
        };
        match qualifier {
            CountQualifier::Exact => {
                let v = value.or(lower).unwrap_or(0);
                plain(v, Some(v))
            }
            CountQualifier::AtLeast => plain(lower.or(value).unwrap_or(0), upper),
            CountQualifier::MoreThan => Span {
                lower_strict: true,
                ..plain(lower.or(value).unwrap_or(0), upper)
            },
            CountQualifier::AtMost => plain(lower.unwrap_or(0), upper.or(value)),
            CountQualifier::FewerThan => Span {
                upper_strict: true,
                ..plain(lower.unwrap_or(0), upper.or(value))
            },
            CountQualifier::About => Span {
                approximate: true,
                ..plain(lower.or(value).unwrap_or(0), upper.or(value))
            },
        }
    }

    /// Nothing: the neutral element of [`Span::plus`].
    pub fn zero() -> Span {
        Span {
            lower: 0,
            lower_strict: false,
            upper: Some(0),
            upper_strict: false,
            approximate: false,
        }
    }

    /// The sum of two disjoint quantities (people detained in two different events).
    pub fn plus(self, other: Span) -> Span {
        Span {
            lower: self.lower.saturating_add(other.lower),
            // x > 3000 and y >= 27 gives x + y > 3027.
            lower_strict: self.lower_strict || other.lower_strict,
            upper: match (self.upper, other.upper) {
                (Some(a), Some(b)) => Some(a.saturating_add(b)),
                _ => None,
            },
            upper_strict: self.upper_strict || other.upper_strict,
            approximate: self.approximate || other.approximate,
        }
    }

    /// Two sources' figures for the same quantity: the numbers either of them allows.
    pub fn either(self, other: Span) -> Span {
        let (lower, lower_strict) = match self.lower.cmp(&other.lower) {
            std::cmp::Ordering::Less => (self.lower, self.lower_strict),
            std::cmp::Ordering::Greater => (other.lower, other.lower_strict),
            std::cmp::Ordering::Equal => (self.lower, self.lower_strict && other.lower_strict),
        };
        let (upper, upper_strict) = match (self.upper, other.upper) {
            (Some(a), Some(b)) if a > b => (Some(a), self.upper_strict),
            (Some(a), Some(b)) if b > a => (Some(b), other.upper_strict),
            (Some(a), Some(_)) => (Some(a), self.upper_strict && other.upper_strict),
            _ => (None, false),
        };
        Span {
            lower,
            lower_strict,
            upper,
            upper_strict,
            approximate: self.approximate || other.approximate,
        }
    }

    /// The single number, when the span allows exactly one (and it is not an estimate).
    pub fn exact(&self) -> Option<i64> {
        (self.upper == Some(self.lower) && !self.approximate && !self.lower_strict)
            .then_some(self.lower)
    }

    /// The qualifier that describes the span, when one does; `None` for a range with two bounds.
    pub fn qualifier(&self) -> Option<CountQualifier> {
        match (self.upper, self.approximate) {
            (Some(u), true) if u == self.lower => Some(CountQualifier::About),
            (_, true) => None,
            (Some(u), false) if u == self.lower && !self.lower_strict => {
                Some(CountQualifier::Exact)
            }
            (None, false) if self.lower_strict => Some(CountQualifier::MoreThan),
            (None, false) => Some(CountQualifier::AtLeast),
            (Some(_), false) if self.lower == 0 && !self.lower_strict => {
                Some(if self.upper_strict {
                    CountQualifier::FewerThan
                } else {
                    CountQualifier::AtMost
                })
            }
            _ => None,
        }
    }

    /// The span in words: "at least 3,027", "exactly 31", "between 10 and 20", "about 500".
    pub fn describe(&self) -> String {
        let l = thousands(self.lower);
        match (self.upper, self.approximate) {
            (Some(u), true) if u == self.lower => format!("about {l}"),
            (Some(u), true) => format!("about {l} to {}", thousands(u)),
            (None, true) => format!("at least about {l}"),
            (Some(u), false) if u == self.lower && !self.lower_strict => format!("exactly {l}"),
            (None, false) if self.lower_strict => format!("more than {l}"),
            (None, false) => format!("at least {l}"),
            (Some(u), false) if self.lower == 0 && !self.lower_strict => {
                let word = if self.upper_strict {
                    "fewer than"
                } else {
                    "at most"
                };
                format!("{word} {}", thousands(u))
            }
            (Some(u), false) => {
                let from = if self.lower_strict {
                    "more than"
                } else {
                    "from"
                };
                let to = if self.upper_strict { "below" } else { "to" };
                format!("{from} {l} {to} {}", thousands(u))
            }
        }
    }
}

/// 3027 → "3,027".
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CountQualifier::*;

    fn span(q: CountQualifier, v: Option<i64>, lo: Option<i64>, hi: Option<i64>) -> Span {
        Span::of(q, v, lo, hi)
    }

    #[test]
    fn at_least_3000_plus_exactly_27_is_at_least_3027() {
        let sum =
            span(AtLeast, Some(3000), Some(3000), None).plus(span(Exact, Some(27), None, None));
        assert_eq!(sum.describe(), "at least 3,027");
        assert_eq!(sum.qualifier(), Some(AtLeast));
        assert_eq!(sum.exact(), None, "a floor is never a bare number");
        assert_eq!((sum.lower, sum.upper), (3027, None));
    }

    #[test]
    fn exact_figures_add_up_exactly() {
        let sum = [2, 2, 27]
            .into_iter()
            .map(|v| span(Exact, Some(v), None, None))
            .fold(Span::zero(), Span::plus);
        assert_eq!(sum.exact(), Some(31));
        assert_eq!(sum.describe(), "exactly 31");
    }

    #[test]
    fn more_than_stays_strict_and_an_estimate_stays_an_estimate() {
        let sum = span(MoreThan, None, Some(3000), None).plus(span(Exact, Some(27), None, None));
        assert_eq!(sum.describe(), "more than 3,027");
        let sum = span(About, Some(500), None, None).plus(span(Exact, Some(20), None, None));
        assert_eq!(sum.describe(), "about 520");
        assert_eq!(sum.exact(), None);
    }

    #[test]
    fn a_ceiling_plus_a_number_is_an_interval_never_a_bare_number() {
        let sum = span(AtMost, Some(50), None, None).plus(span(Exact, Some(10), None, None));
        assert_eq!((sum.lower, sum.upper), (10, Some(60)));
        assert_eq!(sum.qualifier(), None);
        assert_eq!(sum.describe(), "from 10 to 60");
    }

    #[test]
    fn two_sources_for_the_same_arrests_give_what_either_allows() {
        // Fontanka: at least 3,000. Novaya Gazeta Europe: "much higher" (more than 3,000).
        let both = span(AtLeast, Some(3000), Some(3000), None).either(span(
            MoreThan,
            None,
            Some(3000),
            None,
        ));
        assert_eq!(both.describe(), "at least 3,000");
        let both = span(Exact, Some(10), None, None).either(span(Exact, Some(20), None, None));
        assert_eq!(both.describe(), "from 10 to 20");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
