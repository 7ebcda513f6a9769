//! A selection's relationships below some nodes, read in one statement: each level a `COLLECT`
//! subquery nested in the one above, so a request's nested data costs one round trip, not one per
//! level. The answer is cut back into per-(relationship, node) neighbour lists, the same as
//! [`neighbours`](super::neighbours) returns, for the request's cache.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{push_var, render, Edge, Linked, Vars, SCOPE_OF};
use crate::{
    error::AppResult,
    store::{
        records::{NodeRecord, Prop, NODE_PROJECTION_OF},
        Cypher, Db,
    },
};

/// A relationship to follow from every node of a level, and what to follow below its neighbours.
#[derive(Debug, Clone)]
pub struct Branch {
    pub edge: Edge,
    /// For each label the neighbours can have, the branches below them (empty: none).
    pub below: Vec<(&'static str, Vec<Branch>)>,
    /// The properties to read of the neighbours (see [`props_for`](crate::store::records::props_for)),
    /// when they have one label; `None` reads them all.
    pub props: Option<Vec<Prop>>,
}

/// `§n {.id, …, labels: ['Event']}`: only `props` of the node bound to `var`.
fn projection(
    out: &mut Cypher,
    var: (&'static str, Option<usize>),
    label: &'static str,
    props: &[Prop],
) {
    push_var(out, var);
    out.push(" {");
    for prop in props {
        match prop {
            Prop::Plain(p) => {
                out.push(".").push(*p).push(", ");
            }
            Prop::Text(p) => {
                out.push(*p).push(": toString(");
                push_var(out, var);
                out.push(".").push(*p).push("), ");
            }
            Prop::Location => {
                out.push("location: CASE WHEN ");
                push_var(out, var);
                out.push(".location IS NULL THEN null ELSE {latitude: ");
                push_var(out, var);
                out.push(".location.y, longitude: ");
                push_var(out, var);
                out.push(".location.x} END, ");
            }
            Prop::SourceId => {
                out.push("sourceId: head([(");
                push_var(out, var);
                out.push(")-[:CITES]->(s:Source) | s.id]), ");
            }
        }
    }
    out.push("labels: ['").push(label).push("']}");
}

/// Neighbours of one node along one edge, in the order [`neighbours`](super::neighbours) gives.
pub type Loaded = (Edge, String, Vec<Linked>);

/// `{f0: COLLECT {…}, f1: …}`: the branches below the node bound to `parent`.
fn branches(
    out: &mut Cypher,
    parent: (&'static str, Option<usize>),
    list: &[Branch],
    counter: &mut usize,
) {
    out.push("{");
    for (i, b) in list.iter().enumerate() {
        *counter += 1;
        let k = *counter;
        let vars = Vars {
            a: parent,
            r: ("r", Some(k)),
            n: ("n", Some(k)),
        };
        let (order, edge) = b.edge.order_and_edge();
        if i > 0 {
            out.push(", ");
        }
        out.push("f").push(i).push(": COLLECT { MATCH ");
        render(out, b.edge.pattern(), vars);
        out.push(" WHERE ");
        render(out, SCOPE_OF, vars);
        out.push(" WITH ");
        push_var(out, vars.n);
        out.push(", ");
        render(out, edge, vars);
        out.push(" AS e").push(k).push(", ");
        render(out, order, vars);
        out.push(" AS o")
            .push(k)
            .push(" ORDER BY o")
            .push(k)
            .push(", ");
        push_var(out, vars.n);
        out.push(".id RETURN {node: ");
        match (&b.props, b.edge.targets()) {
            (Some(props), [label]) => projection(out, vars.n, label, props),
            _ => render(out, NODE_PROJECTION_OF, vars),
        }
        out.push(", edge: e").push(k).push(", sub: ");
        let below: Vec<&(&'static str, Vec<Branch>)> =
            b.below.iter().filter(|(_, l)| !l.is_empty()).collect();
        if below.is_empty() {
            out.push("null");
        } else {
            out.push("CASE");
            for (label, list) in below {
                out.push(" WHEN ");
                push_var(out, vars.n);
                out.push(":").push(*label).push(" THEN ");
                branches(out, vars.n, list, counter);
            }
            out.push(" ELSE null END");
        }
        out.push("} }");
    }
    out.push("}");
}

#[derive(Deserialize)]
struct Item {
    node: Value,
    #[serde(default)]
    edge: Option<HashMap<String, Value>>,
    #[serde(default)]
    sub: Value,
}

fn decode(parent: &str, sub: &Value, list: &[Branch], out: &mut Vec<Loaded>) -> AppResult<()> {
    for (i, b) in list.iter().enumerate() {
        let items: Vec<Item> = match sub.get(format!("f{i}")) {
            Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
                crate::error::AppError::internal(format!("malformed nested answer: {e}"))
            })?,
            None => Vec::new(),
        };
        let mut linked = Vec::with_capacity(items.len());
        for item in items {
            let node = NodeRecord::decode(item.node)?;
            if let Some((_, below)) = b.below.iter().find(|(l, _)| *l == node.label()) {
                if !below.is_empty() {
                    decode(node.id(), &item.sub, below, out)?;
                }
            }
            linked.push(Linked {
                node,
                edge: item.edge.unwrap_or_default(),
            });
        }
        out.push((b.edge, parent.to_string(), linked));
    }
    Ok(())
}

/// Reads `list` below each of the nodes `ids`, in one statement.
pub async fn load(db: &Db, ids: &[String], list: &[Branch]) -> AppResult<Vec<Loaded>> {
    if ids.is_empty() || list.is_empty() {
        return Ok(Vec::new());
    }
    let mut text = Cypher::new();
    text.push("UNWIND $ids AS id MATCH (a0:Node {id: id}) RETURN {id: id, sub: ");
    branches(&mut text, ("a", Some(0)), list, &mut 0);
    text.push("} AS row");
    #[derive(Deserialize)]
    struct Row {
        id: String,
        sub: Value,
    }
    let rows: Vec<Row> = db.rows(text.into_statement().param("ids", ids)).await?;
    let mut out = Vec::new();
    for row in rows {
        decode(&row.id, &row.sub, list, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::records::NODE_PROJECTION;

    #[test]
    fn the_projection_template_renders_as_the_projection() {
        let mut text = Cypher::new();
        render(&mut text, NODE_PROJECTION_OF, Vars::plain());
        let rendered = format!("{:?}", text.into_statement());
        let mut plain = Cypher::new();
        plain.push(NODE_PROJECTION);
        assert_eq!(rendered, format!("{:?}", plain.into_statement()));
    }

    #[test]
    fn nested_levels_get_variables_of_their_own() {
        let leaf = |edge| Branch {
            edge,
            below: vec![],
            props: None,
        };
        let tree = vec![Branch {
            edge: Edge::EventParticipations,
            below: vec![(
                "Participation",
                vec![Branch {
                    edge: Edge::ParticipationActor,
                    below: vec![("Actor", vec![leaf(Edge::ActorEvents)])],
                    props: Some(vec![Prop::Plain("id"), Prop::SourceId]),
                }],
            )],
            props: None,
        }];
        let mut text = Cypher::new();
        branches(&mut text, ("a", Some(0)), &tree, &mut 0);
        let text = format!("{:?}", text.into_statement());
        for needle in [
            "MATCH (a0)<-[r1:IN_EVENT]-(n1:Participation)",
            "MATCH (n1)<-[r2:PARTICIPATES_AS]-(n2:Actor)",
            "MATCH (n2)-[:PARTICIPATES_AS]->(r3:Participation)-[:IN_EVENT]->(n3:Event)",
            "WHEN n2:Actor THEN {f0: COLLECT",
            "node: n2 {.id, sourceId: head([(n2)-[:CITES]->(s:Source) | s.id]), labels: ['Actor']}",
        ] {
            assert!(text.contains(needle), "{needle} not in {text}");
        }
    }
}
