//! Reads: nodes by id, neighbours along the model's relationships (batched for DataLoaders), and
//! filtered, keyset-paginated lists. Every statement anchors on indexed ids or labels and is confined
//! to the request's collections by [`SCOPE`].

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{
    cypher,
    records::{NodeRecord, NODE_PROJECTION},
    Cypher, Db, Statement,
};
use crate::error::AppResult;

mod edge;
/// The predicate that confines the node bound to `n` to the request's collections (`$collections`,
/// bound to every statement by [`Db`]; null means no restriction). Every read includes it.
mod filter;
mod region;
mod seek;
pub mod tree;

pub use edge::Edge;
pub use filter::{standing_statuses, Filter};

pub(crate) const SCOPE: &str = "($collections IS NULL OR n.collection IN $collections)";
/// [`SCOPE`] for any variable (`§n`, see [`render`]).
pub(crate) const SCOPE_OF: &str = "($collections IS NULL OR §n.collection IN $collections)";

/// Nodes by id, in one round trip. Ids outside the request's collections are absent from the map.
pub async fn nodes_by_id(db: &Db, ids: &[String]) -> AppResult<HashMap<String, NodeRecord>> {
    let statement = cypher!(
        // The hint: see `tree::statement`.
        "UNWIND $ids AS id MATCH (n:Node {id: id}) USING INDEX SEEK n:Node(id) WHERE ",
        SCOPE,
        " RETURN ",
        NODE_PROJECTION,
        " AS row"
    );
    let rows: Vec<Value> = db.rows(statement.param("ids", ids)).await?;
    rows.into_iter()
        .map(NodeRecord::decode)
        .map(|r| r.map(|n| (n.id().to_string(), n)))
        .collect()
}

/// The variable names a template (a text of the code with `§a`, `§r`, `§n` for the node we start
/// from, the relationship and the neighbour) is rendered with: a name and an optional number, so
/// that nested subqueries get variables of their own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vars {
    pub a: (&'static str, Option<usize>),
    pub r: (&'static str, Option<usize>),
    pub n: (&'static str, Option<usize>),
}

impl Vars {
    #[cfg(test)]
    pub(crate) fn plain() -> Self {
        Vars {
            a: ("a", None),
            r: ("r", None),
            n: ("n", None),
        }
    }
}

pub(crate) fn push_var(out: &mut Cypher, (name, number): (&'static str, Option<usize>)) {
    out.push(name);
    if let Some(k) = number {
        out.push(k);
    }
}

/// Appends `template` with its `§a`, `§r` and `§n` replaced by `vars`.
pub(crate) fn render(out: &mut Cypher, template: &'static str, vars: Vars) {
    let mut pieces = template.split('§');
    if let Some(first) = pieces.next() {
        out.push(first);
    }
    for piece in pieces {
        let var = match piece.as_bytes().first() {
            Some(b'a') => vars.a,
            Some(b'r') => vars.r,
            Some(b'n') => vars.n,
            _ => unreachable!("templates of the code mark only a, r and n: {template}"),
        };
        push_var(out, var);
        out.push(&piece[1..]);
    }
}

/// A neighbour and the properties of the relationship that leads to it (a citation's excerpt).
#[derive(Debug, Clone)]
pub struct Linked {
    pub node: NodeRecord,
    pub edge: HashMap<String, Value>,
    /// The neighbour's sort key in its list (for the cursor of a paged one).
    pub key: Value,
}

/// The neighbours of many nodes along one edge, in one round trip (the DataLoader batch), all of
/// them in the edge's order.
pub async fn neighbours(
    db: &Db,
    edge: Edge,
    from: &[String],
) -> AppResult<HashMap<String, Vec<Linked>>> {
    let whole = [tree::Branch::whole(edge)];
    Ok(tree::load(db, from, &whole)
        .await?
        .into_iter()
        .map(|l| (l.from, l.listed.items))
        .collect())
}

/// The kinds of node that have a list query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Event,
    Actor,
    Place,
    Source,
    Count,
    Claim,
    Participation,
    Term,
    Collection,
}

impl ListKind {
    pub fn label(self) -> &'static str {
        match self {
            ListKind::Event => "Event",
            ListKind::Actor => "Actor",
            ListKind::Place => "Place",
            ListKind::Source => "Source",
            ListKind::Count => "Count",
            ListKind::Claim => "Claim",
            ListKind::Participation => "Participation",
            ListKind::Term => "Term",
            ListKind::Collection => "Collection",
        }
    }

    /// The hint that reads a list's `text` filter from its kind's search index (the TEXT index on
    /// `searchText`, see `records::SEARCH_SEPARATOR`), for the kinds that have one. Given whenever a
    /// list without an anchor filters by text: the planner cannot tell how many nodes hold a word
    /// and, by its fixed guess, read the whole label in sort order instead, so a rare word cost a
    /// scan of the label. From the index a list costs what the word matches, never more than the
    /// label.
    fn search_hint(self) -> Option<&'static str> {
        match self {
            ListKind::Event => Some(" USING TEXT INDEX n:Event(searchText)"),
            ListKind::Actor => Some(" USING TEXT INDEX n:Actor(searchText)"),
            ListKind::Place => Some(" USING TEXT INDEX n:Place(searchText)"),
            ListKind::Source => Some(" USING TEXT INDEX n:Source(searchText)"),
            ListKind::Count => Some(" USING TEXT INDEX n:Count(searchText)"),
            ListKind::Claim => Some(" USING TEXT INDEX n:Claim(searchText)"),
            ListKind::Participation | ListKind::Term | ListKind::Collection => None,
        }
    }
}

