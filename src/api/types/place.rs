//! Places, in a hierarchy.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::{as_event, as_place, follow_as, follow_one, stored, Event, EventSort};
use crate::{
    api::{
        nested::{self, NestedArgs},
        pagination::ListConnection,
        query::SortDirection,
    },
    domain::{LocationPrecision, PlaceKind},
    error::AppError,
    store::{read::Edge, records::PlaceRecord},
};

/// A place: a country, a city, a district, a police station, a detention centre … Places lie within
/// places; a filter on a place includes everything within it.
#[derive(Clone)]
pub struct Place(pub PlaceRecord);

/// A WGS-84 coordinate pair.
#[derive(SimpleObject)]
pub struct GeoPoint {
    /// Degrees north (negative: south).
    latitude: f64,
    /// Degrees east (negative: west).
    longitude: f64,
}

/// A place: a country, a city, a district, a police station, a detention centre … Places lie within
/// places; a filter on a place includes everything within it.
#[Object]
impl Place {
    /// The place's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// What kind of place this is.
    async fn kind(&self) -> Result<PlaceKind, AppError> {
        stored(&self.0.kind, "place kind")
    }
    /// The main name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Other names and spellings.
    async fn aliases(&self) -> &[String] {
        &self.0.aliases
    }
    /// What the place is, in the sources' terms.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Coordinates, where known.
    async fn location(&self) -> Option<GeoPoint> {
        self.0.location.as_ref().map(|l| GeoPoint {
            latitude: l.latitude,
            longitude: l.longitude,
        })
    }
    /// How precisely the place's position is known (e.g. only to the city).
    async fn precision(&self) -> Result<LocationPrecision, AppError> {
        stored(&self.0.precision, "location precision")
    }
    /// The place this one lies directly within.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Place>, AppError> {
        follow_one(ctx, Edge::PlaceParent, &self.0.id, as_place).await
    }
    /// Every place this one lies within, nearest first.
    async fn ancestors(&self, ctx: &Context<'_>) -> Result<Vec<Place>, AppError> {
        follow_as(ctx, Edge::PlaceAncestors, &self.0.id, as_place).await
    }
    /// Places directly within this one.
    #[allow(clippy::too_many_arguments)]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort direction by name (default: ascending).")] direction: Option<
            SortDirection,
        >,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Place>, AppError> {
        let args = NestedArgs::page(first, after, last, before).direction(direction);
        nested::page(ctx, Edge::PlaceChildren, &self.0.id, args, as_place).await
    }
    /// Events that happened at this very place (use `events(filter: {place:})` to include places within).
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Sort key (default: date).")] sort: Option<EventSort>,
        #[graphql(desc = "Sort direction (default: ascending).")] direction: Option<SortDirection>,
        #[graphql(desc = "Page size from the start (or from `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or from `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> Result<ListConnection<Event>, AppError> {
        let args = NestedArgs::page(first, after, last, before)
            .direction(direction)
            .sort(sort);
        nested::page(ctx, Edge::PlaceEvents, &self.0.id, args, as_event).await
    }
}

pub use filter::PlaceFilter;

/// The list's filter, next to the type it lists: the GraphQL input and its translation into the
/// store's [`Filter`](crate::store::read::Filter)s, which carry domain values.
mod filter {
    use async_graphql::{InputObject, ID};

    use crate::domain::PlaceKind;
    use crate::{error::AppError, store::read::Filter};

    /// Filters for `places`.
    #[derive(InputObject, Default, Clone)]
    pub struct PlaceFilter {
        /// Place kinds.
        kinds: Option<Vec<PlaceKind>>,
        /// Keep this place and everything within it.
        within: Option<ID>,
        /// Case-insensitive text in the name, aliases or description.
        text: Option<String>,
    }

    impl PlaceFilter {
        /// The store's filters for these conditions.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(k) = &f.kinds {
                filters.push(Filter::PlaceKinds(k.clone()));
            }
            if let Some(w) = &f.within {
                filters.push(Filter::PlaceWithinPlace(w.to_string()));
            }
            super::super::text_filter(&f.text, &mut filters);
            Ok(filters)
        }
    }
}
