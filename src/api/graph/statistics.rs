//! Statistics: each field runs its own statement, only when it is asked for.

use std::collections::{BTreeMap, HashSet};

use async_graphql::{Context, Object, SimpleObject};

use super::edges::Bounds;
use crate::{
    api::types::Place,
    config::GraphBounds,
    domain::{figure_sum::Span, ClaimStatus, CountQualifier},
    error::AppError,
    store::{
        graph::{
            statistics::{self as stats, AffectedRow},
            Budget,
        },
        Db,
    },
};

/// Counts over the events in scope.
pub struct Statistics {
    pub(crate) db: Db,
    /// The request named its collections, so events are read through the collection index.
    pub(crate) named: bool,
    pub(crate) bounds: GraphBounds,
}

impl Statistics {
    fn budget(&self) -> Budget {
        Budget::new(self.bounds.max_nodes, self.bounds.time_limit)
    }
    fn bounds_of(&self, b: &Budget) -> Bounds {
        Bounds::new(
            &b.hit,
            None,
            self.bounds.max_nodes,
            self.bounds.time_limit.as_millis(),
        )
    }
}

/// How many events of a type.
#[derive(SimpleObject)]
pub struct TypeStatistic {
    /// The event type's key.
    pub event_type: String,
    /// Number of events.
    pub events: i32,
}

/// Events per type.
#[derive(SimpleObject)]
pub struct TypeStatistics {
    /// Most frequent first.
    pub items: Vec<TypeStatistic>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}

/// The events of one month.
#[derive(SimpleObject)]
pub struct MonthStatistic {
    /// `YYYY-MM`; null for events no month can hold (an open start or end, or a span of decades).
    pub month: Option<String>,
    /// Events whose whole date lies within the month.
    pub within: i32,
    /// Events whose date overlaps the month (those within it, and spans reaching into it).
    pub overlapping: i32,
}

/// Events per month: an event spanning Dec 31 – Jan 1 overlaps both months and lies within neither.
#[derive(SimpleObject)]
pub struct MonthStatistics {
    /// In calendar order; the null month last.
    pub items: Vec<MonthStatistic>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}

/// The events at a place.
#[derive(SimpleObject)]
pub struct PlaceStatistic {
    /// The place; null for events with no place.
    pub place: Option<Place>,
    /// Events at the place itself.
    pub here: i32,
    /// Events at the place or anywhere within it.
    pub including_within: i32,
}

/// Events per place.
#[derive(SimpleObject)]
pub struct PlaceStatistics {
    /// Most events (including what lies within) first.
    pub items: Vec<PlaceStatistic>,
    /// The bounds of the answer.
    pub bounds: Bounds,
}

/// A sum of figures that keeps their qualifiers: "at least 3,000" plus "exactly 27" is "at least
/// 3,027"; a sum with any bound open stays open; an interval is never shown as one number.
#[derive(SimpleObject)]
pub struct FigureTotal {
    /// The smallest number the figures allow (exceeded, not reached, when `lowerExclusive`).
    pub lower: i64,
    /// The sum exceeds `lower` rather than possibly equalling it ("more than").
    pub lower_exclusive: bool,
    /// The largest number the figures allow; null when there is no upper bound.
    pub upper: Option<i64>,
    /// The sum stays below `upper` ("fewer than").
    pub upper_exclusive: bool,
    /// Some figure in the sum is an estimate.
    pub approximate: bool,
    /// The number, only when the sum is exact.
    pub exact: Option<i64>,
    /// The qualifier that describes the sum; null for a range with two bounds.
    pub qualifier: Option<CountQualifier>,
    /// The sum in words: "at least 3,027".
    pub text: String,
}

impl From<Span> for FigureTotal {
    fn from(s: Span) -> Self {
        FigureTotal {
            lower: s.lower,
            lower_exclusive: s.lower_strict,
            upper: s.upper,
            upper_exclusive: s.upper_strict,
            approximate: s.approximate,
            exact: s.exact(),
            qualifier: s.qualifier(),
            text: s.describe(),
        }
    }
}