/// What a list is sorted by. Each key is a stored, indexed property that the store derives on every
/// write (see [`SORT_KEYS`](super::records::SORT_KEYS)), so a page is read in index order instead of
/// sorting the whole label. Keys compare within one kind of value, so a cursor stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Earliest possible date (open starts first), for events.
    DateEarliest,
    /// Publication date, for sources.
    Published,
    Title,
    Name,
    CreatedAt,
    /// The figure (value, else its lower bound, else its upper bound).
    Figure,
    /// A taxonomy term's vocabulary, then key.
    TermKey,
    /// A participation's role key.
    Role,
}

impl SortKey {
    /// The property of `n` that holds the key.
    fn property(self) -> &'static str {
        match self {
            SortKey::DateEarliest => "n.sortDate",
            SortKey::Published => "n.sortPublished",
            SortKey::Title => "n.sortTitle",
            SortKey::Name => "n.sortName",
            SortKey::CreatedAt => "n.sortCreated",
            SortKey::Figure => "n.sortFigure",
            SortKey::TermKey => "n.sortTerm",
            SortKey::Role => "n.role",
        }
    }

    /// The same for any variable (`§n`, see [`render`]).
    pub(crate) fn template(self) -> &'static str {
        match self {
            SortKey::DateEarliest => "§n.sortDate",
            SortKey::Published => "§n.sortPublished",
            SortKey::Title => "§n.sortTitle",
            SortKey::Name => "§n.sortName",
            SortKey::CreatedAt => "§n.sortCreated",
            SortKey::Figure => "§n.sortFigure",
            SortKey::TermKey => "§n.sortTerm",
            SortKey::Role => "§n.role",
        }
    }

    /// The key a list of nodes with this label is sorted by unless asked otherwise: the same as the
    /// label's root list (`events`, `actors` …).
    pub fn of_label(label: &str) -> Option<SortKey> {
        Some(match label {
            "Event" => SortKey::DateEarliest,
            "Actor" | "Place" | "Collection" => SortKey::Name,
            "Source" => SortKey::Published,
            "Claim" => SortKey::CreatedAt,
            "Count" => SortKey::Figure,
            "Term" => SortKey::TermKey,
            "Participation" => SortKey::Role,
            _ => return None,
        })
    }
}

/// A position in a list: the sort key of a node and its id (the tie-breaker). Keyset cursors stay
/// correct when nodes are inserted before them, unlike offsets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Position {
    pub key: Value,
    pub id: String,
}

