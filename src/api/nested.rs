//! Nested lists that grow with the data (`Actor.events`, `Place.children`, an event's claims …) are
//! connections like the root lists: the same `first`/`after`/`last`/`before`, the same default and
//! largest page size, a sort on the neighbours' stored sort key and opaque keyset cursors. Their page
//! is cut inside the read plan's statement (`store::read::tree`); this module turns a field's
//! arguments into that page's [`Window`] — the same way for the plan, which sees the arguments in the
//! selection, and for the resolver, which gets them typed, so that the resolver finds what the plan
//! read — and the page back into a connection.

use async_graphql::{
    connection::{Connection, Edge as RelayEdge},
    Context, InputType, Name, OutputType, SelectionField, Value,
};

use super::{
    loaders::EdgeKey,
    pagination::{bounds, encode, Bounds, ListConnection, ListExtra, PageArgs},
    query::SortDirection,
    types::{loader, EventSort},
};
use crate::{
    config::GraphqlLimits,
    domain::ClaimStatus,
    error::AppError,
    store::{
        read::{
            tree::{Only, Window},
            Edge, Linked, Position, SortKey,
        },
        records::NodeRecord,
    },
};

/// A nested list's arguments, as received.
#[derive(Default, Clone)]
pub struct NestedArgs {
    pub page: PageArgs,
    /// For lists of events: what to sort them by (default: date).
    pub sort: Option<EventSort>,
    pub direction: Option<SortDirection>,
    /// `role` (participations, an actor's events).
    pub role: Option<String>,
    /// `status` (claims).
    pub status: Option<Vec<ClaimStatus>>,
}

impl NestedArgs {
    /// Only the page (lists with no sort or filter of their own besides the direction).
    pub fn page(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        NestedArgs {
            page: PageArgs {
                first,
                after,
                last,
                before,
            },
            ..Default::default()
        }
    }

    pub fn direction(self, direction: Option<SortDirection>) -> Self {
        NestedArgs { direction, ..self }
    }

    pub fn sort(self, sort: Option<EventSort>) -> Self {
        NestedArgs { sort, ..self }
    }

    pub fn role(self, role: Option<String>) -> Self {
        NestedArgs { role, ..self }
    }

    pub fn status(self, status: Option<Vec<ClaimStatus>>) -> Self {
        NestedArgs { status, ..self }
    }

    /// The same arguments read from a field of the selection (variables already applied). Anything
    /// that does not parse is left out: the resolver reports it.
    fn of(field: &SelectionField<'_>) -> Self {
        let args: Vec<(Name, Value)> = field.arguments().unwrap_or_default();
        fn arg<T: InputType>(args: &[(Name, Value)], name: &str) -> Option<T> {
            let value = args.iter().find(|(n, _)| n.as_str() == name)?.1.clone();
            T::parse(Some(value)).ok()
        }
        NestedArgs {
            page: PageArgs {
                first: arg(&args, "first"),
                after: arg(&args, "after"),
                last: arg(&args, "last"),
                before: arg(&args, "before"),
            },
            sort: arg(&args, "sort"),
            direction: arg(&args, "direction"),
            role: arg(&args, "role"),
            status: arg(&args, "status"),
        }
    }

    /// The page to read of the neighbours (with label `target`), and whether its total is wanted.
    fn window(
        &self,
        target: &str,
        total: bool,
        limits: &GraphqlLimits,
    ) -> Result<Window, AppError> {
        let Bounds {
            limit,
            from_end,
            after,
            before,
        } = bounds(&self.page, limits)?;
        let sort = match (target, self.sort) {
            ("Event", Some(EventSort::Title)) => SortKey::Title,
            _ => SortKey::of_label(target).unwrap_or(SortKey::Name),
        };
        let only = match (&self.role, &self.status) {
            (Some(role), _) => Some(Only::Role(role.clone())),
            (None, Some(statuses)) => Some(Only::Statuses(
                statuses.iter().map(|s| s.as_str().to_string()).collect(),
            )),
            (None, None) => None,
        };
        Ok(Window {
            sort,
            descending: self.direction.unwrap_or_default() == SortDirection::Desc,
            after,
            before,
            limit,
            from_end,
            only,
            total,
        })
    }
}

/// Whether a connection field asks for its total.
fn wants_total<'a>(fields: impl Iterator<Item = SelectionField<'a>>) -> bool {
    fields.into_iter().any(|f| f.name() == "totalCount")
}

/// The window the plan reads for a paged field of the selection, when its arguments are valid.
pub(crate) fn planned_window(
    ctx: &Context<'_>,
    edge: Edge,
    field: &SelectionField<'_>,
) -> Option<Window> {
    let target = edge.target()?;
    let total = wants_total(field.selection_set());
    NestedArgs::of(field)
        .window(target, total, ctx.data_unchecked::<GraphqlLimits>())
        .ok()
}

/// The selections below a connection field's items: its `edges { node }` and `nodes`.
pub(crate) fn item_selections<'a>(field: &SelectionField<'a>) -> Vec<SelectionField<'a>> {
    let mut out = Vec::new();
    for f in field.selection_set() {
        match f.name() {
            "edges" => out.extend(f.selection_set().filter(|n| n.name() == "node")),
            "nodes" => out.push(f),
            _ => {}
        }
    }
    out
}

/// A page of the neighbours of `id` along `edge`, as a connection: from the request's cache when the
/// plan read it, else read now (one statement for every parent asking for the same page).
pub(crate) async fn page<T: OutputType>(
    ctx: &Context<'_>,
    edge: Edge,
    id: &str,
    args: NestedArgs,
    pick: fn(NodeRecord) -> Option<T>,
) -> Result<ListConnection<T>, AppError> {
    page_linked(ctx, edge, id, args, |linked| pick(linked.node)).await
}

/// [`page`] for lists whose items carry the relationship's properties as well as the neighbour (a
/// citation and its excerpt): `pick` gets both.
pub(crate) async fn page_linked<T: OutputType>(
    ctx: &Context<'_>,
    edge: Edge,
    id: &str,
    args: NestedArgs,
    pick: impl Fn(Linked) -> Option<T>,
) -> Result<ListConnection<T>, AppError> {
    let target = edge
        .target()
        .ok_or_else(|| AppError::internal(format!("{edge:?} has no single target")))?;
    let total = wants_total(ctx.field().selection_set());
    let window = args.window(target, total, ctx.data_unchecked::<GraphqlLimits>())?;
    let listed = loader(ctx)
        .load_one(EdgeKey(edge, Some(window.clone()), id.to_string()))
        .await?
        .unwrap_or_default();
    let (has_previous, has_next) = if window.from_end {
        (listed.has_more, window.before.is_some())
    } else {
        (window.after.is_some(), listed.has_more)
    };
    let mut connection: Connection<String, T, ListExtra> =
        Connection::with_additional_fields(has_previous, has_next, ListExtra::Nested(listed.total));
    for mut linked in listed.items {
        let cursor = encode(&Position {
            key: linked.key.take(),
            id: linked.node.id().to_string(),
        });
        if let Some(item) = pick(linked) {
            connection.edges.push(RelayEdge::new(cursor, item));
        }
    }
    Ok(connection)
}