/// The people (or other unit) affected by events of one type, as far as figures of one standing go.
#[derive(SimpleObject)]
pub struct AffectedTotal {
    /// The event type's key.
    pub event_type: String,
    /// The strongest status among each figure's claims (`CONFIRMED` over `OFFICIAL_STATEMENT` over
    /// `REPORTED` over `UNCONFIRMED`; `DISPUTED` or `RETRACTED` when nothing stands); null for
    /// figures without any claim.
    pub status: Option<ClaimStatus>,
    /// The total.
    pub total: FigureTotal,
    /// Figures summed.
    pub figures: i32,
    /// Events the figures are about.
    pub events: i32,
    /// Figures that were alternatives (other sources' numbers for the same thing), combined as the
    /// range either source allows rather than added.
    pub alternatives: i32,
}

/// Totals of people affected, by event type and claim status.
#[derive(SimpleObject)]
pub struct AffectedTotals {
    /// By event type, then status.
    pub items: Vec<AffectedTotal>,
    /// The bounds of the answer. When truncated, the totals leave figures out.
    pub bounds: Bounds,
}

/// Counts over the events in scope. Each field is one statement, run only when asked for.
#[Object]
impl Statistics {
    /// Events per type.
    async fn events_by_type(&self) -> Result<TypeStatistics, AppError> {
        let mut b = self.budget();
        let rows = stats::by_type(&self.db, self.named, &mut b).await?;
        Ok(TypeStatistics {
            items: rows
                .into_iter()
                .map(|r| TypeStatistic {
                    event_type: r.event_type,
                    events: r.events as i32,
                })
                .collect(),
            bounds: self.bounds_of(&b),
        })
    }

    /// Events per month.
    async fn events_by_month(&self) -> Result<MonthStatistics, AppError> {
        let mut b = self.budget();
        let rows = stats::by_month(&self.db, self.named, &mut b).await?;
        Ok(MonthStatistics {
            items: rows
                .into_iter()
                .map(|r| MonthStatistic {
                    month: r.month,
                    within: r.within as i32,
                    overlapping: r.overlapping as i32,
                })
                .collect(),
            bounds: self.bounds_of(&b),
        })
    }

    /// Events per place, counting what lies within each place too.
    async fn events_by_place(&self) -> Result<PlaceStatistics, AppError> {
        let mut b = self.budget();
        let rows = stats::by_place(&self.db, self.named, &mut b).await?;
        Ok(PlaceStatistics {
            items: rows
                .into_iter()
                .map(|r| PlaceStatistic {
                    place: r.place.map(Place),
                    here: r.here as i32,
                    including_within: r.including_within as i32,
                })
                .collect(),
            bounds: self.bounds_of(&b),
        })
    }

    /// Totals of the figures in `unit` by event type and claim status, qualifiers kept.
    async fn affected(
        &self,
        _ctx: &Context<'_>,
        #[graphql(desc = "The unit of the figures to add up.", default = "person")] unit: String,
    ) -> Result<AffectedTotals, AppError> {
        let mut b = self.budget();
        let rows = stats::affected(&self.db, self.named, &unit, &mut b).await?;
        Ok(AffectedTotals {
            items: totals(rows)?,
            bounds: self.bounds_of(&b),
        })
    }
}

