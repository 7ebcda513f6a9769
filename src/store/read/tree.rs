//! A selection's relationships below some nodes, read in one statement: each level a `COLLECT`
//! subquery nested in the one above, so a request's nested data costs one round trip, not one per
//! level. A paged level ([`Window`]) is ordered by its stored sort key and cut to its page inside its
//! subquery (`ORDER BY key, id LIMIT first + 1`), so the levels below it only run for the page. The
//! answer is cut back into per-(relationship, window, node) neighbour lists for the request's cache.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{push_var, render, seek::Seek, Edge, Linked, Position, SortKey, Vars, SCOPE_OF};
use crate::{
    error::AppResult,
    store::{
        records::{NodeRecord, Prop, NODE_PROJECTION_OF},
        Cypher, Db,
    },
};

/// A condition a nested list applies before it pages (so that a page holds only what it keeps).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Only {
    /// Participations with this role key (for `Actor.events`: events the actor took part in so).
    Role(String),
    /// Claims with one of these statuses (stored names).
    Statuses(Vec<String>),
}

/// One page of a nested list: its order (a stored, indexed sort key of the neighbours, then id), its
/// bounds and size, what it keeps, and whether its total is wanted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Window {
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<Position>,
    pub before: Option<Position>,
    /// Page size, and which end of the window to take it from (`first` = from the start).
    pub limit: usize,
    pub from_end: bool,
    pub only: Option<Only>,
    /// Also count every neighbour the list keeps (`totalCount`), in the same statement.
    pub total: bool,
}

/// A relationship to follow from every node of a level, and what to follow below its neighbours.
#[derive(Debug, Clone)]
pub struct Branch {
    pub edge: Edge,
    /// The page to read, for a paged list; `None` reads every neighbour.
    pub window: Option<Window>,
    /// For each label the neighbours can have, the branches below them (empty: none).
    pub below: Vec<(&'static str, Vec<Branch>)>,
    /// The properties to read of the neighbours (see [`props_for`](crate::store::records::props_for)),
    /// when they have one label; `None` reads them all.
    pub props: Option<Vec<Prop>>,
}

impl Branch {
    /// Every neighbour along `edge`, with all their properties and nothing below.
    pub fn whole(edge: Edge) -> Self {
        Branch {
            edge,
            window: None,
            below: vec![],
            props: None,
        }
    }
}

/// The neighbours of one node along one branch: a page of them when the branch has a window.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    pub items: Vec<Linked>,
    /// There are more beyond the page in the direction of travel.
    pub has_more: bool,
    /// How many the list keeps in all, when the window asked for it.
    pub total: Option<i64>,
}

/// The neighbours of node `from` along `edge` in `window`.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub edge: Edge,
    pub window: Option<Window>,
    pub from: String,
    pub listed: Listed,
}

