//! Writes. Every mutation and every import hands the store a [`ChangeSet`] of validated domain values
//! (built by `crate::app`) and [`apply`] runs it inside one transaction: it fully happens or not at all.
//! The types here hold only domain values — ids, non-empty text, term keys, URLs, language tags, fuzzy
//! dates, figures — so nothing unchecked can reach a statement; and statements are built from static
//! fragments only (see [`super::Statement`]), so a value can only travel as a parameter.
//!
//! The order inside [`apply`] is what keeps writes whole: check that ids are not taken by another kind
//! or collection ([`guards`]); upsert the nodes, one `UNWIND` statement per kind ([`nodes`]); then check
//! every reference (after the upserts, so that a change set may refer to its own new nodes); then set
//! the relationships ([`links`]). Any failure aborts the transaction. Deletes, merges and the
//! lost-update guard of patches are in [`deletes`], [`merges`] and [`guards`].

pub mod bulk;
pub mod csv;
mod deletes;
pub mod event_dates;
mod fresh;
mod guards;
mod links;
mod merges;
mod nodes;
mod regions;
mod relation_evidence;

pub use deletes::delete_node;
pub use fresh::apply_bulk;
pub use guards::expect_unchanged;
pub(in crate::store) use links::rel_type as rel_type_of;
pub use links::{link_one, LinkMode};
pub use merges::merge_nodes;
/// The region relationships' statements, for the `EXPLAIN` test.
pub use regions::statements_for_explain as region_statements;
pub(crate) use regions::{settle as settle_regions, RegionScope};
/// The relation-evidence statements, for the `EXPLAIN` test.
pub use relation_evidence::statements_for_explain as relation_evidence_statements;
pub use relation_evidence::{apply_relation_evidence, relation_id};

use serde::Serialize;

use super::Tx;
use crate::{
    domain::{
        ActorKind, ClaimStatus, Coordinates, Figure, FuzzyDate, LanguageTag, LocationPrecision,
        NodeId, NonEmptyText, PlaceKind, Relation, SourceKind, TermKey, Vocabulary, WebUrl,
    },
    error::{AppError, AppResult},
};

/// A node's identity in a change set: its id, collection, and the input field that named it (for errors).
#[derive(Debug, Clone)]
pub struct Ident {
    pub id: NodeId,
    pub collection: NodeId,
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct CollectionWrite {
    pub id: NodeId,
    pub name: NonEmptyText,
    pub description: Option<NonEmptyText>,
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct TermWrite {
    pub collection: NodeId,
    pub vocabulary: Vocabulary,
    pub key: TermKey,
    pub label: NonEmptyText,
    pub description: Option<NonEmptyText>,
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct ActorWrite {
    pub ident: Ident,
    pub kind: ActorKind,
    pub name: NonEmptyText,
    pub aliases: Vec<NonEmptyText>,
    pub description: Option<NonEmptyText>,
}

#[derive(Debug, Clone)]
pub struct PlaceWrite {
    pub ident: Ident,
    pub kind: PlaceKind,
    pub name: NonEmptyText,
    pub aliases: Vec<NonEmptyText>,
    pub description: Option<NonEmptyText>,
    pub location: Option<Coordinates>,
    pub precision: LocationPrecision,
}

#[derive(Debug, Clone)]
pub struct SourceWrite {
    pub ident: Ident,
    pub kind: SourceKind,
    pub title: NonEmptyText,
    pub url: Option<WebUrl>,
    pub language: Option<LanguageTag>,
    pub published: Option<FuzzyDate>,
}

#[derive(Debug, Clone)]
pub struct EventWrite {
    pub ident: Ident,
    pub event_type: TermKey,
    pub title: NonEmptyText,
    pub description: Option<NonEmptyText>,
    pub date: FuzzyDate,
}

#[derive(Debug, Clone)]
pub struct ParticipationWrite {
    pub ident: Ident,
    pub event: NodeId,
    pub actor: NodeId,
    pub role: TermKey,
    pub description: Option<NonEmptyText>,
}

#[derive(Debug, Clone)]
pub struct CountWrite {
    pub ident: Ident,
    pub event: NodeId,
    pub subject: NonEmptyText,
    pub figure: Figure,
    pub subgroup: Option<NonEmptyText>,
}

#[derive(Debug, Clone)]
pub struct ClaimWrite {
    pub ident: Ident,
    /// The event, participation or count the claim supports.
    pub about: NodeId,
    pub source: NodeId,
    pub excerpt: Option<NonEmptyText>,
    pub status: ClaimStatus,
    pub note: Option<NonEmptyText>,
}

/// "The outgoing `relation` of `from` is exactly `targets`": a re-import or an upsert replaces the set,
/// touching only what differs. Each target may carry an excerpt (citations).
#[derive(Debug, Clone)]
pub struct LinkSet {
    pub relation: Relation,
    pub from: NodeId,
    pub targets: Vec<(NodeId, Option<NonEmptyText>)>,
    /// The input field that listed the targets (for errors).
    pub field: String,
}

/// A claim about a relation (see [`RelationEvidenceWrite`]). Its collection is the relation's.
#[derive(Debug, Clone)]
pub struct RelationClaimWrite {
    pub id: NodeId,
    pub source: NodeId,
    pub excerpt: Option<NonEmptyText>,
    pub status: ClaimStatus,
    pub note: Option<NonEmptyText>,
    /// The input field that gave the claim (for errors).
    pub field: String,
}

/// What one relation rests on: claims citing sources, and/or the analyst's reasoning where it was
/// drawn without a source. The relation itself must exist (drawn by a link set of the same change set,
/// or stored).
#[derive(Debug, Clone)]
pub struct RelationEvidenceWrite {
    pub relation: Relation,
    pub from: NodeId,
    pub to: NodeId,
    /// When given, the relation's ends must be in this collection (a claim names its collection).
    pub collection: Option<NodeId>,
    pub claims: Vec<RelationClaimWrite>,
    /// The analyst's reasoning for a relation no source states.
    pub inference: Option<NonEmptyText>,
    /// Whether `inference` replaces what is stored even when absent (a file says everything about the
    /// relation), or only sets it when given (a mutation adds to what is there).
    pub replace: bool,
    /// The input field that named the relation (for errors).
    pub field: String,
}

/// Everything one mutation or one import writes.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub collections: Vec<CollectionWrite>,
    pub terms: Vec<TermWrite>,
    pub actors: Vec<ActorWrite>,
    pub places: Vec<PlaceWrite>,
    pub sources: Vec<SourceWrite>,
    pub events: Vec<EventWrite>,
    pub participations: Vec<ParticipationWrite>,
    pub counts: Vec<CountWrite>,
    pub claims: Vec<ClaimWrite>,
    pub links: Vec<LinkSet>,
    /// Evidence for relations, written after the links (see [`RelationEvidenceWrite`]).
    pub relation_evidence: Vec<RelationEvidenceWrite>,
}

impl ChangeSet {
    /// Adds `other`'s writes to this one (a bulk import gathers each checked record's into its batch).
    pub fn append(&mut self, other: ChangeSet) {
        self.collections.extend(other.collections);
        self.terms.extend(other.terms);
        self.actors.extend(other.actors);
        self.places.extend(other.places);
        self.sources.extend(other.sources);
        self.events.extend(other.events);
        self.participations.extend(other.participations);
        self.counts.extend(other.counts);
        self.claims.extend(other.claims);
        self.links.extend(other.links);
        self.relation_evidence.extend(other.relation_evidence);
    }
}

/// What an apply wrote, by kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub collections: usize,
    pub terms: usize,
    pub actors: usize,
    pub places: usize,
    pub sources: usize,
    pub events: usize,
    pub participations: usize,
    pub counts: usize,
    pub claims: usize,
    pub links: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} collection(s), {} term(s), {} actor(s), {} place(s), {} source(s), {} event(s), {} participation(s), {} count(s), {} claim(s), {} relation set(s)",
            self.collections, self.terms, self.actors, self.places, self.sources, self.events, self.participations, self.counts, self.claims, self.links
        )
    }
}

