//! GraphQL object types, one file per kind of node. Each wraps the store's record and resolves its
//! relationships through the request's DataLoader (never with a query of its own).

pub mod actor;
pub mod date;
pub mod event;
pub mod place;
pub mod provenance;
pub mod source;
pub mod taxonomy;

use std::str::FromStr;

use async_graphql::{Context, Interface, ID};

use crate::{
    api::loaders::{EdgeKey, Loaders, NodeKey},
    error::AppError,
    store::{
        read::{Edge, Linked},
        records::NodeRecord,
    },
};

pub use actor::{Actor, ActorFilter};
pub use event::{Event, EventFilter, EventSort};
pub use place::{Place, PlaceFilter};
pub use provenance::{
    Claim, ClaimFilter, Count, CountFilter, Fact, Participation, ParticipationFilter,
};
pub use source::{Source, SourceFilter};
pub use taxonomy::{Collection, Term};

/// Any object with a global id (Relay's `Node`): fetch it again with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The global, stable id of this object."))]
pub enum Node {
    Event(Event),
    Actor(Actor),
    Place(Place),
    Source(Source),
    Participation(Participation),
    Count(Count),
    Claim(Claim),
    Term(Term),
    Collection(Collection),
}

impl From<NodeRecord> for Node {
    fn from(r: NodeRecord) -> Self {
        match r {
            NodeRecord::Event(r) => Node::Event(Event(r)),
            NodeRecord::Actor(r) => Node::Actor(Actor(r)),
            NodeRecord::Place(r) => Node::Place(Place(r)),
            NodeRecord::Source(r) => Node::Source(Source(r)),
            NodeRecord::Participation(r) => Node::Participation(Participation(r)),
            NodeRecord::Count(r) => Node::Count(Count(r)),
            NodeRecord::Claim(r) => Node::Claim(Claim(r)),
            NodeRecord::Term(r) => Node::Term(Term(r)),
            NodeRecord::Collection(r) => Node::Collection(Collection(r)),
        }
    }
}

pub(crate) fn loader<'a>(ctx: &Context<'a>) -> &'a Loaders {
    // Attached per request by `api::attach_request_data`, shared by every request of a batch.
    ctx.data_unchecked::<std::sync::Arc<Loaders>>()
}

/// The neighbours of `id` along `edge`, batched with every other such request in this tick.
pub(crate) async fn follow(
    ctx: &Context<'_>,
    edge: Edge,
    id: &str,
) -> Result<Vec<Linked>, AppError> {
    Ok(loader(ctx)
        .load_one(EdgeKey(edge, None, id.to_string()))
        .await?
        .unwrap_or_default()
        .items)
}

/// Neighbours of one kind, unwrapped into their GraphQL type.
pub(crate) async fn follow_as<T>(
    ctx: &Context<'_>,
    edge: Edge,
    id: &str,
    pick: fn(NodeRecord) -> Option<T>,
) -> Result<Vec<T>, AppError> {
    Ok(follow(ctx, edge, id)
        .await?
        .into_iter()
        .filter_map(|l| pick(l.node))
        .collect())
}

/// The first neighbour of one kind (for to-one relationships such as an event's place).
pub(crate) async fn follow_one<T>(
    ctx: &Context<'_>,
    edge: Edge,
    id: &str,
    pick: fn(NodeRecord) -> Option<T>,
) -> Result<Option<T>, AppError> {
    Ok(follow_as(ctx, edge, id, pick).await?.into_iter().next())
}

/// A node by id, batched.
pub(crate) async fn load_node(ctx: &Context<'_>, id: &str) -> Result<Option<NodeRecord>, AppError> {
    loader(ctx).load_one(NodeKey(id.to_string())).await
}

/// Parses a value the store holds as its SCREAMING_SNAKE_CASE name. A failure means stored data that
/// this version of the code does not know: an internal error, not the caller's.
pub(crate) fn stored<T: FromStr>(value: &str, what: &str) -> Result<T, AppError> {
    value
        .parse()
        .map_err(|_| AppError::internal(format!("stored {what} {value:?} is not known")))
}

macro_rules! picker {
    ($name:ident, $variant:ident, $ty:ident) => {
        pub(crate) fn $name(r: NodeRecord) -> Option<$ty> {
            match r {
                NodeRecord::$variant(r) => Some($ty(r)),
                _ => None,
            }
        }
    };
}
picker!(as_event, Event, Event);
picker!(as_actor, Actor, Actor);
picker!(as_place, Place, Place);
picker!(as_source, Source, Source);
picker!(as_participation, Participation, Participation);
picker!(as_count, Count, Count);
picker!(as_claim, Claim, Claim);
picker!(as_term, Term, Term);
picker!(as_collection, Collection, Collection);

/// A text condition of any list's filter: blank means none.
pub(crate) fn text_filter(t: &Option<String>, out: &mut Vec<crate::store::read::Filter>) {
    if let Some(t) = t.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        out.push(crate::store::read::Filter::Text(t.to_string()));
    }
}