/// `§n {.id, …, labels: ['Event']}`: only `props` of the node bound to `var`.
pub(super) fn projection(
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

/// Statement parameters of the windows, named by their branch's number.
type Params = Vec<(String, Value)>;

/// `… AND <condition>` for what `window` keeps of the neighbours bound by `vars`.
fn only(out: &mut Cypher, edge: Edge, window: &Window, vars: Vars, k: usize, params: &mut Params) {
    let Some(only) = &window.only else { return };
    let (template, value) = match only {
        // The participation is the relationship's middle for `Actor.events`, the neighbour otherwise.
        Only::Role(role) if edge == Edge::ActorEvents => {
            (" AND §r.role = $w", Value::from(role.clone()))
        }
        Only::Role(role) => (" AND §n.role = $w", Value::from(role.clone())),
        Only::Statuses(s) => (" AND §n.status IN $w", Value::from(s.clone())),
    };
    render(out, template, vars);
    out.push(k).push("o");
    params.push((format!("w{k}o"), value));
}

/// `… AND <key> >= $after AND NOT (<key> = $after AND <id> <= $afterId)`: the window's bounds, a range
/// on the key narrowed by the id (`key` and `tie` are their templates: the neighbour's, or their copies
/// on a [`Seek`]'s indexed node). The narrowing is not spelt `<key> > $k OR <id> > $i`: on a [`Seek`]
/// both sides of that OR are properties of its index, and with a busy actor's statistics the planner
/// answered it as a `Union` of two seeks, which loses the index order and sorts every row again
/// (`Top`). Keys are never null (`records::SORT_KEYS`), so the two say the same.
fn bounds(
    out: &mut Cypher,
    window: &Window,
    (key, tie): (&'static str, &'static str),
    vars: Vars,
    k: usize,
    params: &mut Params,
) {
    // `after` always means "further along the list's order", `before` the opposite; each with the
    // comparison of the ids it leaves out.
    let (after_op, before_op) = if window.descending {
        (("<", ">="), (">", "<="))
    } else {
        ((">", "<="), ("<", ">="))
    };
    for (bound, (op, not_op), name) in [
        (&window.after, after_op, "a"),
        (&window.before, before_op, "b"),
    ] {
        let Some(p) = bound else { continue };
        out.push(" AND ");
        render(out, key, vars);
        out.push(" ")
            .push(op)
            .push("= $w")
            .push(k)
            .push(name)
            .push("k AND NOT (");
        render(out, key, vars);
        out.push(" = $w").push(k).push(name).push("k AND ");
        render(out, tie, vars);
        out.push(" ")
            .push(not_op)
            .push(" $w")
            .push(k)
            .push(name)
            .push("i)");
        params.push((format!("w{k}{name}k"), p.key.clone()));
        params.push((format!("w{k}{name}i"), Value::from(p.id.clone())));
    }
}

/// `MATCH <pattern> WHERE <scope and conditions>`: the neighbours a branch keeps.
fn matching(out: &mut Cypher, b: &Branch, vars: Vars, k: usize, params: &mut Params) {
    out.push("MATCH ");
    render(out, b.edge.pattern(), vars);
    out.push(" WHERE ");
    render(out, SCOPE_OF, vars);
    if let Some(w) = &b.window {
        only(out, b.edge, w, vars, k, params);
    }
}

/// `DESC` when the page is read against ascending order: a descending list, or (exclusive or) a
/// page taken from the end.
fn page_direction(w: &Window) -> &'static str {
    if w.descending != w.from_end {
        " DESC"
    } else {
        ""
    }
}

/// The page (or the whole list) of a branch read along its pattern: every neighbour's key is read
/// to order them.
fn paged_or_whole(out: &mut Cypher, b: &Branch, vars: Vars, k: usize, params: &mut Params) {
    matching(out, b, vars, k, params);
    let order = match &b.window {
        Some(w) => {
            bounds(out, w, (w.sort.template(), "§n.id"), vars, k, params);
            w.sort.template()
        }
        None => b.edge.order(),
    };
    out.push(if b.edge.repeats() {
        " WITH DISTINCT "
    } else {
        " WITH "
    });
    push_var(out, vars.n);
    if b.edge.edge_props().is_some() {
        // The relationship itself; its properties are read in the RETURN, after the page is
        // cut. (Neo4j 5.26 already deferred `properties(r)` past the sort's Top when it stood
        // here, PROFILE showed equal db hits; the text no longer relies on it.)
        out.push(", ");
        push_var(out, vars.r);
    }
    // A to-one level (an event's place) has nothing to order.
    let sorted = b.window.is_some() || !b.edge.to_one();
    if sorted {
        out.push(", ");
        render(out, order, vars);
        out.push(" AS o").push(k);
        // Ascending in the list's own order, unless it pages backwards from the end.
        let dir = b.window.as_ref().map_or("", page_direction);
        out.push(" ORDER BY o").push(k).push(dir).push(", ");
        push_var(out, vars.n);
        out.push(".id").push(dir);
    }
    if let Some(w) = &b.window {
        // One more than the page: whether there is a next page, without counting them all.
        out.push(" LIMIT $w").push(k).push("l");
        params.push((format!("w{k}l"), Value::from(w.limit as i64 + 1)));
    }
}