/// Applies a change set inside the caller's transaction.
pub async fn apply(tx: &mut Tx, cs: &ChangeSet) -> AppResult<Summary> {
    guards::check_scope(tx, cs)?;
    guards::check_identities(tx, cs).await?;
    nodes::upsert_all(tx, cs).await?;
    guards::check_references(tx, cs).await?;
    let mut moved = regions::Moved::events_of(cs);
    moved.extend(links::apply_link_sets(tx, &cs.links, LinkMode::Replace).await?);
    apply_relation_evidence(tx, &cs.relation_evidence).await?;
    // Last: the events' regions are read from their dates, places and the hierarchy as written.
    regions::refresh(tx, moved).await?;
    Ok(summary(cs))
}

/// What applying `cs` writes, by kind.
fn summary(cs: &ChangeSet) -> Summary {
    Summary {
        collections: cs.collections.len(),
        terms: cs.terms.len(),
        actors: cs.actors.len(),
        places: cs.places.len(),
        sources: cs.sources.len(),
        events: cs.events.len(),
        participations: cs.participations.len(),
        counts: cs.counts.len(),
        claims: cs.claims.len(),
        links: cs.links.len(),
    }
}

/// Re-rates a claim (and optionally its note). Claims are never deleted for being wrong: they are
/// marked `DISPUTED` or `RETRACTED`.
pub async fn rate_claim(
    tx: &mut Tx,
    id: &NodeId,
    status: ClaimStatus,
    note: Option<NonEmptyText>,
) -> AppResult<()> {
    let updated: Vec<String> = tx
        .rows(
            super::Statement::new(
                "MATCH (n:Node {id: $id}) USING INDEX SEEK n:Node(id) WHERE n:Claim AND ($collections IS NULL OR n.collection IN $collections) \
             SET n.status = $status, n.note = coalesce($note, n.note), n.ratedAt = datetime() RETURN n.id AS row",
            )
            .param("id", id)
            .param("status", status.as_str())
            .param("note", note),
        )
        .await?;
    if updated.is_empty() {
        return Err(AppError::not_found(
            crate::domain::NodeKind::Claim,
            id.as_str(),
            "id",
        ));
    }
    Ok(())
}
