//! Events.

use async_graphql::{Context, Object, ID};

use super::{
    as_count, as_event, as_participation, as_place,
    date::FuzzyDateObject,
    follow_as, follow_one, load_node,
    provenance::{claims_of, provenance_of, Provenance},
    Claim, Count, Participation, Place, Term,
};
use crate::{
    domain::{ClaimStatus, FuzzyDate, Vocabulary},
    error::AppError,
    store::{
        read::Edge,
        records::{term_id, EventRecord},
    },
};

/// Something that happened: a raid, a detention, a recruitment offer, a charge … with its type, place,
/// fuzzy date, participants, figures and the claims it rests on.
#[derive(Clone)]
pub struct Event(pub EventRecord);

/// Something that happened: a raid, a detention, a recruitment offer, a charge … with its type, place,
/// fuzzy date, participants, figures and the claims it rests on.
#[Object]
impl Event {
    /// The event's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection it belongs to.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// The event type's key in the `EVENT_TYPE` taxonomy, e.g. `detention`.
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// The event type's taxonomy term, with its label and description.
    async fn type_term(&self, ctx: &Context<'_>) -> Result<Option<Term>, AppError> {
        let id = term_id(
            &self.0.collection,
            Vocabulary::EventType,
            &self.0.event_type,
        );
        Ok(load_node(ctx, &id).await?.and_then(super::as_term))
    }
    /// A short title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What happened, in the sources' terms.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// When it happened, as precisely as known.
    async fn date(&self) -> Result<FuzzyDateObject, AppError> {
        let d = FuzzyDate::from_stored(
            &self.0.date_edtf,
            self.0.date_inferred,
            self.0.date_basis.clone(),
        )
        .map_err(|e| AppError::internal(format!("stored date of {}: {e}", self.0.id)))?;
        Ok(FuzzyDateObject(d))
    }
    /// Where it happened.
    async fn place(&self, ctx: &Context<'_>) -> Result<Option<Place>, AppError> {
        follow_one(ctx, Edge::EventPlace, &self.0.id, as_place).await
    }
    /// Who took part and in what role; `role` keeps only participations with that role key.
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep only those with this role key (a `PARTICIPANT_ROLE` term).")]
        role: Option<String>,
    ) -> Result<Vec<Participation>, AppError> {
        let all = follow_as(ctx, Edge::EventParticipations, &self.0.id, as_participation).await?;
        Ok(match role {
            None => all,
            Some(r) => all.into_iter().filter(|p| p.0.role == r).collect(),
        })
    }
    /// Figures about the event, each as one source gives it.
    async fn counts(&self, ctx: &Context<'_>) -> Result<Vec<Count>, AppError> {
        follow_as(ctx, Edge::EventCounts, &self.0.id, as_count).await
    }
    /// The claims behind the event itself; `status` keeps only claims with these statuses.
    async fn claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Keep only claims with one of these statuses.")] status: Option<
            Vec<ClaimStatus>,
        >,
    ) -> Result<Vec<Claim>, AppError> {
        claims_of(ctx, &self.0.id, status).await
    }
    /// How well the event itself is sourced.
    async fn provenance(&self, ctx: &Context<'_>) -> Result<Provenance, AppError> {
        provenance_of(ctx, &self.0.id).await
    }
    /// Larger events this one is part of.
    async fn part_of(&self, ctx: &Context<'_>) -> Result<Vec<Event>, AppError> {
        follow_as(ctx, Edge::EventPartOf, &self.0.id, as_event).await
    }
    /// Events that are part of this one.
    async fn parts(&self, ctx: &Context<'_>) -> Result<Vec<Event>, AppError> {
        follow_as(ctx, Edge::EventParts, &self.0.id, as_event).await
    }
    /// Events that came next.
    async fn followed_by(&self, ctx: &Context<'_>) -> Result<Vec<Event>, AppError> {
        follow_as(ctx, Edge::EventFollowedBy, &self.0.id, as_event).await
    }
    /// Events that came before and were followed by this one.
    async fn preceded_by(&self, ctx: &Context<'_>) -> Result<Vec<Event>, AppError> {
        follow_as(ctx, Edge::EventPrecededBy, &self.0.id, as_event).await
    }
    /// Events this one led to (a causal link the sources make).
    async fn led_to(&self, ctx: &Context<'_>) -> Result<Vec<Event>, AppError> {
        follow_as(ctx, Edge::EventLedTo, &self.0.id, as_event).await
    }
    /// Events that led to this one.
    async fn caused_by(&self, ctx: &Context<'_>) -> Result<Vec<Event>, AppError> {
        follow_as(ctx, Edge::EventCausedBy, &self.0.id, as_event).await
    }
}