/// `{f0: COLLECT {…}, t0: …, f1: …}`: the branches below the node bound to `parent`.
pub(super) fn branches(
    out: &mut Cypher,
    parent: (&'static str, Option<usize>),
    list: &[Branch],
    counter: &mut usize,
    params: &mut Params,
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
        if i > 0 {
            out.push(", ");
        }
        out.push("f").push(i).push(": COLLECT { ");
        if let Some((w, seek)) = b
            .window
            .as_ref()
            .and_then(|w| Some((w, Seek::of(b.edge, w)?)))
        {
            // From the index that holds the anchor's neighbours in this order (`seek.rs`).
            seek.matching(out, vars);
            only(out, b.edge, w, vars, k, params);
            bounds(out, w, (seek.key, seek.tie), vars, k, params);
            seek.order(out, vars, k, page_direction(w));
            out.push(" LIMIT $w").push(k).push("l");
            params.push((format!("w{k}l"), Value::from(w.limit as i64 + 1)));
            seek.after_limit(out, vars, k);
        } else {
            paged_or_whole(out, b, vars, k, params);
        }
        out.push(" RETURN {node: ");
        match (&b.props, b.edge.targets()) {
            (Some(props), [label]) => projection(out, vars.n, label, props),
            _ => render(out, NODE_PROJECTION_OF, vars),
        }
        if b.window.is_some() {
            out.push(", key: o").push(k);
        }
        if let Some(props) = b.edge.edge_props() {
            out.push(", edge: ");
            render(out, props, vars);
        }
        out.push(", sub: ");
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
                branches(out, vars.n, list, counter, params);
            }
            out.push(" ELSE null END");
        }
        out.push("} }");
        if b.window.as_ref().is_some_and(|w| w.total) {
            // Its own subquery: the page's LIMIT must not cut the count. A pattern that meets each
            // neighbour once is counted as it matches (`COUNT {}`: no property read, measured 20,007
            // db hits instead of 25,007 for 5,000 citers); one that can meet a neighbour twice (an
            // actor's events) counts distinct ids.
            out.push(", t").push(i);
            if b.edge.repeats() {
                out.push(": size(COLLECT { ");
                matching(out, b, vars, k, params);
                out.push(" RETURN DISTINCT ");
                push_var(out, vars.n);
                out.push(".id })");
            } else {
                out.push(": COUNT { ");
                matching(out, b, vars, k, params);
                out.push(" }");
            }
        }
    }
    out.push("}");
}

#[derive(Deserialize)]
struct Item {
    node: Value,
    #[serde(default)]
    key: Value,
    #[serde(default)]
    edge: Option<HashMap<String, Value>>,
    #[serde(default)]
    sub: Value,
}

/// Decodes the answer `sub` of one node's branches into `out`. It takes `sub` by value and moves
/// each branch's list out of it: a borrowed answer had to be cloned at every level, so a deep
/// selection copied its lower levels once per level above them (perf: allocation was ~30% of a
/// nested read's CPU).
pub(super) fn decode(
    parent: &str,
    mut sub: Value,
    list: &[Branch],
    out: &mut Vec<Loaded>,
) -> AppResult<()> {
    for (i, b) in list.iter().enumerate() {
        let mut items: Vec<Item> = match sub.get_mut(format!("f{i}")).map(Value::take) {
            Some(v) => serde_json::from_value(v).map_err(|e| {
                crate::error::AppError::internal(format!("malformed nested answer: {e}"))
            })?,
            None => Vec::new(),
        };
        let mut has_more = false;
        if let Some(w) = &b.window {
            has_more = items.len() > w.limit;
            items.truncate(w.limit);
            if w.from_end {
                items.reverse();
            }
        }
        let mut linked = Vec::with_capacity(items.len());
        for item in items {
            let node = NodeRecord::decode(item.node)?;
            if let Some((_, below)) = b.below.iter().find(|(l, _)| *l == node.label()) {
                if !below.is_empty() {
                    decode(node.id(), item.sub, below, out)?;
                }
            }
            linked.push(Linked {
                node,
                edge: item.edge.unwrap_or_default(),
                key: item.key,
            });
        }
        out.push(Loaded {
            edge: b.edge,
            window: b.window.clone(),
            from: parent.to_string(),
            listed: Listed {
                items: linked,
                has_more,
                total: sub.get(format!("t{i}")).and_then(Value::as_i64),
            },
        });
    }
    Ok(())
}