// A nested page's window is part of its cache key (`api::loaders`); JSON values hash by their text.
impl std::hash::Hash for Position {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.to_string().hash(state);
        self.id.hash(state);
    }
}

/// A list query: kind, filters, order and one page window.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub kind: ListKind,
    pub filters: Vec<Filter>,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<Position>,
    pub before: Option<Position>,
    /// Page size and which end of the window to take it from (`first` = from the start).
    pub limit: usize,
    pub from_end: bool,
    /// The properties to read of each item (what the selection asks for); `None` reads them all.
    pub props: Option<Vec<super::records::Prop>>,
    /// What to read below each item of the page, in the page's own statement (the read plan).
    pub below: Vec<tree::Branch>,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<(Position, NodeRecord)>,
    /// The neighbour lists read below the items ([`ListQuery::below`]).
    pub loaded: Vec<tree::Loaded>,
    /// There are more items beyond the page in the direction of travel.
    pub has_more: bool,
}

impl ListQuery {
    /// The nodes matching every filter, bound to `n`, and the filters' parameters. A list with an
    /// anchor (a place, an actor, a source, an event) starts from it and walks to the nodes it
    /// reaches; only a list without one reads its label (through the sort key's index, see [`list`]).
    fn matching(&self) -> (Cypher, Vec<(String, Value)>) {
        self.matching_with(self.text_hint())
    }

    /// The search index to name in a hint: the kind's, when the list filters by text.
    fn text_hint(&self) -> Option<&'static str> {
        self.filters
            .iter()
            .any(|f| matches!(f, Filter::Text(_)))
            .then(|| self.kind.search_hint())
            .flatten()
    }

    /// [`ListQuery::matching`] with `hint` as the index hint of a list without an anchor.
    fn matching_with(&self, hint: Option<&'static str>) -> (Cypher, Vec<(String, Value)>) {
        let mut text = Cypher::new();
        let mut params = Vec::new();
        // The first filter that can anchor does; the others stay predicates on what it reaches.
        let anchor = self
            .filters
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.anchor(i, self.kind.label(), &mut text).map(|p| (i, p)));
        let anchored = match anchor {
            Some((i, p)) => {
                params.extend(p);
                text.push(" WITH DISTINCT n WHERE ").push(SCOPE);
                Some(i)
            }
            None => {
                text.push("MATCH (n:").push(self.kind.label()).push(")");
                if let Some(hint) = hint {
                    text.push(hint);
                }
                text.push(" WHERE ").push(SCOPE);
                None
            }
        };
        for (i, f) in self.filters.iter().enumerate() {
            if Some(i) != anchored {
                text.push(" AND ");
                params.extend(f.predicate(i, &mut text));
            }
        }
        (text, params)
    }

    fn statement(text: Cypher, params: Vec<(String, Value)>) -> Statement {
        params
            .into_iter()
            .fold(text.into_statement(), |s, (k, v)| s.param(&k, v))
    }
}

/// How many search-index entries a text-filtered page reads to tell a common word from a rare one,
/// per item of the page (see [`page_statement`]). A word with fewer matches than this is read from
/// the search index and sorted: at most this many nodes. A word with at least this many is read by
/// walking the sort key's index in order, which stops at the page's end: with matches spread evenly,
/// after about `page / share of matching nodes` nodes, here at most a tenth of the label.
pub const TEXT_PROBE_PER_ITEM: usize = 10;

/// The nodes of one page, bound to `n` in the list's order: the matching nodes from `hint`'s index
/// (the search index, the sort key's, or the planner's choice), cut at `$limit`. A region's events by
/// date are read from the region's relationships instead (see [`region`]).
fn ordered(q: &ListQuery, hint: Option<&'static str>) -> (Cypher, Vec<(String, Value)>) {
    if let Some(flat) = region::flat(q) {
        return flat;
    }
    let (mut text, params) = q.matching_with(hint);
    let key = q.sort.property();
    let dir = direction(q);
    keyset(q, &mut text);
    for piece in [
        " WITH n ORDER BY ",
        key,
        dir,
        ", n.id",
        dir,
        " LIMIT $limit",
    ] {
        text.push(piece);
    }
    (text, params)
}

