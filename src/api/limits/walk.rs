//! Measures a parsed document: selection depth, fragment nesting, aliases, directives, root fields
//! and an estimate of how many fields the answer holds (the complexity).
//!
//! Fragments are measured once each and remembered: what a fragment costs does not depend on where
//! it is spread, so a chain of fragments that each spread the next twice costs linear time here
//! instead of exponential. The recursion is bounded: it refuses before going deeper than the depth
//! limits allow, and the scan has already bounded the nesting of the text.

use std::collections::HashMap;

use async_graphql::{
    parser::types::{
        ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet, VariableDefinition,
    },
    Name, Positioned, Value as ConstValue, Variables,
};

use super::shape::{Fanout, Shapes};

/// The measure of a selection set (or of a fragment), independent of where it is used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// Fields the answer holds, each list counted by its page size.
    pub complexity: u64,
    /// Deepest chain of nested fields (a leaf field is 1).
    pub depth: usize,
    /// Deepest chain of nested fragments (spreads and inline fragments).
    pub fragment_depth: usize,
    /// Fields at this level once fragments are expanded (for the root: the root fields).
    pub fields: u64,
}

/// What went over a limit while walking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Over {
    Depth,
    FragmentDepth,
    Aliases(usize),
    Directives { field: String, count: usize },
}

/// The limits the walk needs, and the page sizes it assumes.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    pub depth: usize,
    pub aliases: usize,
    pub directives: usize,
    pub default_page: u64,
    pub max_page: u64,
}

pub struct Walk<'a> {
    doc: &'a ExecutableDocument,
    shapes: &'a Shapes,
    limits: WalkLimits,
    variables: &'a Variables,
    defaults: HashMap<&'a str, &'a ConstValue>,
    fragments: HashMap<&'a str, Measure>,
    in_progress: Vec<&'a str>,
    pub aliases: usize,
}

impl<'a> Walk<'a> {
    pub fn new(
        doc: &'a ExecutableDocument,
        shapes: &'a Shapes,
        limits: WalkLimits,
        variables: &'a Variables,
    ) -> Self {
        Walk {
            doc,
            shapes,
            limits,
            variables,
            defaults: HashMap::new(),
            fragments: HashMap::new(),
            in_progress: Vec::new(),
            aliases: 0,
        }
    }