/// The statement that reads `list` below each of the nodes `$ids`.
pub fn statement(list: &[Branch]) -> crate::store::Statement {
    let mut text = Cypher::new();
    let mut params = Vec::new();
    // The hint (here and below): a plan made while the database was nearly empty may scan the id
    // index instead of seeking it, and stay cached after the database has grown (seen in the suite).
    text.push("UNWIND $ids AS id MATCH (a0:Node {id: id}) USING INDEX SEEK a0:Node(id) RETURN {id: id, sub: ");
    branches(&mut text, ("a", Some(0)), list, &mut 0, &mut params);
    text.push("} AS row");
    params
        .into_iter()
        .fold(text.into_statement(), |s, (k, v)| s.param(&k, v))
}

/// What to read of a root node with this label: its properties and the branches below it.
pub type Root = (&'static str, Vec<Prop>, Vec<Branch>);

/// The statement that reads the nodes `$ids` themselves (within the request's collections), each
/// with only the properties `roots` name for its label, and the branches below them.
pub fn roots_statement(roots: &[Root]) -> crate::store::Statement {
    let mut text = Cypher::new();
    let mut params = Vec::new();
    let a = ("a", Some(0));
    let vars = Vars { a, r: a, n: a };
    text.push("UNWIND $ids AS id MATCH (a0:Node {id: id}) USING INDEX SEEK a0:Node(id) WHERE ");
    render(&mut text, SCOPE_OF, vars);
    text.push(" RETURN {node: CASE");
    for (label, props, _) in roots {
        text.push(" WHEN a0:").push(*label).push(" THEN ");
        projection(&mut text, a, label, props);
    }
    text.push(" ELSE null END, sub: ");
    let below: Vec<&Root> = roots.iter().filter(|(_, _, l)| !l.is_empty()).collect();
    if below.is_empty() {
        text.push("null");
    } else {
        text.push("CASE");
        let mut counter = 0;
        for (label, _, list) in below {
            text.push(" WHEN a0:").push(*label).push(" THEN ");
            branches(&mut text, a, list, &mut counter, &mut params);
        }
        text.push(" ELSE null END");
    }
    text.push("} AS row");
    params
        .into_iter()
        .fold(text.into_statement(), |s, (k, v)| s.param(&k, v))
}

/// Reads the nodes `ids` and what `roots` asks below each, in one statement: the nodes found (those
/// of no label in `roots` are left out) and their neighbour lists.
pub async fn load_roots(
    db: &Db,
    ids: &[String],
    roots: &[Root],
) -> AppResult<(Vec<NodeRecord>, Vec<Loaded>)> {
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    #[derive(Deserialize)]
    struct Row {
        node: Value,
        sub: Value,
    }
    let rows: Vec<Row> = db.rows(roots_statement(roots).param("ids", ids)).await?;
    let (mut nodes, mut loaded) = (Vec::new(), Vec::new());
    for row in rows.into_iter().filter(|r| !r.node.is_null()) {
        let node = NodeRecord::decode(row.node)?;
        if let Some((_, _, list)) = roots.iter().find(|(l, _, _)| *l == node.label()) {
            decode(node.id(), row.sub, list, &mut loaded)?;
        }
        nodes.push(node);
    }
    Ok((nodes, loaded))
}

/// Reads `list` below each of the nodes `ids`, in one statement.
pub async fn load(db: &Db, ids: &[String], list: &[Branch]) -> AppResult<Vec<Loaded>> {
    if ids.is_empty() || list.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(Deserialize)]
    struct Row {
        id: String,
        sub: Value,
    }
    let rows: Vec<Row> = db.rows(statement(list).param("ids", ids)).await?;
    let mut out = Vec::new();
    for row in rows {
        decode(&row.id, row.sub, list, &mut out)?;
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
        let leaf = Branch::whole;
        let tree = vec![Branch {
            edge: Edge::EventParticipations,
            below: vec![(
                "Participation",
                vec![Branch {
                    edge: Edge::ParticipationActor,
                    window: None,
                    below: vec![("Actor", vec![leaf(Edge::ActorEvents)])],
                    props: Some(vec![Prop::Plain("id"), Prop::SourceId]),
                }],
            )],
            window: None,
            props: None,
        }];
        let mut text = Cypher::new();
        branches(&mut text, ("a", Some(0)), &tree, &mut 0, &mut vec![]);
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
