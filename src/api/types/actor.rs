//! Actors: state bodies and their units, groups of people, persons, organisations, news outlets.

use async_graphql::{Context, Object, ID};

use super::{
    as_actor, as_participation, as_source, follow, follow_as, stored, Event, Participation, Source,
};
use crate::{
    domain::ActorKind,
    error::AppError,
    store::{
        read::Edge,
        records::{ActorRecord, NodeRecord},
    },
};

/// Someone who acts or is acted upon: the police, a court's press service, a ministry, "migrants from
/// Central Asia", a person, a news outlet.
#[derive(Clone)]
pub struct Actor(pub ActorRecord);

/// Someone who acts or is acted upon: the police, a court's press service, a ministry, "migrants from
/// Central Asia", a person, a news outlet.
#[Object]
impl Actor {
    /// The actor's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// What kind of actor this is.
    async fn kind(&self) -> Result<ActorKind, AppError> {
        stored(&self.0.kind, "actor kind")
    }
    /// The main name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Other names, spellings and transliterations.
    async fn aliases(&self) -> &[String] {
        &self.0.aliases
    }
    /// Who or what the actor is.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The actor's parts in events; `role` keeps only those with that role key.
    async fn participations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep only those with this role key (a `PARTICIPANT_ROLE` term).")]
        role: Option<String>,
    ) -> Result<Vec<Participation>, AppError> {
        let all = follow_as(ctx, Edge::ActorParticipations, &self.0.id, as_participation).await?;
        Ok(match role {
            None => all,
            Some(r) => all.into_iter().filter(|p| p.0.role == r).collect(),
        })
    }
    /// The events the actor took part in (in any role, or in `role`), each once, earliest first.
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep only those with this role key (a `PARTICIPANT_ROLE` term).")]
        role: Option<String>,
    ) -> Result<Vec<Event>, AppError> {
        let mut events: Vec<Event> = Vec::new();
        for linked in follow(ctx, Edge::ActorEvents, &self.0.id).await? {
            let in_role = match &role {
                None => true,
                Some(r) => linked.edge.get("role").and_then(|v| v.as_str()) == Some(r.as_str()),
            };
            if let NodeRecord::Event(e) = linked.node {
                if in_role && !events.iter().any(|x| x.0.id == e.id) {
                    events.push(Event(e));
                }
            }
        }
        Ok(events)
    }
    /// Bodies or groups the actor belongs to (a press service of the courts; men among the detainees).
    async fn member_of(&self, ctx: &Context<'_>) -> Result<Vec<Actor>, AppError> {
        follow_as(ctx, Edge::ActorMemberOf, &self.0.id, as_actor).await
    }
    /// Actors that belong to this one.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Actor>, AppError> {
        follow_as(ctx, Edge::ActorMembers, &self.0.id, as_actor).await
    }
    /// Bodies the actor answers to.
    async fn answers_to(&self, ctx: &Context<'_>) -> Result<Vec<Actor>, AppError> {
        follow_as(ctx, Edge::ActorAnswersTo, &self.0.id, as_actor).await
    }
    /// Actors that answer to this one.
    async fn subordinates(&self, ctx: &Context<'_>) -> Result<Vec<Actor>, AppError> {
        follow_as(ctx, Edge::ActorSubordinates, &self.0.id, as_actor).await
    }
    /// Sources the actor published (for news outlets and press services).
    async fn publications(&self, ctx: &Context<'_>) -> Result<Vec<Source>, AppError> {
        follow_as(ctx, Edge::ActorPublications, &self.0.id, as_source).await
    }
}

pub use filter::ActorFilter;

/// The list's filter, next to the type it lists: the GraphQL input and its translation into the
/// store's [`Filter`](crate::store::read::Filter)s, which carry domain values.
mod filter {
    use async_graphql::InputObject;

    use crate::domain::ActorKind;
    use crate::{error::AppError, store::read::Filter};

    /// Filters for `actors`.
    #[derive(InputObject, Default, Clone)]
    pub struct ActorFilter {
        /// Actor kinds.
        kinds: Option<Vec<ActorKind>>,
        /// Case-insensitive text in the name, aliases or description.
        text: Option<String>,
    }

    impl ActorFilter {
        /// The store's filters for these conditions.
        pub(crate) fn filters(self) -> Result<Vec<Filter>, AppError> {
            let f = self;
            let mut filters = Vec::new();
            if let Some(k) = &f.kinds {
                filters.push(Filter::ActorKinds(k.clone()));
            }
            super::super::text_filter(&f.text, &mut filters);
            Ok(filters)
        }
    }
}
