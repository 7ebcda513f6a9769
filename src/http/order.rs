//! Puts every object of a response back into the order of the query.
//!
//! The GraphQL spec ("Serialized Map Ordering") wants a result's fields in the order CollectFields
//! gives them, i.e. the order of the query. async-graphql 7.2 resolves the fields of an object with a
//! `FuturesUnordered` and inserts each value when its future completes, so fields that wait on the
//! database come back in whatever order the database answered (e.g. `b,z,a,m,c` one run and
//! `b,m,c,z,a` the next). Clients that compare or cache responses by their text break on that. We cannot
//! change the executor, so after execution we walk the query's selection sets alongside the result and
//! reorder each object; this costs one pass over the response, no extra parse (the handler parses the
//! document once and hands the parsed form to async-graphql).

use std::collections::HashSet;

use async_graphql::{
    indexmap::IndexMap,
    parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
    Name, Value, Variables,
};

/// Reorders `data` (the result of the operation `operation` of `doc`) into the query's order.
pub fn reorder(
    data: &mut Value,
    doc: &ExecutableDocument,
    operation: Option<&str>,
    variables: &Variables,
) {
    let op = match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            None => return,
        },
        // Several operations and no name: execution refused it, there is nothing to order.
        (DocumentOperations::Multiple(_), None) => return,
    };
    let defaults: Vec<(Name, Value)> = op
        .node
        .variable_definitions
        .iter()
        .filter_map(|d| {
            let default = d.node.default_value.as_ref()?;
            Some((d.node.name.node.clone(), default.node.clone()))
        })
        .collect();
    let walker = Walker {
        doc,
        variables,
        defaults: &defaults,
    };
    walker.order_value(data, &[&op.node.selection_set.node]);
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    defaults: &'a [(Name, Value)],
}

/// The response keys of a merged selection, in first-seen order, each with the selection sets of its
/// fields (merged fields contribute their sub-selections in order, as CollectFields does).
/// An index map, not a list: a selection of thousands of aliases must not cost a quadratic search.
type Collected<'a> = IndexMap<&'a Name, Vec<&'a SelectionSet>>;

