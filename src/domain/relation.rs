//! The kinds of node and the relations a caller may set between them, with the rules that belong to
//! the model rather than to any one way of writing: which relations take one target, and which must
//! never go round in a circle. How they are spelt in Cypher is the store's business.

/// The kinds of node in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Collection,
    Term,
    Event,
    Actor,
    Place,
    Source,
    Participation,
    Count,
    Claim,
}

stored_names!(NodeKind {
    Collection => "Collection",
    Term => "Term",
    Event => "Event",
    Actor => "Actor",
    Place => "Place",
    Source => "Source",
    Participation => "Participation",
    Count => "Count",
    Claim => "Claim",
});

impl NodeKind {
    /// The facts a claim can be about: the reified statements of the model.
    pub const FACTS: &'static [NodeKind] =
        &[NodeKind::Event, NodeKind::Participation, NodeKind::Count];

    /// The label the node carries in Neo4j (besides `Node`): the kind's own name.
    pub const fn label(self) -> &'static str {
        self.as_str()
    }

    /// This kind as a list of one, for errors that name what an id had to be.
    pub const fn alone(self) -> &'static [NodeKind] {
        match self {
            NodeKind::Collection => &[NodeKind::Collection],
            NodeKind::Term => &[NodeKind::Term],
            NodeKind::Event => &[NodeKind::Event],
            NodeKind::Actor => &[NodeKind::Actor],
            NodeKind::Place => &[NodeKind::Place],
            NodeKind::Source => &[NodeKind::Source],
            NodeKind::Participation => &[NodeKind::Participation],
            NodeKind::Count => &[NodeKind::Count],
            NodeKind::Claim => &[NodeKind::Claim],
        }
    }

    /// "Event", "Event, Participation or Count", or "node" for any kind at all.
    pub fn describe(kinds: &[NodeKind]) -> String {
        match kinds {
            [] => "node".into(),
            all if all.len() == NodeKind::ALL.len() => "node".into(),
            [one] => one.as_str().into(),
            [init @ .., last] => format!(
                "{} or {}",
                init.iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                last.as_str()
            ),
        }
    }
}

/// The relationships a caller may set between nodes (the structural ones — participation, count,
/// claim — are set by those nodes' own writes).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    async_graphql::Enum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Relation {
    /// Event → Place: where the event happened (at most one).
    EventAt,
    /// Place → Place: the place lies within the other (at most one parent).
    PlaceWithin,
    /// Event → Event: part of a larger event.
    EventPartOf,
    /// Event → Event: followed by the other.
    EventFollowedBy,
    /// Event → Event: led to (caused) the other.
    EventLedTo,
    /// Actor → Actor: belongs to (a unit of a body; a sub-group of a group).
    ActorMemberOf,
    /// Actor → Actor: answers to (is subordinate to).
    ActorAnswersTo,
    /// Source → Actor: published by (at most one publisher).
    SourcePublishedBy,
    /// Source → Source: cites, with the citing passage as excerpt.
    SourceCites,
    /// Count → Count: a breakdown of the other figure (at most one).
    CountPartOf,
}

/// What the model says about one relation: which kinds it joins, whether a node has at most one
/// target, and whether a chain of it must never come back to where it started (a hierarchy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationRule {
    pub from: NodeKind,
    pub to: NodeKind,
    pub to_one: bool,
    pub acyclic: bool,
}

impl Relation {
    pub const ALL: &'static [Relation] = &[
        Relation::EventAt,
        Relation::PlaceWithin,
        Relation::EventPartOf,
        Relation::EventFollowedBy,
        Relation::EventLedTo,
        Relation::ActorMemberOf,
        Relation::ActorAnswersTo,
        Relation::SourcePublishedBy,
        Relation::SourceCites,
        Relation::CountPartOf,
    ];

    /// The rules of this relation, as one table.
    pub const fn rule(self) -> RelationRule {
        use NodeKind::*;
        let (from, to, to_one, acyclic) = match self {
            Relation::EventAt => (Event, Place, true, false),
            Relation::PlaceWithin => (Place, Place, true, true),
            Relation::EventPartOf => (Event, Event, false, true),
            Relation::EventFollowedBy => (Event, Event, false, false),
            Relation::EventLedTo => (Event, Event, false, false),
            Relation::ActorMemberOf => (Actor, Actor, false, true),
            Relation::ActorAnswersTo => (Actor, Actor, false, true),
            Relation::SourcePublishedBy => (Source, Actor, true, false),
            Relation::SourceCites => (Source, Source, false, false),
            Relation::CountPartOf => (Count, Count, true, true),
        };
        RelationRule {
            from,
            to,
            to_one,
            acyclic,
        }
    }

    pub const fn is_to_one(self) -> bool {
        self.rule().to_one
    }

    /// Whether the relation states something about the world, and so can rest on claims (or be marked
    /// as the analyst's inference) like a fact. A citation carries its own citing passage, and a
    /// breakdown of a figure is sourced by the figures' own claims: neither takes evidence of its own.
    pub const fn takes_evidence(self) -> bool {
        !matches!(self, Relation::SourceCites | Relation::CountPartOf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchies_are_acyclic_and_sequences_are_not() {
        for r in Relation::ALL {
            let rule = r.rule();
            let hierarchy = matches!(
                r,
                Relation::PlaceWithin
                    | Relation::EventPartOf
                    | Relation::ActorMemberOf
                    | Relation::ActorAnswersTo
                    | Relation::CountPartOf
            );
            assert_eq!(rule.acyclic, hierarchy, "{r:?}");
        }
    }

    #[test]
    fn relations_about_the_world_take_evidence_and_bookkeeping_does_not() {
        let without: Vec<_> = Relation::ALL
            .iter()
            .filter(|r| !r.takes_evidence())
            .collect();
        assert_eq!(without, [&Relation::SourceCites, &Relation::CountPartOf]);
        assert_eq!(
            serde_json::to_string(&Relation::EventLedTo).unwrap(),
            "\"EVENT_LED_TO\""
        );
    }

    #[test]
    fn node_kind_names_are_their_labels() {
        for k in NodeKind::ALL {
            assert_eq!(k.label().parse::<NodeKind>().unwrap(), *k);
        }
    }
}