/// The status a figure is counted under: the strongest among its claims.
fn strongest(statuses: &[String]) -> Result<Option<ClaimStatus>, AppError> {
    use ClaimStatus::*;
    let parsed = statuses
        .iter()
        .map(|s| crate::api::types::stored::<ClaimStatus>(s, "claim status"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok([
        Confirmed,
        OfficialStatement,
        Reported,
        Unconfirmed,
        Disputed,
        Retracted,
    ]
    .into_iter()
    .find(|s| parsed.contains(s)))
}

/// Adds up the figures per (event type, status). Figures of one event about the same subject and
/// sub-group are alternatives (different sources' numbers): combined with `either`, not added. A
/// figure that is a part of another figure in the same bucket ("27 deported" of "31 charged") is
/// already in it and is not added again.
fn totals(rows: Vec<AffectedRow>) -> Result<Vec<AffectedTotal>, AppError> {
    type Key = (String, Option<&'static str>);
    struct Group {
        span: Span,
        members: usize,
    }
    let mut buckets: BTreeMap<Key, (Option<ClaimStatus>, Vec<&AffectedRow>)> = BTreeMap::new();
    for r in &rows {
        let status = strongest(&r.statuses)?;
        buckets
            .entry((r.event_type.clone(), status.map(|s| s.as_str())))
            .or_insert_with(|| (status, Vec::new()))
            .1
            .push(r);
    }
    let mut out = Vec::new();
    for ((event_type, _), (status, members)) in buckets {
        let ids: HashSet<&str> = members.iter().map(|r| r.count.id.as_str()).collect();
        let mut groups: BTreeMap<(&str, &str, Option<&str>), Group> = BTreeMap::new();
        let mut figures: usize = 0;
        for r in &members {
            if r.part_of.as_deref().is_some_and(|p| ids.contains(p)) {
                continue;
            }
            let q: CountQualifier =
                crate::api::types::stored(&r.count.qualifier, "count qualifier")?;
            let span = Span::of(q, r.count.value, r.count.lower, r.count.upper);
            figures += 1;
            let key = (
                r.event_id.as_str(),
                r.count.subject.as_str(),
                r.count.subgroup.as_deref(),
            );
            groups
                .entry(key)
                .and_modify(|g| {
                    g.span = g.span.either(span);
                    g.members += 1;
                })
                .or_insert(Group { span, members: 1 });
        }
        let events: HashSet<&str> = groups.keys().map(|k| k.0).collect();
        let alternatives = groups.values().map(|g| g.members - 1).sum::<usize>();
        let total = groups
            .values()
            .fold(Span::zero(), |acc, g| acc.plus(g.span));
        out.push(AffectedTotal {
            event_type,
            status,
            total: total.into(),
            figures: figures as i32,
            events: events.len() as i32,
            alternatives: alternatives as i32,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::records::CountRecord;

    fn row(
        event: &str,
        ty: &str,
        id: &str,
        q: &str,
        v: Option<i64>,
        lo: Option<i64>,
        status: &str,
    ) -> AffectedRow {
        AffectedRow {
            event_id: event.into(),
            event_type: ty.into(),
            count: CountRecord {
                id: id.into(),
                collection: "c".into(),
                subject: "people".into(),
                value: v,
                qualifier: q.into(),
                lower: lo,
                upper: None,
                unit: "person".into(),
                subgroup: None,
                wording: None,
            },
            statuses: vec![status.into()],
            part_of: None,
        }
    }

    #[test]
    fn alternatives_are_combined_and_separate_events_added() {
        let rows = vec![
            row(
                "e1",
                "detention",
                "c1",
                "AT_LEAST",
                Some(3000),
                Some(3000),
                "REPORTED",
            ),
            row(
                "e1",
                "detention",
                "c2",
                "MORE_THAN",
                None,
                Some(3000),
                "REPORTED",
            ),
            row("e2", "detention", "c3", "EXACT", Some(27), None, "REPORTED"),
            row(
                "e3",
                "detention",
                "c4",
                "EXACT",
                Some(5),
                None,
                "OFFICIAL_STATEMENT",
            ),
        ];
        let t = totals(rows).unwrap();
        assert_eq!(t.len(), 2, "split by claim status");
        let reported = t
            .iter()
            .find(|t| t.status == Some(ClaimStatus::Reported))
            .unwrap();
        assert_eq!(reported.total.text, "at least 3,027");
        assert_eq!(reported.total.exact, None);
        assert_eq!(
            (reported.figures, reported.events, reported.alternatives),
            (3, 2, 1)
        );
        let official = t
            .iter()
            .find(|t| t.status == Some(ClaimStatus::OfficialStatement))
            .unwrap();
        assert_eq!(official.total.exact, Some(5));
    }

    #[test]
    fn a_part_of_a_figure_in_the_same_bucket_is_not_added_twice() {
        let mut part = row(
            "e2",
            "charge",
            "part",
            "EXACT",
            Some(27),
            None,
            "OFFICIAL_STATEMENT",
        );
        part.part_of = Some("whole".into());
        let whole = row(
            "e1",
            "charge",
            "whole",
            "EXACT",
            Some(31),
            None,
            "OFFICIAL_STATEMENT",
        );
        let t = totals(vec![whole, part]).unwrap();
        assert_eq!(t[0].total.exact, Some(31));
    }
}
