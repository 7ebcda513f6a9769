//! Evidence on relations (claims or the analyst's inference), by outlet, and facts in dispute.

mod filters;
mod graph;
mod mutations;
mod seed;

/// Reads one relation with its evidence.
pub(super) const RELATION: &str = r#"query($r: Relation!, $from: ID!, $to: ID!) {
    relation(relation: $r, from: $from, to: $to) {
      id relation from to inference { reasoning } evidence { basis sourceCount unconfirmed }
      claims { id status excerpt note aboutRelation source { id publisher { name } } } } }"#;
