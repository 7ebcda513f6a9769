//! What the complexity estimate needs to know about each field: the type it returns and whether it
//! returns many. Read once from our own SDL, so no resolver has to be annotated by hand and a new
//! list field is counted as a list the day it is added.

use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, TypeKind, TypeSystemDefinition};

/// How many results a field can return, for the estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fanout {
    /// One object or scalar.
    One,
    /// A page: `first`/`last` (or the default page size) items.
    Paged,
    /// `nodes(ids:)`: as many as ids were asked for.
    ByIds,
    /// A list inside a connection (`edges`, `nodes`): the page was already counted once.
    PageItems,
    /// Any other list: counted as a default-sized page.
    List,
}

#[derive(Debug, Clone)]
pub struct FieldShape {
    /// The named type the field returns (without list and non-null wrappers).
    pub returns: String,
    pub fanout: Fanout,
}

/// `(parent type, field)` → shape, for every object and interface type of the schema.
#[derive(Debug, Default)]
pub struct Shapes(HashMap<(String, String), FieldShape>);

impl Shapes {
    pub fn from_sdl(sdl: &str) -> Self {
        // Our own SDL always parses; should it ever not, every field counts as one, and the test
        // below fails first.
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return Self::default();
        };
        let mut map = HashMap::new();
        for def in doc.definitions {
            let TypeSystemDefinition::Type(ty) = def else {
                continue;
            };
            let parent = ty.node.name.node.to_string();
            let fields = match ty.node.kind {
                TypeKind::Object(o) => o.fields,
                TypeKind::Interface(i) => i.fields,
                _ => continue,
            };
            for field in fields {
                let f = field.node;
                let mut base = &f.ty.node.base;
                let mut is_list = false;
                while let BaseType::List(inner) = base {
                    is_list = true;
                    base = &inner.base;
                }
                let BaseType::Named(returns) = base else {
                    continue;
                };
                let has_arg = |name: &str| f.arguments.iter().any(|a| a.node.name.node == name);
                let fanout = if has_arg("first") || has_arg("last") {
                    Fanout::Paged
                } else if is_list && has_arg("ids") {
                    Fanout::ByIds
                } else if is_list && parent.ends_with("Connection") {
                    Fanout::PageItems
                } else if is_list {
                    Fanout::List
                } else {
                    Fanout::One
                };
                map.insert(
                    (parent.clone(), f.name.node.to_string()),
                    FieldShape {
                        returns: returns.to_string(),
                        fanout,
                    },
                );
            }
        }
        Shapes(map)
    }

    pub fn get(&self, parent: &str, field: &str) -> Option<&FieldShape> {
        self.0.get(&(parent.to_string(), field.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_schema_yields_pages_lists_and_single_fields() {
        let shapes = Shapes::from_sdl(&crate::api::sdl());
        let events = shapes.get("Query", "events").expect("Query.events");
        assert_eq!(events.fanout, Fanout::Paged);
        assert_eq!(events.returns, "EventConnection");
        assert_eq!(
            shapes.get("EventConnection", "edges").unwrap().fanout,
            Fanout::PageItems
        );
        assert_eq!(shapes.get("Query", "nodes").unwrap().fanout, Fanout::ByIds);
        // The few plain lists left are bounded by the data's shape (a place's ancestors).
        assert_eq!(
            shapes.get("Place", "ancestors").unwrap().fanout,
            Fanout::List
        );
        // Nested lists that grow with the data are pages: the estimate multiplies by their size.
        for (parent, field, returns) in [
            ("Actor", "events", "EventConnection"),
            ("Place", "children", "PlaceConnection"),
            ("Fact", "claims", "ClaimConnection"),
            ("Source", "cites", "CitationConnection"),
            ("Source", "citedBy", "CitationConnection"),
            ("Event", "partOf", "EventConnection"),
            ("Event", "followedBy", "EventConnection"),
            ("Event", "precededBy", "EventConnection"),
            ("Event", "ledTo", "EventConnection"),
            ("Event", "causedBy", "EventConnection"),
            ("Actor", "memberOf", "ActorConnection"),
            ("Actor", "answersTo", "ActorConnection"),
        ] {
            let shape = shapes.get(parent, field).unwrap();
            assert_eq!(shape.fanout, Fanout::Paged, "{parent}.{field}");
            assert_eq!(shape.returns, returns, "{parent}.{field}");
        }
        // A citation is the page's item, its source one object below it.
        let items = shapes.get("CitationConnection", "nodes").unwrap();
        assert_eq!(
            (items.fanout, items.returns.as_str()),
            (Fanout::PageItems, "Citation")
        );
        let source = shapes.get("Citation", "source").unwrap();
        assert_eq!(source.fanout, Fanout::One);
        let events = shapes.get("Actor", "events").unwrap();
        assert_eq!(events.returns, "EventConnection");
        let edge = shapes.get("EventEdge", "node").unwrap();
        assert_eq!((edge.fanout, edge.returns.as_str()), (Fanout::One, "Event"));
        assert!(
            shapes.get("Node", "id").is_some(),
            "interfaces are read too"
        );
        assert!(shapes.get("Mutation", "upsertEvent").is_some());
    }
}