/// The conditions on the sort key of `n` that keep a page to its cursors (`$afterKey`/`$afterId`,
/// `$beforeKey`/`$beforeId`), each written as a range on the key (which an index can seek) narrowed
/// by the id tie-breaker.
fn keyset(q: &ListQuery, text: &mut Cypher) {
    keyset_on(q, text, q.sort.property(), "n.id");
}

/// [`keyset`] on a copy of the sort key and id (a region's relationships hold both, see [`region`]).
fn keyset_on(q: &ListQuery, text: &mut Cypher, key: &'static str, id_key: &'static str) {
    // `after` always means "further along the list's order", `before` the opposite. Each bound is
    // written only when given: `$x IS NULL OR …` would hide the range from the planner.
    let (after_op, before_op) = if q.descending { ("<", ">") } else { (">", "<") };
    // The key is never null (the store writes it), and saying so lets the planner read the index.
    text.push(" AND ").push(key).push(" IS NOT NULL");
    for (given, op, k, id) in [
        (q.after.is_some(), after_op, "$afterKey", "$afterId"),
        (q.before.is_some(), before_op, "$beforeKey", "$beforeId"),
    ] {
        if given {
            for piece in [
                " AND ", key, " ", op, "= ", k, " AND (", key, " ", op, " ", k, " OR ", id_key,
                " ", op, " ", id, ")",
            ] {
                text.push(piece);
            }
        }
    }
}

/// Ascending in the list's own order, unless we page backwards from the end.
fn direction(q: &ListQuery) -> &'static str {
    if q.descending == q.from_end {
        " ASC"
    } else {
        " DESC"
    }
}

/// A text-filtered page without an anchor, whose sort key has an index: the two ways to read it
/// (see [`TEXT_PROBE_PER_ITEM`]) and a probe that picks one, in one statement. The probe counts the
/// search-index entries of the word in the request's collections, up to `$probe`; only the branch
/// it picks runs (an `UNWIND` of an empty list ends the other before its `MATCH`). Either branch
/// returns the same page: the choice is only about cost.
///
/// `None` when the page is read as before, from the search index alone: no text filter, an
/// anchor, or a kind or sort key without the needed indexes.
fn text_page(q: &ListQuery) -> Option<(Cypher, Vec<(String, Value)>)> {
    let (i, word) = q
        .filters
        .iter()
        .enumerate()
        .find(|(_, f)| matches!(f, Filter::Text(_)))?;
    let search = q.kind.search_hint()?;
    let walk = sort_index_hint(q.kind, q.sort)?;
    let anchored = q
        .filters
        .iter()
        .enumerate()
        .any(|(i, f)| f.anchor(i, q.kind.label(), &mut Cypher::new()).is_some());
    if anchored {
        return None;
    }
    let mut text = Cypher::new();
    text.push("CALL () { MATCH (n:")
        .push(q.kind.label())
        .push(")")
        .push(search)
        .push(" WHERE ")
        .push(SCOPE)
        .push(" AND ");
    let mut params = word.predicate(i, &mut text);
    text.push(" WITH n LIMIT $probe RETURN count(n) AS hits } CALL (hits) {");
    for (cmp, hint) in [("<", search), (">=", walk)] {
        if cmp == ">=" {
            text.push(" UNION ALL");
        }
        let (branch, p) = ordered(q, Some(hint));
        text.push(" UNWIND CASE WHEN hits ")
            .push(cmp)
            .push(" $probe THEN [true] ELSE [] END AS go CALL (go) { ");
        text.append(branch).push(" RETURN n } RETURN n");
        params = p;
    }
    let key = q.sort.property();
    let dir = direction(q);
    for piece in [" } WITH n ORDER BY ", key, dir, ", n.id", dir] {
        text.push(piece);
    }
    Some((text, params))
}

