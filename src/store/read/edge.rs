//! The traversals the API offers from a node to its neighbours, each a fixed pattern of the code.

use super::SortKey;

/// A traversal the API offers from one node to its neighbours. The pattern text of each is fixed
/// here, so relationship types and labels only ever come from the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edge {
    EventParticipations,
    ActorParticipations,
    /// The events an actor took part in, with the role of each participation (one row per
    /// participation: an actor in two roles meets the event twice).
    ActorEvents,
    ParticipationActor,
    ParticipationEvent,
    EventPlace,
    PlaceEvents,
    PlaceParent,
    PlaceChildren,
    EventCounts,
    CountEvent,
    CountParent,
    CountBreakdown,
    ClaimsAbout,
    ClaimSubject,
    ClaimSource,
    SourceClaims,
    SourcePublisher,
    ActorPublications,
    SourceCites,
    SourceCitedBy,
    EventPartOf,
    EventParts,
    EventFollowedBy,
    EventPrecededBy,
    EventLedTo,
    EventCausedBy,
    ActorMemberOf,
    ActorMembers,
    ActorAnswersTo,
    ActorSubordinates,
    /// Every place the place lies within, nearest first.
    PlaceAncestors,
    /// An event's type, a participation's role: their taxonomy terms.
    EventTypeTerm,
    ParticipationRoleTerm,
}