impl<'a> Walker<'a> {
    /// Recursion here follows the response, whose depth the schema's depth limit already bounds.
    fn order_value(&self, value: &mut Value, sets: &[&'a SelectionSet]) {
        match value {
            Value::Object(object) => self.order_object(object, sets),
            Value::List(items) => items.iter_mut().for_each(|v| self.order_value(v, sets)),
            _ => {}
        }
    }

    fn order_object(&self, object: &mut IndexMap<Name, Value>, sets: &[&'a SelectionSet]) {
        let mut collected: Collected<'a> = IndexMap::new();
        let mut spreads = HashSet::new();
        for set in sets {
            self.collect(set, &mut collected, &mut spreads);
        }
        let mut old = std::mem::take(object);
        for (key, subsets) in &collected {
            // `swap_remove` is O(1); the order of what is left over does not matter.
            if let Some(mut value) = old.swap_remove(*key) {
                self.order_value(&mut value, subsets);
                object.insert((*key).clone(), value);
            }
        }
        // Keys the walk did not foresee (none are expected) keep their place at the end, never dropped.
        object.extend(old);
    }

    /// CollectFields, without type conditions: for ordering, a key's first occurrence decides. A key that
    /// first occurs in a fragment for another type and again later would be placed early; the relative
    /// order of the keys the object does have is the query's in every other case.
    fn collect(
        &self,
        set: &'a SelectionSet,
        out: &mut Collected<'a>,
        spreads: &mut HashSet<&'a Name>,
    ) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !self.included(&field.node.directives) {
                        continue;
                    }
                    let key = &field.node.response_key().node;
                    let sub = &field.node.selection_set.node;
                    out.entry(key).or_default().push(sub);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    // Validation forbids fragment cycles; a fragment spread twice adds nothing new.
                    if !self.included(&spread.node.directives) || !spreads.insert(name) {
                        continue;
                    }
                    if let Some(fragment) = self.doc.fragments.get(name) {
                        self.collect(&fragment.node.selection_set.node, out, spreads);
                    }
                }
                Selection::InlineFragment(inline) => {
                    if self.included(&inline.node.directives) {
                        self.collect(&inline.node.selection_set.node, out, spreads);
                    }
                }
            }
        }
    }

    /// `@skip(if:)` and `@include(if:)`; anything we cannot evaluate counts as included, which at worst
    /// keeps a key's first place a little early.
    fn included(
        &self,
        directives: &[async_graphql::Positioned<async_graphql::parser::types::Directive>],
    ) -> bool {
        directives.iter().all(|d| {
            // Validation has made `if` a Boolean literal or a Boolean variable by now.
            let condition = d.node.get_argument("if").and_then(|v| {
                match v
                    .node
                    .clone()
                    .into_const_with(|name| self.variable(&name).ok_or(()))
                {
                    Ok(Value::Boolean(b)) => Some(b),
                    _ => None,
                }
            });
            !matches!(
                (d.node.name.node.as_str(), condition),
                ("skip", Some(true)) | ("include", Some(false))
            )
        })
    }

    fn variable(&self, name: &Name) -> Option<Value> {
        self.variables
            .get(name)
            .or_else(|| {
                self.defaults
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v)
            })
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (Name::new(k), v.clone()))
                .collect(),
        )
    }

    fn scrambled() -> Value {
        let inner = object(&[("y", Value::from(1)), ("x", Value::from(2))]);
        object(&[
            ("c", Value::List(vec![inner.clone(), inner])),
            ("a", Value::from(3)),
            ("b", Value::from(4)),
        ])
    }

    #[test]
    fn nested_objects_and_list_items_follow_the_query() {
        let doc = async_graphql::parser::parse_query("{ b a c { x ...F } } fragment F on T { y }")
            .unwrap();
        let mut value = scrambled();
        reorder(&mut value, &doc, None, &Variables::default());
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(text, r#"{"b":4,"a":3,"c":[{"x":2,"y":1},{"x":2,"y":1}]}"#);
    }

    #[test]
    fn skipped_first_occurrences_do_not_decide_the_place() {
        let doc = async_graphql::parser::parse_query(
            "query($no: Boolean = true) { a @skip(if: $no) b a c { y x } }",
        )
        .unwrap();
        let mut value = scrambled();
        reorder(&mut value, &doc, None, &Variables::default());
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(text, r#"{"b":4,"a":3,"c":[{"y":1,"x":2},{"y":1,"x":2}]}"#);
    }

    #[test]
    fn unknown_keys_are_kept() {
        let doc = async_graphql::parser::parse_query("{ a }").unwrap();
        let mut value = scrambled();
        reorder(&mut value, &doc, None, &Variables::default());
        let text = serde_json::to_string(&value).unwrap();
        assert!(text.starts_with(r#"{"a":3,"#), "{text}");
        assert!(
            text.contains(r#""b":4"#) && text.contains(r#""c":"#),
            "{text}"
        );
    }

    #[test]
    fn thousands_of_aliases_are_ordered_in_linear_time() {
        // The same shape as a hostile document of 20,000 aliases: a quadratic walk would take seconds.
        let n = 20_000;
        let query = format!(
            "{{ {} }}",
            (0..n)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let doc = async_graphql::parser::parse_query(&query).unwrap();
        let mut value = Value::Object(
            (0..n)
                .rev()
                .map(|i| (Name::new(format!("a{i}")), Value::from("Query")))
                .collect(),
        );
        let started = std::time::Instant::now();
        reorder(&mut value, &doc, None, &Variables::default());
        let took = started.elapsed();
        let Value::Object(object) = &value else {
            unreachable!()
        };
        assert_eq!(object.keys().next().map(|k| k.as_str()), Some("a0"));
        assert_eq!(object.keys().last().map(|k| k.as_str()), Some("a19999"));
        assert!(took < std::time::Duration::from_secs(2), "took {took:?}");
        eprintln!("reordering {n} aliases took {took:?}");
    }
}
