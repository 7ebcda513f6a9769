//! Nested pages read from an index that holds one anchor's neighbours in order, so that a page costs
//! what it returns, not the anchor's degree.
//!
//! To order an actor's events by date Neo4j had to read every event's key (PROFILE on an actor with
//! 20,000 events: 160,015 db hits for `events(first: 10)`). The order is stored next to the anchor
//! instead: a participation carries its actor's id and its event's sort key and id
//! (`actorId`, `eventSortDate`, `eventId`), an event its place's id (`placeId`), each with a composite
//! range index (`schema/constraints.cypher`) whose first property is the anchor. A page is then a
//! seek on the anchor's id read in index order up to its `LIMIT` (48 db hits). The keys are kept by
//! every writer of what they copy (`records::PARTICIPATION_KEYS`, `write::keys`) and filled in for
//! older graphs by a migration.
//!
//! Neo4j 5.26 provides a composite index's order only when `ORDER BY` names its properties from the
//! first: the anchor's id, equal on every row, leads the order for that reason alone.

use super::{render, tree::Window, Edge, SortKey, Vars, SCOPE_OF};
use crate::store::Cypher;

/// How one list is read from its index: the node the index holds, its properties, and whether the
/// event still has to be found from it.
pub(super) struct Seek {
    /// `(§r:Participation)` or `(§n:Event)`: the indexed node.
    pattern: &'static str,
    hint: &'static str,
    /// The anchor's id, the neighbour's sort key, and its id, on the indexed node.
    anchor: &'static str,
    pub key: &'static str,
    pub tie: &'static str,
    /// The indexed node is a participation: keep each event once (an actor in two roles meets it
    /// twice), then find the event by its id.
    through_participation: bool,
    /// Where the scope filter reads `collection`: a participation is in its event's collection.
    scope: fn(Vars) -> Vars,
}

impl Seek {
    /// The seek for a page of `edge` in `window`, when an index holds that order: an actor's or a
    /// place's events by date. Other orders (`sort: TITLE`) read every neighbour as before.
    pub(super) fn of(edge: Edge, window: &Window) -> Option<Seek> {
        if window.sort != SortKey::DateEarliest {
            return None;
        }
        match edge {
            Edge::ActorEvents => Some(Seek {
                pattern: "(§r:Participation)",
                hint: " USING INDEX §r:Participation(actorId, eventSortDate, eventId)",
                anchor: "§r.actorId",
                key: "§r.eventSortDate",
                tie: "§r.eventId",
                through_participation: true,
                scope: |v| Vars { n: v.r, ..v },
            }),
            Edge::PlaceEvents => Some(Seek {
                pattern: "(§n:Event)",
                hint: " USING INDEX §n:Event(placeId, sortDate, id)",
                anchor: "§n.placeId",
                key: "§n.sortDate",
                tie: "§n.id",
                through_participation: false,
                scope: |v| v,
            }),
            _ => None,
        }
    }

    /// `MATCH … WHERE <anchor> = §a.id AND …`: the rows of the index for the anchor, within the
    /// request's collections. The caller appends the window's own conditions (`only`, bounds).
    pub(super) fn matching(&self, out: &mut Cypher, vars: Vars) {
        out.push("MATCH ");
        render(out, self.pattern, vars);
        render(out, self.hint, vars);
        out.push(" WHERE ");
        render(out, self.anchor, vars);
        out.push(" = ");
        render(out, "§a.id", vars);
        // Every property of the index named: a composite index is only sought with a predicate on
        // each of them.
        for p in [self.key, self.tie] {
            out.push(" AND ");
            render(out, p, vars);
            out.push(" IS NOT NULL");
        }
        out.push(" AND ");
        render(out, SCOPE_OF, (self.scope)(vars));
    }

    /// `WITH … ORDER BY <anchor>, <key>, <tie> LIMIT …` (the limit is the caller's), then the event
    /// itself when the index held its participations. Binds `o<k>` to the key, as the generic page
    /// does.
    pub(super) fn order(&self, out: &mut Cypher, vars: Vars, k: usize, dir: &'static str) {
        if self.through_participation {
            out.push(" WITH DISTINCT ");
        } else {
            out.push(" WITH ");
            render(out, "§n, ", vars);
        }
        render(out, self.anchor, vars);
        out.push(" AS x").push(k).push(", ");
        render(out, self.key, vars);
        out.push(" AS o").push(k).push(", ");
        render(out, self.tie, vars);
        out.push(" AS i").push(k);
        out.push(" ORDER BY x").push(k).push(dir);
        out.push(", o").push(k).push(dir);
        out.push(", i").push(k).push(dir);
    }

    /// After the limit: the event of each kept participation, by the id index.
    pub(super) fn after_limit(&self, out: &mut Cypher, vars: Vars, k: usize) {
        if self.through_participation {
            out.push(" MATCH ");
            render(out, "(§n:Node {id: i", vars);
            out.push(k);
            render(out, "}) USING INDEX SEEK §n:Node(id)", vars);
        }
    }
}