impl Edge {
    /// `(a)` is the node we start from, `n` the neighbour, `r` the relationship (for its properties).
    pub(crate) fn pattern(self) -> &'static str {
        use Edge::*;
        match self {
            EventParticipations => "(§a)<-[§r:IN_EVENT]-(§n:Participation)",
            ActorParticipations => "(§a)-[§r:PARTICIPATES_AS]->(§n:Participation)",
            ActorEvents => "(§a)-[:PARTICIPATES_AS]->(§r:Participation)-[:IN_EVENT]->(§n:Event)",
            ParticipationActor => "(§a)<-[§r:PARTICIPATES_AS]-(§n:Actor)",
            ParticipationEvent => "(§a)-[§r:IN_EVENT]->(§n:Event)",
            EventPlace => "(§a)-[§r:AT]->(§n:Place)",
            PlaceEvents => "(§a)<-[§r:AT]-(§n:Event)",
            PlaceParent => "(§a)-[§r:WITHIN]->(§n:Place)",
            PlaceChildren => "(§a)<-[§r:WITHIN]-(§n:Place)",
            EventCounts => "(§a)<-[§r:COUNT_OF]-(§n:Count)",
            CountEvent => "(§a)-[§r:COUNT_OF]->(§n:Event)",
            CountParent => "(§a)-[§r:PART_OF]->(§n:Count)",
            CountBreakdown => "(§a)<-[§r:PART_OF]-(§n:Count)",
            ClaimsAbout => "(§a)<-[§r:ABOUT]-(§n:Claim)",
            ClaimSubject => "(§a)-[§r:ABOUT]->(§n)",
            ClaimSource => "(§a:Claim)-[§r:CITES]->(§n:Source)",
            SourceClaims => "(§a)<-[§r:CITES]-(§n:Claim)",
            SourcePublisher => "(§a)-[§r:PUBLISHED_BY]->(§n:Actor)",
            ActorPublications => "(§a)<-[§r:PUBLISHED_BY]-(§n:Source)",
            SourceCites => "(§a:Source)-[§r:CITES]->(§n:Source)",
            SourceCitedBy => "(§a:Source)<-[§r:CITES]-(§n:Source)",
            EventPartOf => "(§a:Event)-[§r:PART_OF]->(§n:Event)",
            EventParts => "(§a:Event)<-[§r:PART_OF]-(§n:Event)",
            EventFollowedBy => "(§a)-[§r:FOLLOWED_BY]->(§n:Event)",
            EventPrecededBy => "(§a)<-[§r:FOLLOWED_BY]-(§n:Event)",
            EventLedTo => "(§a)-[§r:LED_TO]->(§n:Event)",
            EventCausedBy => "(§a)<-[§r:LED_TO]-(§n:Event)",
            ActorMemberOf => "(§a)-[§r:MEMBER_OF]->(§n:Actor)",
            ActorMembers => "(§a)<-[§r:MEMBER_OF]-(§n:Actor)",
            ActorAnswersTo => "(§a)-[§r:ANSWERS_TO]->(§n:Actor)",
            ActorSubordinates => "(§a)<-[§r:ANSWERS_TO]-(§n:Actor)",
            // Bounded: place hierarchies are shallow, and a cycle must not make the query run away.
            PlaceAncestors => "(§a)-[§r:WITHIN*1..32]->(§n:Place)",
            // The term's id is derived from what identifies it (`records::term_id`).
            EventTypeTerm => "(§n:Node {id: §a.collection + ':term:event_type:' + §a.type})",
            ParticipationRoleTerm => {
                "(§n:Node {id: §a.collection + ':term:participant_role:' + §a.role})"
            }
        }
    }

    /// The label of the neighbours, when the edge leads to one kind of node only.
    pub fn target(self) -> Option<&'static str> {
        use Edge::*;
        Some(match self {
            EventParticipations | ActorParticipations => "Participation",
            ParticipationActor | SourcePublisher | ActorMemberOf | ActorMembers
            | ActorAnswersTo | ActorSubordinates => "Actor",
            ActorEvents | ParticipationEvent | PlaceEvents | CountEvent | EventPartOf
            | EventParts | EventFollowedBy | EventPrecededBy | EventLedTo | EventCausedBy => {
                "Event"
            }
            EventPlace | PlaceParent | PlaceChildren | PlaceAncestors => "Place",
            EventCounts | CountParent | CountBreakdown => "Count",
            ClaimsAbout | SourceClaims => "Claim",
            ClaimSource | ActorPublications | SourceCites | SourceCitedBy => "Source",
            EventTypeTerm | ParticipationRoleTerm => "Term",
            ClaimSubject => return None,
        })
    }

    /// The labels the neighbours can have.
    pub fn targets(self) -> &'static [&'static str] {
        match self {
            Edge::ClaimSubject => &["Event", "Participation", "Count"],
            _ => match self.target() {
                Some("Participation") => &["Participation"],
                Some("Actor") => &["Actor"],
                Some("Event") => &["Event"],
                Some("Place") => &["Place"],
                Some("Count") => &["Count"],
                Some("Claim") => &["Claim"],
                Some("Source") => &["Source"],
                Some("Term") => &["Term"],
                _ => &[],
            },
        }
    }

    /// What the neighbours are ordered by (then by id) when the list is not paged: the stored sort key
    /// of their label (see [`SortKey::of_label`]), so that no level sorts on a computed expression.
    pub(crate) fn order(self) -> &'static str {
        use Edge::*;
        match self {
            PlaceAncestors => "size(§r)",
            EventTypeTerm | ParticipationRoleTerm | ClaimSubject => "§n.id",
            _ => match self.target().and_then(SortKey::of_label) {
                Some(key) => key.template(),
                None => "§n.id",
            },
        }
    }

    /// The relationship properties returned with each neighbour, for the edges that have any (a
    /// citation's excerpt); the others return none, so no level reads them.
    pub(crate) fn edge_props(self) -> Option<&'static str> {
        match self {
            Edge::SourceCites | Edge::SourceCitedBy => Some("properties(§r)"),
            _ => None,
        }
    }

    /// Whether a node has at most one neighbour along the edge (an event's place, a claim's source):
    /// such a level needs no sort.
    pub(crate) fn to_one(self) -> bool {
        use Edge::*;
        matches!(
            self,
            ParticipationActor
                | ParticipationEvent
                | EventPlace
                | PlaceParent
                | CountEvent
                | CountParent
                | ClaimSource
                | SourcePublisher
                | EventTypeTerm
                | ParticipationRoleTerm
        )
    }

    /// Whether the pattern can reach one neighbour more than once (an actor in two roles meets the
    /// event twice), so that a list must keep each once.
    pub(crate) fn repeats(self) -> bool {
        matches!(self, Edge::ActorEvents)
    }
}