/// The hint that reads a list in the order of its sort key's index, for the (kind, key) pairs
/// that have one (`schema/constraints.cypher`).
fn sort_index_hint(kind: ListKind, sort: SortKey) -> Option<&'static str> {
    Some(match (kind, sort) {
        (ListKind::Event, SortKey::DateEarliest) => " USING INDEX n:Event(sortDate)",
        (ListKind::Event, SortKey::Title) => " USING INDEX n:Event(sortTitle)",
        (ListKind::Actor, SortKey::Name) => " USING INDEX n:Actor(sortName)",
        (ListKind::Place, SortKey::Name) => " USING INDEX n:Place(sortName)",
        (ListKind::Source, SortKey::Published) => " USING INDEX n:Source(sortPublished)",
        (ListKind::Claim, SortKey::CreatedAt) => " USING INDEX n:Claim(sortCreated)",
        (ListKind::Count, SortKey::Figure) => " USING INDEX n:Count(sortFigure)",
        _ => return None,
    })
}

/// The statement that fetches one page (see [`list`]).
fn page_statement(q: &ListQuery) -> Statement {
    let probed = text_page(q);
    let probe = probed.is_some();
    let (mut text, mut params) = probed.unwrap_or_else(|| ordered(q, q.text_hint()));
    let key = q.sort.property();
    text.push(" RETURN {key: ");
    for piece in [key, ", node: "] {
        text.push(piece);
    }
    match &q.props {
        Some(props) => tree::projection(&mut text, ("n", None), q.kind.label(), props),
        None => {
            text.push(NODE_PROJECTION);
        }
    }
    // The selection below the items, for the page only (after its LIMIT): no second round trip.
    if !q.below.is_empty() {
        text.push(", sub: ");
        tree::branches(&mut text, ("n", None), &q.below, &mut 0, &mut params);
    }
    text.push("} AS row");
    let mut statement = ListQuery::statement(text, params).param("limit", (q.limit + 1) as i64);
    if probe {
        statement = statement.param("probe", (TEXT_PROBE_PER_ITEM * (q.limit + 1)) as i64);
    }
    for (name, p) in [("after", &q.after), ("before", &q.before)] {
        if let Some(p) = p {
            statement = statement
                .param(&format!("{name}Key"), p.key.clone())
                .param(&format!("{name}Id"), p.id.clone());
        }
    }
    statement
}

/// Fetches one page: one round trip, whatever the page size.
pub async fn list(db: &Db, q: &ListQuery) -> AppResult<Page> {
    #[derive(Deserialize)]
    struct Row {
        key: Value,
        node: Value,
        #[serde(default)]
        sub: Value,
    }
    let rows: Vec<Row> = db.rows(page_statement(q)).await?;
    let has_more = rows.len() > q.limit;
    let mut loaded = Vec::new();
    let mut items = rows
        .into_iter()
        .take(q.limit)
        .map(|r| {
            let node = NodeRecord::decode(r.node)?;
            if !q.below.is_empty() {
                tree::decode(node.id(), r.sub, &q.below, &mut loaded)?;
            }
            Ok((
                Position {
                    key: r.key,
                    id: node.id().to_string(),
                },
                node,
            ))
        })
        .collect::<AppResult<Vec<_>>>()?;
    if q.from_end {
        items.reverse();
    }
    Ok(Page {
        items,
        loaded,
        has_more,
    })
}

/// The statement that counts a list (see [`count`]).
fn count_statement(q: &ListQuery) -> Statement {
    let (mut text, params) = q.matching();
    text.push(" RETURN count(n) AS row");
    ListQuery::statement(text, params)
}

/// How many nodes match the list's filters (ignoring the page window): one statement, only run when
/// asked for.
pub async fn count(db: &Db, q: &ListQuery) -> AppResult<i64> {
    let rows: Vec<i64> = db.rows(count_statement(q)).await?;
    Ok(rows.first().copied().unwrap_or(0))
}

/// The statements a list query sends (its page, its count), for tests that read their plans.
pub fn statements_of(q: &ListQuery) -> [Statement; 2] {
    [page_statement(q), count_statement(q)]
}