    /// Measures one operation; `root` is the name of its root type.
    pub fn operation(&mut self, op: &'a OperationDefinition, root: &str) -> Result<Measure, Over> {
        self.directives("the operation", op.directives.len())?;
        self.defaults = op
            .variable_definitions
            .iter()
            .filter_map(|v: &'a Positioned<VariableDefinition>| {
                let d = v.node.default_value.as_ref()?;
                Some((v.node.name.node.as_str(), &d.node))
            })
            .collect();
        self.selection_set(&op.selection_set.node, Some(root), 0)
    }

    /// `level` counts the fields and fragments above this set: the recursion depth, refused before
    /// it can exceed what the depth limits allow.
    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        parent: Option<&str>,
        level: usize,
    ) -> Result<Measure, Over> {
        if level > 2 * self.limits.depth + 1 {
            return Err(Over::Depth);
        }
        let mut m = Measure::default();
        for item in &set.items {
            let inner = match &item.node {
                Selection::Field(f) => {
                    let one = self.field(&f.node, parent, level)?;
                    m.fields += 1;
                    one
                }
                Selection::FragmentSpread(spread) => {
                    self.directives("a fragment spread", spread.node.directives.len())?;
                    let name = spread.node.fragment_name.node.as_str();
                    let f = self.fragment(name, level)?;
                    m.fields = m.fields.saturating_add(f.fields);
                    Measure {
                        fields: 0,
                        fragment_depth: f.fragment_depth + 1,
                        ..f
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.directives("an inline fragment", inline.node.directives.len())?;
                    let on = inline.node.type_condition.as_ref();
                    let ty = on.map(|t| t.node.on.node.as_str()).or(parent);
                    let f = self.selection_set(&inline.node.selection_set.node, ty, level + 1)?;
                    m.fields = m.fields.saturating_add(f.fields);
                    Measure {
                        fields: 0,
                        fragment_depth: f.fragment_depth + 1,
                        ..f
                    }
                }
            };
            m.complexity = m.complexity.saturating_add(inner.complexity);
            m.depth = m.depth.max(inner.depth);
            m.fragment_depth = m.fragment_depth.max(inner.fragment_depth);
            if m.depth > self.limits.depth {
                return Err(Over::Depth);
            }
            if m.fragment_depth > self.limits.depth {
                return Err(Over::FragmentDepth);
            }
        }
        Ok(m)
    }

    fn field(
        &mut self,
        field: &'a Field,
        parent: Option<&str>,
        level: usize,
    ) -> Result<Measure, Over> {
        let name = field.name.node.as_str();
        self.directives(name, field.directives.len())?;
        if field.alias.is_some() {
            self.aliases += 1;
            if self.aliases > self.limits.aliases {
                return Err(Over::Aliases(self.aliases));
            }
        }
        // `__typename` and unknown fields cost one like any other; unknown ones fail validation.
        let shape = parent.and_then(|p| self.shapes.get(p, name));
        let children = if field.selection_set.node.items.is_empty() {
            Measure::default()
        } else {
            let ty = shape.map(|s| s.returns.as_str());
            // Introspection types are not in our SDL: their fields count as single ones, which is
            // right for a schema of bounded size.
            self.selection_set(&field.selection_set.node, ty, level + 1)?
        };
        let fanout = match shape.map(|s| s.fanout) {
            Some(Fanout::Paged) => self.page_size(field),
            Some(Fanout::ByIds) => self.ids(field),
            Some(Fanout::List) => self.limits.default_page,
            Some(Fanout::One | Fanout::PageItems) | None => 1,
        };
        Ok(Measure {
            complexity: fanout.saturating_mul(children.complexity).saturating_add(1),
            depth: children.depth + 1,
            fragment_depth: children.fragment_depth,
            fields: 1,
        })
    }

    fn fragment(&mut self, name: &'a str, level: usize) -> Result<Measure, Over> {
        if let Some(m) = self.fragments.get(name) {
            return Ok(*m);
        }
        // A cycle or an unknown fragment is the validator's to report; it adds nothing here.
        if self.in_progress.contains(&name) {
            return Ok(Measure::default());
        }
        let Some(def) = self.doc.fragments.get(&Name::new(name)) else {
            return Ok(Measure::default());
        };
        self.directives("a fragment", def.node.directives.len())?;
        self.in_progress.push(name);
        let on = def.node.type_condition.node.on.node.as_str();
        let m = self.selection_set(&def.node.selection_set.node, Some(on), level + 1);
        self.in_progress.pop();
        let m = m?;
        self.fragments.insert(name, m);
        Ok(m)
    }

    fn directives(&self, place: &str, count: usize) -> Result<(), Over> {
        if count > self.limits.directives {
            return Err(Over::Directives {
                field: place.to_string(),
                count,
            });
        }
        Ok(())
    }

    /// `first` or `last`, given literally or as a variable, else the default page size. Beyond the
    /// largest page the resolver refuses anyway, so the estimate stops there.
    fn page_size(&self, field: &Field) -> u64 {
        ["first", "last"]
            .iter()
            .filter_map(|arg| match self.argument(field, arg) {
                Some(ConstValue::Number(n)) => n.as_u64(),
                _ => None,
            })
            .max()
            .unwrap_or(self.limits.default_page)
            .min(self.limits.max_page)
    }

    fn ids(&self, field: &Field) -> u64 {
        let n = match self.argument(field, "ids") {
            Some(ConstValue::List(l)) => l.len() as u64,
            _ => self.limits.default_page,
        };
        n.min(self.limits.max_page)
    }

    /// An argument's value, with variables replaced by what the request (or its default) gives;
    /// `None` when absent or when a variable has no value.
    fn argument(&self, field: &Field, name: &str) -> Option<ConstValue> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        value
            .node
            .clone()
            .into_const_with(|var| {
                self.variables
                    .get(&var)
                    .or_else(|| self.defaults.get(var.as_str()).copied())
                    .cloned()
                    .ok_or(())
            })
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: WalkLimits = WalkLimits {
        depth: 15,
        aliases: 30,
        directives: 5,
        default_page: 20,
        max_page: 100,
    };

    fn measure_with(query: &str, variables: serde_json::Value) -> Result<Measure, Over> {
        let shapes = Shapes::from_sdl(&crate::api::sdl());
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        let vars = Variables::from_json(variables);
        let mut walk = Walk::new(&doc, &shapes, LIMITS, &vars);
        let (_, op) = doc.operations.iter().next().expect("an operation");
        walk.operation(&op.node, "Query")
    }

    fn measure(query: &str) -> Result<Measure, Over> {
        measure_with(query, serde_json::json!({}))
    }

    #[test]
    fn typename_counts_like_any_field() {
        let m = measure("{ a: __typename b: __typename c: __typename }").unwrap();
        assert_eq!((m.complexity, m.fields, m.depth), (3, 3, 1));
    }

    #[test]
    fn pages_multiply_what_each_item_asks_for() {
        // events(1 + 50 × edges(1 + node(1 + id + title)))
        let m = measure("{ events(first: 50) { edges { node { id title } } } }").unwrap();
        assert_eq!(m.complexity, 1 + 50 * (1 + (1 + 2)));
        assert_eq!(m.depth, 4);
        // Without `first` the default page size applies.
        let m = measure("{ events { nodes { id } } }").unwrap();
        assert_eq!(m.complexity, 1 + 20 * 2);
    }

    #[test]
    fn page_sizes_come_from_variables_and_their_defaults() {
        let q = "query($n: Int = 7) { events(first: $n) { nodes { id } } }";
        assert_eq!(measure(q).unwrap().complexity, 1 + 7 * 2);
        let m = measure_with(q, serde_json::json!({ "n": 3 })).unwrap();
        assert_eq!(m.complexity, 1 + 3 * 2);
        // A page beyond the largest allowed is refused by the resolver; the estimate stops there.
        let m = measure("{ events(last: 100000) { nodes { id } } }").unwrap();
        assert_eq!(m.complexity, 1 + 100 * 2);
    }

    #[test]
    fn plain_lists_count_as_default_pages_and_nodes_by_the_ids_given() {
        let m = measure("{ nodes(ids: [\"a\", \"b\", \"c\"]) { id } }").unwrap();
        assert_eq!(m.complexity, 1 + 3);
        let m = measure("{ node(id: \"x\") { ... on Place { ancestors { name } } } }").unwrap();
        assert_eq!(m.complexity, 1 + (1 + 20));
        // Citations are a page like any nested list: `first` sets what they cost.
        let m = measure(
            "{ node(id: \"x\") { ... on Source { citedBy(first: 3) { nodes { excerpt source { title } } } } } }",
        )
        .unwrap();
        assert_eq!(m.complexity, 1 + (1 + 3 * (1 + 1 + 1 + 1)));
        // A nested page costs its page size, like a root list.
        let m = measure(
            "{ node(id: \"x\") { ... on Actor { members(first: 5) { nodes { name } } } } }",
        )
        .unwrap();
        assert_eq!(m.complexity, 1 + (1 + 5 * (1 + 1)));
        assert_eq!(m.fragment_depth, 1);
    }

    #[test]
    fn fragments_are_measured_once_however_often_they_are_spread() {
        // Each fragment spreads the next twice: expanded, 2^30 fields; measured, a few dozen steps.
        let mut q = String::from("{ ...F0 }\n");
        for i in 0..30 {
            q += &format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1);
        }
        q += "fragment F30 on Query { __typename }";
        let started = std::time::Instant::now();
        assert!(matches!(
            measure(&q),
            Err(Over::FragmentDepth | Over::Depth)
        ));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let mut q = String::from("{ ...F0 }\n");
        for i in 0..10 {
            q += &format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1);
        }
        q += "fragment F10 on Query { __typename }";
        let m = measure(&q).unwrap();
        assert_eq!((m.complexity, m.fields), (1024, 1024));
    }

    #[test]
    fn cycles_and_unknown_fragments_are_left_to_the_validator() {
        assert!(
            measure("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }").is_ok()
        );
        assert!(measure("{ ...Missing }").is_ok());
    }

    #[test]
    fn depth_aliases_and_directives_have_limits() {
        let deep = format!("{}{}", "{ a ".repeat(16), "}".repeat(16));
        assert_eq!(measure(&deep), Err(Over::Depth));
        let aliases = format!(
            "{{ {} }}",
            (0..31)
                .map(|i| format!("a{i}: __typename "))
                .collect::<String>()
        );
        assert_eq!(measure(&aliases), Err(Over::Aliases(31)));
        let directives = format!("{{ __typename {} }}", "@skip(if: false) ".repeat(6));
        assert!(matches!(
            measure(&directives),
            Err(Over::Directives { count: 6, .. })
        ));
    }
}
