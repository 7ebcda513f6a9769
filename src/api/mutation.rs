//! Mutations. Each one validates its input into domain values, builds a change set and applies it in
//! one transaction (see `store::write`): it fully happens or not at all. Upserts take a caller-supplied
//! stable id, so that re-sending the same input changes nothing.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use super::{db, types};
use crate::{
    domain::{
        ActorKind, ClaimStatus, Coordinates, CountQualifier, Figure, FigureParts, FuzzyDate,
        LocationPrecision, NodeId, NonEmptyText, PlaceKind, SourceKind, TermKey, ValidationError,
        Vocabulary,
    },
    error::{AppError, AppResult},
    store::{
        read::{self, Edge},
        records::{term_id, NodeRecord},
        write::{self, ChangeSet, Ident, LinkSet, NodeKind, Relation},
        Db, Tx,
    },
};
use futures::future::BoxFuture;

#[derive(Default)]
pub struct Mutation;

// ---------------------------------------------------------------------------------------------
// Inputs

/// A fuzzy date.
#[derive(InputObject, Clone)]
pub struct FuzzyDateInput {
    /// EDTF (ISO 8601-2 level 1): `2025-01-01`, `2024-12-31/2025-01-01`, `2024-12`, `2024~`, `2025-01?`,
    /// `../2025-01`, `2025-01-01/..`.
    edtf: String,
    /// The date is not stated by the source but worked out (then `basis` is required).
    #[graphql(default)]
    inferred: bool,
    /// What the date was inferred from.
    basis: Option<String>,
}

/// A WGS-84 position.
#[derive(InputObject, Clone)]
pub struct GeoPointInput {
    /// Degrees north, -90 to 90.
    latitude: f64,
    /// Degrees east, -180 to 180.
    longitude: f64,
}

/// A collection (an investigation or a dataset).
#[derive(InputObject)]
pub struct CollectionInput {
    /// The collection's stable id.
    id: ID,
    /// A human-readable name.
    name: String,
    /// What it holds and where it comes from.
    description: Option<String>,
}

/// A taxonomy term. Its id is derived from collection, vocabulary and key.
#[derive(InputObject)]
pub struct TermInput {
    /// The collection whose taxonomy gets the term.
    collection: ID,
    /// Which taxonomy.
    vocabulary: Vocabulary,
    /// Stable snake_case key, e.g. `contract_signing`.
    key: String,
    /// Human-readable label.
    label: String,
    /// What it means and when to use it.
    description: Option<String>,
}

/// A claim attached to the fact being written.
#[derive(InputObject, Clone)]
pub struct NestedClaimInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The source the claim cites.
    source: ID,
    /// The supporting passage, verbatim.
    excerpt: Option<String>,
    /// How far it can be relied on.
    status: ClaimStatus,
    /// A reviewer's note.
    note: Option<String>,
}

/// A claim: a source's support for an event, a participation or a count.
#[derive(InputObject)]
pub struct ClaimInput {
    /// Stable id (generated when omitted; an existing id is updated).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// The event, participation or count supported.
    about: ID,
    /// The source cited.
    source: ID,
    /// The supporting passage, verbatim.
    excerpt: Option<String>,
    /// How far it can be relied on.
    status: ClaimStatus,
    /// A reviewer's note.
    note: Option<String>,
}

/// An event. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct EventInput {
    /// Stable id (generated when omitted; an existing id is replaced).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// Event type key (an `EVENT_TYPE` term of the collection).
    #[graphql(name = "type")]
    event_type: String,
    /// Short title.
    title: String,
    /// What happened.
    description: Option<String>,
    /// When.
    date: FuzzyDateInput,
    /// Where (a place of the collection).
    place: Option<ID>,
    /// Larger events it is part of.
    #[graphql(default)]
    part_of: Vec<ID>,
    /// Events that followed.
    #[graphql(default)]
    followed_by: Vec<ID>,
    /// Events it led to.
    #[graphql(default)]
    led_to: Vec<ID>,
    /// Claims supporting the event (added or updated; other claims are kept).
    #[graphql(default)]
    claims: Vec<NestedClaimInput>,
}

/// Changes to an event: only the fields given change.
#[derive(InputObject, Default)]
pub struct EventPatch {
    /// New event type key.
    #[graphql(name = "type")]
    event_type: Option<String>,
    /// New title.
    title: Option<String>,
    /// New description.
    description: Option<String>,
    /// New date.
    date: Option<FuzzyDateInput>,
    /// New place.
    place: Option<ID>,
    /// Replace the events it is part of.
    part_of: Option<Vec<ID>>,
    /// Replace the events that followed.
    followed_by: Option<Vec<ID>>,
    /// Replace the events it led to.
    led_to: Option<Vec<ID>>,
}

/// An actor. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct ActorInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// What kind of actor.
    kind: ActorKind,
    /// Main name.
    name: String,
    /// Other names.
    #[graphql(default)]
    aliases: Vec<String>,
    /// Who or what it is.
    description: Option<String>,
    /// Bodies or groups it belongs to.
    #[graphql(default)]
    member_of: Vec<ID>,
    /// Bodies it answers to.
    #[graphql(default)]
    answers_to: Vec<ID>,
}

/// Changes to an actor: only the fields given change.
#[derive(InputObject, Default)]
pub struct ActorPatch {
    /// New kind.
    kind: Option<ActorKind>,
    /// New name.
    name: Option<String>,
    /// Replace the aliases.
    aliases: Option<Vec<String>>,
    /// New description.
    description: Option<String>,
    /// Replace the memberships.
    member_of: Option<Vec<ID>>,
    /// Replace the superiors.
    answers_to: Option<Vec<ID>>,
}

/// A place. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct PlaceInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// What kind of place.
    kind: PlaceKind,
    /// Main name.
    name: String,
    /// Other names.
    #[graphql(default)]
    aliases: Vec<String>,
    /// What the place is.
    description: Option<String>,
    /// The place it lies within.
    within: Option<ID>,
    /// Coordinates, where known.
    location: Option<GeoPointInput>,
    /// How precisely the position is known.
    precision: LocationPrecision,
}

/// Changes to a place: only the fields given change.
#[derive(InputObject, Default)]
pub struct PlacePatch {
    /// New kind.
    kind: Option<PlaceKind>,
    /// New name.
    name: Option<String>,
    /// Replace the aliases.
    aliases: Option<Vec<String>>,
    /// New description.
    description: Option<String>,
    /// New parent place.
    within: Option<ID>,
    /// New coordinates.
    location: Option<GeoPointInput>,
    /// New precision.
    precision: Option<LocationPrecision>,
}

/// One source citing another.
#[derive(InputObject, Clone)]
pub struct CitationInput {
    /// The cited source.
    source: ID,
    /// The passage that cites it.
    excerpt: Option<String>,
}

/// A source. Upserting replaces every field and relation given here.
#[derive(InputObject)]
pub struct SourceInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// What kind of source.
    kind: SourceKind,
    /// Title as published.
    title: String,
    /// Where it can be read (http or https).
    url: Option<String>,
    /// Language (BCP 47).
    language: Option<String>,
    /// Publication date.
    published: Option<FuzzyDateInput>,
    /// The outlet or body that published it (an actor).
    publisher: Option<ID>,
    /// Sources it cites.
    #[graphql(default)]
    cites: Vec<CitationInput>,
}

/// Changes to a source: only the fields given change.
#[derive(InputObject, Default)]
pub struct SourcePatch {
    /// New kind.
    kind: Option<SourceKind>,
    /// New title.
    title: Option<String>,
    /// New URL (http or https; `""` removes it).
    url: Option<String>,
    /// New language (BCP 47; `""` removes it).
    language: Option<String>,
    /// New publication date.
    published: Option<FuzzyDateInput>,
    /// New publisher (an actor).
    publisher: Option<ID>,
    /// Replace the sources it cites.
    cites: Option<Vec<CitationInput>>,
}

/// An actor's part in an event.
#[derive(InputObject)]
pub struct ParticipationInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// The event.
    event: ID,
    /// The actor.
    actor: ID,
    /// Role key (a `PARTICIPANT_ROLE` term of the collection).
    role: String,
    /// Details in the source's terms.
    description: Option<String>,
    /// Claims supporting the participation.
    #[graphql(default)]
    claims: Vec<NestedClaimInput>,
}

/// Changes to a participation: only the fields given change.
#[derive(InputObject, Default)]
pub struct ParticipationPatch {
    /// Move it to another event.
    event: Option<ID>,
    /// Move it to another actor.
    actor: Option<ID>,
    /// New role key.
    role: Option<String>,
    /// New description.
    description: Option<String>,
}

/// A figure about an event, as one source gives it.
#[derive(InputObject)]
pub struct CountInput {
    /// Stable id (generated when omitted).
    id: Option<ID>,
    /// The collection.
    collection: ID,
    /// The event counted.
    event: ID,
    /// What is counted, e.g. "people detained".
    subject: String,
    /// The figure, if one is given.
    value: Option<i64>,
    /// How it is qualified.
    qualifier: CountQualifier,
    /// Lower bound.
    lower: Option<i64>,
    /// Upper bound.
    upper: Option<i64>,
    /// Unit (default "person").
    unit: Option<String>,
    /// The sub-group counted.
    subgroup: Option<String>,
    /// The figure as worded by the source.
    wording: Option<String>,
    /// The larger figure this one breaks down.
    part_of: Option<ID>,
    /// Claims supporting the figure.
    #[graphql(default)]
    claims: Vec<NestedClaimInput>,
}

/// Changes to a figure: only the fields given change, and the figure they make must hold together
/// (bounds in order, the value inside them).
#[derive(InputObject, Default)]
pub struct CountPatch {
    /// New description of what is counted.
    subject: Option<String>,
    /// New figure (null removes it).
    value: MaybeUndefined<i64>,
    /// New qualifier.
    qualifier: Option<CountQualifier>,
    /// New lower bound (null removes it).
    lower: MaybeUndefined<i64>,
    /// New upper bound (null removes it).
    upper: MaybeUndefined<i64>,
    /// New unit.
    unit: Option<String>,
    /// New sub-group (`""` removes it).
    subgroup: Option<String>,
    /// New wording (`""` removes it).
    wording: Option<String>,
    /// New larger figure this one breaks down.
    part_of: Option<ID>,
}

/// The result of a delete.
#[derive(SimpleObject)]
pub struct DeletePayload {
    /// The id that was deleted.
    id: ID,
    /// How many nodes went with it (the node, its participations or counts, and the claims about them).
    deleted_nodes: i32,
}

/// The result of a link or unlink.
#[derive(SimpleObject)]
pub struct LinkPayload {
    /// Whether anything changed (false: the link was already there, or not there).
    changed: bool,
}

// ---------------------------------------------------------------------------------------------
// Validation helpers: input → domain values, with the field path of any error.

fn new_id(id: &Option<ID>, field: &str) -> AppResult<String> {
    match id {
        Some(id) => node_id(id, field),
        None => Ok(uuid::Uuid::now_v7().to_string()),
    }
}

fn node_id(id: &ID, field: &str) -> AppResult<String> {
    Ok(NodeId::parse(id.as_str())
        .map_err(|e| e.under(field))?
        .as_str()
        .to_string())
}

fn node_ids(ids: &[ID], field: &str) -> AppResult<Vec<String>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| node_id(id, &format!("{field}[{i}]")))
        .collect()
}

fn text(value: &str, field: &str) -> AppResult<String> {
    Ok(NonEmptyText::parse(value, field)?.into_string())
}

fn opt_text(value: &Option<String>, field: &str) -> AppResult<Option<String>> {
    value
        .as_deref()
        .map_or(Ok(None), |v| blank_or_text(v, field))
}

/// Text where blank means none (so that a patch clears an optional field with `""`).
fn blank_or_text(value: &str, field: &str) -> AppResult<Option<String>> {
    match value.trim() {
        "" => Ok(None),
        v => Ok(Some(text(v, field)?)),
    }
}

/// A name, a title, a label: one line (see `NonEmptyText::line`).
fn line(value: &str, field: &str) -> AppResult<String> {
    Ok(NonEmptyText::line(value, field)?.into_string())
}

/// A line where blank means none.
fn blank_or_line(value: &str, field: &str) -> AppResult<Option<String>> {
    match value.trim() {
        "" => Ok(None),
        v => Ok(Some(line(v, field)?)),
    }
}

fn lines(values: &[String], field: &str) -> AppResult<Vec<String>> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| line(v, &format!("{field}[{i}]")))
        .collect()
}

fn term_key(value: &str, field: &str) -> AppResult<String> {
    Ok(TermKey::parse(value)
        .map_err(|e| e.under(field))?
        .as_str()
        .to_string())
}

fn fuzzy(d: &FuzzyDateInput, field: &str) -> AppResult<FuzzyDate> {
    Ok(FuzzyDate::parse(&d.edtf, d.inferred, d.basis.as_deref()).map_err(|e| e.under(field))?)
}

fn coordinates(p: &Option<GeoPointInput>, field: &str) -> AppResult<Option<Coordinates>> {
    p.as_ref().map(|p| point(p, field)).transpose()
}

fn point(p: &GeoPointInput, field: &str) -> AppResult<Coordinates> {
    Ok(Coordinates::new(p.latitude, p.longitude).map_err(|e| e.under(field))?)
}

fn url(u: &Option<String>, field: &str) -> AppResult<Option<String>> {
    u.as_deref().map_or(Ok(None), |u| web_url(u, field))
}

/// A URL where blank means none.
fn web_url(u: &str, field: &str) -> AppResult<Option<String>> {
    match u.trim() {
        "" => Ok(None),
        u => Ok(Some(
            crate::domain::WebUrl::parse(u)
                .map_err(|e| e.under(field))?
                .as_str()
                .to_string(),
        )),
    }
}

fn language(l: &Option<String>, field: &str) -> AppResult<Option<String>> {
    l.as_deref().map_or(Ok(None), |l| language_tag(l, field))
}

/// A language tag where blank means none.
fn language_tag(l: &str, field: &str) -> AppResult<Option<String>> {
    match l.trim() {
        "" => Ok(None),
        l => Ok(Some(
            crate::domain::LanguageTag::parse(l)
                .map_err(|e| e.under(field))?
                .as_str()
                .to_string(),
        )),
    }
}

/// Citations as link targets: the cited source's id and the citing passage.
fn citations(cites: &[CitationInput], field: &str) -> AppResult<Vec<(String, Option<String>)>> {
    cites
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let f = format!("{field}[{i}]");
            Ok((
                node_id(&c.source, &format!("{f}.source"))?,
                opt_text(&c.excerpt, &format!("{f}.excerpt"))?,
            ))
        })
        .collect()
}

fn ident(id: String, collection: &ID, field: &str) -> AppResult<Ident> {
    Ok(Ident {
        id,
        collection: node_id(collection, &format!("{field}.collection"))?,
        field: field.to_string(),
    })
}

fn nested_claims(
    about: &str,
    collection: &str,
    claims: &[NestedClaimInput],
    field: &str,
) -> AppResult<Vec<write::ClaimWrite>> {
    claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let f = format!("{field}[{i}]");
            Ok(write::ClaimWrite {
                ident: Ident {
                    id: new_id(&c.id, &format!("{f}.id"))?,
                    collection: collection.to_string(),
                    field: f.clone(),
                },
                about: about.to_string(),
                source: node_id(&c.source, &format!("{f}.source"))?,
                excerpt: opt_text(&c.excerpt, &format!("{f}.excerpt"))?,
                status: c.status,
                note: opt_text(&c.note, &format!("{f}.note"))?,
            })
        })
        .collect()
}

/// The link set of a to-one relation that a patch replaces, when the patch gives a new target.
fn patched_target(
    relation: Relation,
    from: &str,
    given: Option<&ID>,
    field: &str,
) -> AppResult<Option<LinkSet>> {
    given
        .map(|to| Ok(link(relation, from, vec![node_id(to, field)?], field)))
        .transpose()
}

fn link(relation: Relation, from: &str, targets: Vec<String>, field: &str) -> LinkSet {
    LinkSet {
        relation,
        from: from.to_string(),
        targets: targets.into_iter().map(|t| (t, None)).collect(),
        field: field.to_string(),
    }
}

/// Runs `body` in one write transaction (see [`Db::write`]).
///
/// Boxed on purpose, like [`reread`] and [`existing`]: async-graphql awaits every resolver inside one
/// generated dispatcher, and in debug builds that function's stack frame holds each resolver's future
/// side by side. With the database futures inline it came close to 1 MiB and overflowed the 2 MiB
/// threads tests run on; boxed, each resolver's future stays small.
fn in_transaction<'a, T: Send + 'a>(
    db: &'a Db,
    body: impl for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, AppResult<T>> + Send + 'a,
) -> BoxFuture<'a, AppResult<T>> {
    Box::pin(db.write(body))
}

/// Runs a change set in one transaction, then reads the written node back.
async fn commit(ctx: &Context<'_>, cs: ChangeSet, id: &str) -> AppResult<NodeRecord> {
    let db = db(ctx);
    in_transaction(db, |tx| {
        Box::pin(async move { write::apply(tx, &cs).await })
    })
    .await?;
    reread(db, id).await
}

/// Like [`commit`], for a patch computed from `before`: refused with `CONFLICT` if the node changed
/// since it was read (see `write::expect_unchanged`), so concurrent edits are never silently lost.
async fn commit_patch(
    ctx: &Context<'_>,
    cs: ChangeSet,
    before: NodeRecord,
) -> AppResult<NodeRecord> {
    let db = db(ctx);
    let id = before.id().to_string();
    in_transaction(db, |tx| {
        Box::pin(async move {
            write::expect_unchanged(tx, &before).await?;
            write::apply(tx, &cs).await
        })
    })
    .await?;
    reread(db, &id).await
}

fn reread<'a>(db: &'a Db, id: &'a str) -> BoxFuture<'a, AppResult<NodeRecord>> {
    Box::pin(async move {
        read::nodes_by_id(db, &[id.to_string()])
            .await?
            .remove(id)
            .ok_or_else(|| AppError::internal(format!("{id} vanished right after it was written")))
    })
}

fn expect<T>(node: NodeRecord, pick: fn(NodeRecord) -> Option<T>) -> AppResult<T> {
    pick(node).ok_or_else(|| AppError::internal("a write returned a node of another kind"))
}

/// Loads an existing node for a patch; `NOT_FOUND` if absent or of another kind.
async fn existing<T>(
    ctx: &Context<'_>,
    id: &ID,
    kind: &'static str,
    pick: fn(NodeRecord) -> Option<T>,
) -> AppResult<T> {
    let key = node_id(id, "id")?;
    Box::pin(read::nodes_by_id(db(ctx), std::slice::from_ref(&key)))
        .await?
        .remove(&key)
        .and_then(pick)
        .ok_or_else(|| AppError::not_found(kind, key, "id"))
}

fn parse_stored<T: std::str::FromStr>(v: &str) -> AppResult<T> {
    v.parse()
        .map_err(|_| AppError::internal(format!("stored value {v:?} is not known")))
}

// ---------------------------------------------------------------------------------------------
// Patches: every field is the given value, validated under `patch.<field>`, or else the stored one.

/// One field of a patched node: `given` validated as `field`, or, when the patch leaves the field out,
/// the stored value. `stored` runs only then, so a stored value the patch replaces is never parsed.
fn patched<V: ?Sized, T>(
    given: Option<&V>,
    field: &str,
    validate: impl FnOnce(&V, &str) -> AppResult<T>,
    stored: impl FnOnce() -> AppResult<T>,
) -> AppResult<T> {
    match given {
        Some(v) => validate(v, field),
        None => stored(),
    }
}

/// The stored value, kept as it is (for [`patched`]).
fn kept<T: Clone>(stored: &T) -> impl FnOnce() -> AppResult<T> + '_ {
    move || Ok(stored.clone())
}

/// A stored enum name (a kind, a precision), parsed back (for [`patched`]).
fn kept_enum<T: std::str::FromStr>(stored: &str) -> impl FnOnce() -> AppResult<T> + '_ {
    move || parse_stored(stored)
}

/// A given enum value: GraphQL has already checked it (for [`patched`]).
fn chosen<T: Copy>(v: &T, _field: &str) -> AppResult<T> {
    Ok(*v)
}

/// A stored fuzzy date, rebuilt. One that no longer parses is our data's fault, not the caller's.
fn stored_date(
    id: &str,
    edtf: &str,
    inferred: bool,
    basis: &Option<String>,
) -> AppResult<FuzzyDate> {
    FuzzyDate::from_stored(edtf, inferred, basis.clone())
        .map_err(|e| AppError::internal(format!("stored date of {id}: {e}")))
}

/// The identity of a patched node: where it is, as stored.
fn patch_ident(id: &str, collection: &str) -> Ident {
    Ident {
        id: id.to_string(),
        collection: collection.to_string(),
        field: "patch".into(),
    }
}

/// The node that a structural relation of `id` points to (a participation's event or actor, a count's
/// event), which a patch must send again: `given` when the patch replaces it, else the current one, read
/// only then. Boxed like [`existing`].
fn relation_target<'a>(
    db: &'a Db,
    given: Option<String>,
    edge: Edge,
    id: &'a str,
) -> BoxFuture<'a, AppResult<String>> {
    Box::pin(async move {
        if let Some(target) = given {
            return Ok(target);
        }
        read::neighbours(db, edge, &[id.to_string()])
            .await?
            .remove(id)
            .and_then(|linked| linked.into_iter().next())
            .map(|l| l.node.id().to_string())
            .ok_or_else(|| AppError::internal(format!("{id} has no {edge:?}")))
    })
}

/// Validates a patched figure as a whole: a patch may make the stored numbers contradict each other.
/// The figure names the number it finds wrong; when the patch left that one alone (it raised `lower`
/// above the stored `value`), the fault is the changed field without which the figure would stand.
fn patched_figure(stored: &FigureParts, parts: FigureParts, given: &[&str]) -> AppResult<Figure> {
    let err = match Figure::new(parts.clone()) {
        Ok(figure) => return Ok(figure),
        Err(err) => err,
    };
    let at_fault = if given.contains(&err.field.as_str()) {
        None
    } else {
        given.iter().find(|field| {
            let mut trial = parts.clone();
            match **field {
                "value" => trial.value = stored.value,
                "qualifier" => trial.qualifier = stored.qualifier,
                "lower" => trial.lower = stored.lower,
                "upper" => trial.upper = stored.upper,
                "unit" => trial.unit = stored.unit.clone(),
                "wording" => trial.wording = stored.wording.clone(),
                _ => return false,
            }
            Figure::new(trial).err().as_ref() != Some(&err)
        })
    };
    let err = match at_fault {
        Some(field) => ValidationError::new(*field, err.message),
        None => err,
    };
    Err(err.under("patch").into())
}

/// A number of a figure patch: left out keeps the stored one, null removes it.
fn patched_number(given: &MaybeUndefined<i64>, stored: Option<i64>) -> Option<i64> {
    match given {
        MaybeUndefined::Undefined => stored,
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(v) => Some(*v),
    }
}

// ---------------------------------------------------------------------------------------------
// Change-set builders shared by upsert and update.

fn event_changes(id: String, i: &EventInput) -> AppResult<ChangeSet> {
    let f = "input";
    let ident = ident(id.clone(), &i.collection, f)?;
    let collection = ident.collection.clone();
    let mut cs = ChangeSet::default();
    cs.events.push(write::EventWrite {
        ident,
        event_type: term_key(&i.event_type, "input.type")?,
        title: line(&i.title, "input.title")?,
        description: opt_text(&i.description, "input.description")?,
        date: fuzzy(&i.date, "input.date")?,
    });
    let place = i
        .place
        .as_ref()
        .map(|p| node_id(p, "input.place"))
        .transpose()?;
    cs.links.push(link(
        Relation::EventAt,
        &id,
        place.into_iter().collect(),
        "input.place",
    ));
    cs.links.push(link(
        Relation::EventPartOf,
        &id,
        node_ids(&i.part_of, "input.partOf")?,
        "input.partOf",
    ));
    cs.links.push(link(
        Relation::EventFollowedBy,
        &id,
        node_ids(&i.followed_by, "input.followedBy")?,
        "input.followedBy",
    ));
    cs.links.push(link(
        Relation::EventLedTo,
        &id,
        node_ids(&i.led_to, "input.ledTo")?,
        "input.ledTo",
    ));
    cs.claims = nested_claims(&id, &collection, &i.claims, "input.claims")?;
    Ok(cs)
}

fn actor_changes(id: String, i: &ActorInput) -> AppResult<ChangeSet> {
    let mut cs = ChangeSet::default();
    cs.actors.push(write::ActorWrite {
        ident: ident(id.clone(), &i.collection, "input")?,
        kind: i.kind,
        name: line(&i.name, "input.name")?,
        aliases: lines(&i.aliases, "input.aliases")?,
        description: opt_text(&i.description, "input.description")?,
    });
    cs.links.push(link(
        Relation::ActorMemberOf,
        &id,
        node_ids(&i.member_of, "input.memberOf")?,
        "input.memberOf",
    ));
    cs.links.push(link(
        Relation::ActorAnswersTo,
        &id,
        node_ids(&i.answers_to, "input.answersTo")?,
        "input.answersTo",
    ));
    Ok(cs)
}

fn place_changes(id: String, i: &PlaceInput) -> AppResult<ChangeSet> {
    let mut cs = ChangeSet::default();
    cs.places.push(write::PlaceWrite {
        ident: ident(id.clone(), &i.collection, "input")?,
        kind: i.kind,
        name: line(&i.name, "input.name")?,
        aliases: lines(&i.aliases, "input.aliases")?,
        description: opt_text(&i.description, "input.description")?,
        location: coordinates(&i.location, "input.location")?,
        precision: i.precision,
    });
    let within = i
        .within
        .as_ref()
        .map(|p| node_id(p, "input.within"))
        .transpose()?;
    cs.links.push(link(
        Relation::PlaceWithin,
        &id,
        within.into_iter().collect(),
        "input.within",
    ));
    Ok(cs)
}

/// Writes. Each mutation is one transaction: it fully happens or not at all. Bad input gets
/// `BAD_USER_INPUT` with `extensions.field` naming the input at fault; unknown ids get `NOT_FOUND`.
#[Object]
impl Mutation {
    /// Creates or updates a collection.
    async fn upsert_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: CollectionInput,
    ) -> AppResult<types::Collection> {
        let id = node_id(&input.id, "input.id")?;
        let mut cs = ChangeSet::default();
        cs.collections.push(write::CollectionWrite {
            id: id.clone(),
            name: line(&input.name, "input.name")?,
            description: opt_text(&input.description, "input.description")?,
            field: "input".into(),
        });
        expect(commit(ctx, cs, &id).await?, types::as_collection)
    }

    /// Deletes a collection and everything in it.
    async fn delete_collection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Collection, id).await
    }

    /// Creates or updates a taxonomy term (an event type or a participant role).
    async fn upsert_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: TermInput,
    ) -> AppResult<types::Term> {
        let collection = node_id(&input.collection, "input.collection")?;
        let key = term_key(&input.key, "input.key")?;
        let id = term_id(&collection, input.vocabulary, &key);
        let mut cs = ChangeSet::default();
        cs.terms.push(write::TermWrite {
            collection,
            vocabulary: input.vocabulary,
            key,
            label: line(&input.label, "input.label")?,
            description: opt_text(&input.description, "input.description")?,
            field: "input".into(),
        });
        expect(commit(ctx, cs, &id).await?, types::as_term)
    }

    /// Deletes a term that nothing uses any more (`CONFLICT` otherwise).
    async fn delete_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Term, id).await
    }

    /// Creates or replaces an event (by `input.id`), with its place, relations and claims.
    async fn upsert_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: EventInput,
    ) -> AppResult<types::Event> {
        let id = new_id(&input.id, "input.id")?;
        let cs = event_changes(id.clone(), &input)?;
        expect(commit(ctx, cs, &id).await?, types::as_event)
    }

    /// Changes some fields of an event.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: EventPatch,
    ) -> AppResult<types::Event> {
        let current = existing(ctx, &id, "Event", types::as_event).await?.0;
        let mut cs = ChangeSet::default();
        cs.events.push(write::EventWrite {
            ident: patch_ident(&current.id, &current.collection),
            event_type: patched(
                patch.event_type.as_deref(),
                "patch.type",
                term_key,
                kept(&current.event_type),
            )?,
            title: patched(
                patch.title.as_deref(),
                "patch.title",
                line,
                kept(&current.title),
            )?,
            description: patched(
                patch.description.as_deref(),
                "patch.description",
                blank_or_text,
                kept(&current.description),
            )?,
            date: patched(patch.date.as_ref(), "patch.date", fuzzy, || {
                stored_date(
                    &current.id,
                    &current.date_edtf,
                    current.date_inferred,
                    &current.date_basis,
                )
            })?,
        });
        cs.links.extend(patched_target(
            Relation::EventAt,
            &current.id,
            patch.place.as_ref(),
            "patch.place",
        )?);
        for (rel, v, f) in [
            (Relation::EventPartOf, &patch.part_of, "patch.partOf"),
            (
                Relation::EventFollowedBy,
                &patch.followed_by,
                "patch.followedBy",
            ),
            (Relation::EventLedTo, &patch.led_to, "patch.ledTo"),
        ] {
            if let Some(v) = v {
                cs.links.push(link(rel, &current.id, node_ids(v, f)?, f));
            }
        }
        expect(
            commit_patch(ctx, cs, NodeRecord::Event(current)).await?,
            types::as_event,
        )
    }

    /// Deletes an event with its participations, its counts and every claim about them.
    async fn delete_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Event, id).await
    }

    /// Creates or replaces an actor (by `input.id`).
    async fn upsert_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: ActorInput,
    ) -> AppResult<types::Actor> {
        let id = new_id(&input.id, "input.id")?;
        let cs = actor_changes(id.clone(), &input)?;
        expect(commit(ctx, cs, &id).await?, types::as_actor)
    }

    /// Changes some fields of an actor.
    async fn update_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: ActorPatch,
    ) -> AppResult<types::Actor> {
        let current = existing(ctx, &id, "Actor", types::as_actor).await?.0;
        let mut cs = ChangeSet::default();
        cs.actors.push(write::ActorWrite {
            ident: patch_ident(&current.id, &current.collection),
            kind: patched(
                patch.kind.as_ref(),
                "patch.kind",
                chosen,
                kept_enum(&current.kind),
            )?,
            name: patched(
                patch.name.as_deref(),
                "patch.name",
                line,
                kept(&current.name),
            )?,
            aliases: patched(
                patch.aliases.as_deref(),
                "patch.aliases",
                lines,
                kept(&current.aliases),
            )?,
            description: patched(
                patch.description.as_deref(),
                "patch.description",
                blank_or_text,
                kept(&current.description),
            )?,
        });
        for (rel, v, f) in [
            (Relation::ActorMemberOf, &patch.member_of, "patch.memberOf"),
            (
                Relation::ActorAnswersTo,
                &patch.answers_to,
                "patch.answersTo",
            ),
        ] {
            if let Some(v) = v {
                cs.links.push(link(rel, &current.id, node_ids(v, f)?, f));
            }
        }
        expect(
            commit_patch(ctx, cs, NodeRecord::Actor(current)).await?,
            types::as_actor,
        )
    }

    /// Deletes an actor with its participations and the claims about them.
    async fn delete_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Actor, id).await
    }

    /// Creates or replaces a place (by `input.id`).
    async fn upsert_place(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: PlaceInput,
    ) -> AppResult<types::Place> {
        let id = new_id(&input.id, "input.id")?;
        let cs = place_changes(id.clone(), &input)?;
        expect(commit(ctx, cs, &id).await?, types::as_place)
    }

    /// Changes some fields of a place.
    async fn update_place(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: PlacePatch,
    ) -> AppResult<types::Place> {
        let current = existing(ctx, &id, "Place", types::as_place).await?.0;
        let mut cs = ChangeSet::default();
        cs.places.push(write::PlaceWrite {
            ident: patch_ident(&current.id, &current.collection),
            kind: patched(
                patch.kind.as_ref(),
                "patch.kind",
                chosen,
                kept_enum(&current.kind),
            )?,
            name: patched(
                patch.name.as_deref(),
                "patch.name",
                line,
                kept(&current.name),
            )?,
            aliases: patched(
                patch.aliases.as_deref(),
                "patch.aliases",
                lines,
                kept(&current.aliases),
            )?,
            description: patched(
                patch.description.as_deref(),
                "patch.description",
                blank_or_text,
                kept(&current.description),
            )?,
            location: patched(
                patch.location.as_ref(),
                "patch.location",
                |p, f| point(p, f).map(Some),
                || {
                    current
                        .location
                        .as_ref()
                        .map(|l| Coordinates::new(l.latitude, l.longitude))
                        .transpose()
                        .map_err(|e| {
                            AppError::internal(format!("stored location of {}: {e}", current.id))
                        })
                },
            )?,
            precision: patched(
                patch.precision.as_ref(),
                "patch.precision",
                chosen,
                kept_enum(&current.precision),
            )?,
        });
        cs.links.extend(patched_target(
            Relation::PlaceWithin,
            &current.id,
            patch.within.as_ref(),
            "patch.within",
        )?);
        expect(
            commit_patch(ctx, cs, NodeRecord::Place(current)).await?,
            types::as_place,
        )
    }

    /// Deletes a place; events there lose their place, places within it lose their parent.
    async fn delete_place(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Place, id).await
    }

    /// Creates or replaces a source (by `input.id`), with its publisher and citations.
    async fn upsert_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: SourceInput,
    ) -> AppResult<types::Source> {
        let id = new_id(&input.id, "input.id")?;
        let mut cs = ChangeSet::default();
        cs.sources.push(write::SourceWrite {
            ident: ident(id.clone(), &input.collection, "input")?,
            kind: input.kind,
            title: line(&input.title, "input.title")?,
            url: url(&input.url, "input.url")?,
            language: language(&input.language, "input.language")?,
            published: input
                .published
                .as_ref()
                .map(|d| fuzzy(d, "input.published"))
                .transpose()?,
        });
        let publisher = input
            .publisher
            .as_ref()
            .map(|p| node_id(p, "input.publisher"))
            .transpose()?;
        cs.links.push(link(
            Relation::SourcePublishedBy,
            &id,
            publisher.into_iter().collect(),
            "input.publisher",
        ));
        cs.links.push(LinkSet {
            relation: Relation::SourceCites,
            from: id.clone(),
            targets: citations(&input.cites, "input.cites")?,
            field: "input.cites".into(),
        });
        expect(commit(ctx, cs, &id).await?, types::as_source)
    }

    /// Changes some fields of a source; its publisher and citations change only when given.
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: SourcePatch,
    ) -> AppResult<types::Source> {
        let current = existing(ctx, &id, "Source", types::as_source).await?.0;
        let mut cs = ChangeSet::default();
        cs.sources.push(write::SourceWrite {
            ident: patch_ident(&current.id, &current.collection),
            kind: patched(
                patch.kind.as_ref(),
                "patch.kind",
                chosen,
                kept_enum(&current.kind),
            )?,
            title: patched(
                patch.title.as_deref(),
                "patch.title",
                line,
                kept(&current.title),
            )?,
            url: patched(
                patch.url.as_deref(),
                "patch.url",
                web_url,
                kept(&current.url),
            )?,
            language: patched(
                patch.language.as_deref(),
                "patch.language",
                language_tag,
                kept(&current.language),
            )?,
            published: patched(
                patch.published.as_ref(),
                "patch.published",
                |d, f| fuzzy(d, f).map(Some),
                || {
                    current
                        .published_edtf
                        .as_deref()
                        .map(|edtf| {
                            stored_date(
                                &current.id,
                                edtf,
                                current.published_inferred,
                                &current.published_basis,
                            )
                        })
                        .transpose()
                },
            )?,
        });
        cs.links.extend(patched_target(
            Relation::SourcePublishedBy,
            &current.id,
            patch.publisher.as_ref(),
            "patch.publisher",
        )?);
        if let Some(cites) = &patch.cites {
            cs.links.push(LinkSet {
                relation: Relation::SourceCites,
                from: current.id.clone(),
                targets: citations(cites, "patch.cites")?,
                field: "patch.cites".into(),
            });
        }
        expect(
            commit_patch(ctx, cs, NodeRecord::Source(current)).await?,
            types::as_source,
        )
    }

    /// Deletes a source that no claim cites (`CONFLICT` otherwise: re-rate or delete those claims first).
    async fn delete_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Source, id).await
    }

    /// Creates or replaces an actor's participation in an event, with its claims.
    async fn upsert_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: ParticipationInput,
    ) -> AppResult<types::Participation> {
        let id = new_id(&input.id, "input.id")?;
        let ident = ident(id.clone(), &input.collection, "input")?;
        let collection = ident.collection.clone();
        let mut cs = ChangeSet::default();
        cs.participations.push(write::ParticipationWrite {
            ident,
            event: node_id(&input.event, "input.event")?,
            actor: node_id(&input.actor, "input.actor")?,
            role: term_key(&input.role, "input.role")?,
            description: opt_text(&input.description, "input.description")?,
        });
        cs.claims = nested_claims(&id, &collection, &input.claims, "input.claims")?;
        expect(commit(ctx, cs, &id).await?, types::as_participation)
    }

    /// Changes some fields of a participation; it moves to another event or actor only when given.
    async fn update_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: ParticipationPatch,
    ) -> AppResult<types::Participation> {
        let current = existing(ctx, &id, "Participation", types::as_participation)
            .await?
            .0;
        let event = patch
            .event
            .as_ref()
            .map(|e| node_id(e, "patch.event"))
            .transpose()?;
        let actor = patch
            .actor
            .as_ref()
            .map(|a| node_id(a, "patch.actor"))
            .transpose()?;
        let role = patched(
            patch.role.as_deref(),
            "patch.role",
            term_key,
            kept(&current.role),
        )?;
        let description = patched(
            patch.description.as_deref(),
            "patch.description",
            blank_or_text,
            kept(&current.description),
        )?;
        // The write sets a participation's event and actor along with it, so the ones kept are read.
        let db = db(ctx);
        let (event, actor) = futures::try_join!(
            relation_target(db, event, Edge::ParticipationEvent, &current.id),
            relation_target(db, actor, Edge::ParticipationActor, &current.id),
        )?;
        let mut cs = ChangeSet::default();
        cs.participations.push(write::ParticipationWrite {
            ident: patch_ident(&current.id, &current.collection),
            event,
            actor,
            role,
            description,
        });
        expect(
            commit_patch(ctx, cs, NodeRecord::Participation(current)).await?,
            types::as_participation,
        )
    }

    /// Deletes a participation and the claims about it.
    async fn delete_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Participation, id).await
    }

    /// Creates or replaces a figure about an event, with its claims.
    async fn upsert_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: CountInput,
    ) -> AppResult<types::Count> {
        let id = new_id(&input.id, "input.id")?;
        let ident = ident(id.clone(), &input.collection, "input")?;
        let collection = ident.collection.clone();
        let figure = Figure::new(FigureParts {
            value: input.value,
            qualifier: input.qualifier,
            lower: input.lower,
            upper: input.upper,
            unit: input.unit.clone().unwrap_or_else(|| "person".into()),
            wording: input.wording.clone(),
        })
        .map_err(|e| e.under("input"))?;
        let mut cs = ChangeSet::default();
        cs.counts.push(write::CountWrite {
            ident,
            event: node_id(&input.event, "input.event")?,
            subject: line(&input.subject, "input.subject")?,
            figure,
            subgroup: input
                .subgroup
                .as_deref()
                .map_or(Ok(None), |v| blank_or_line(v, "input.subgroup"))?,
        });
        let parent = input
            .part_of
            .as_ref()
            .map(|p| node_id(p, "input.partOf"))
            .transpose()?;
        cs.links.push(link(
            Relation::CountPartOf,
            &id,
            parent.into_iter().collect(),
            "input.partOf",
        ));
        cs.claims = nested_claims(&id, &collection, &input.claims, "input.claims")?;
        expect(commit(ctx, cs, &id).await?, types::as_count)
    }

    /// Changes some fields of a figure; its parent figure changes only when given. The figure is checked
    /// as a whole, so a bound moved past the stored value is refused on that bound.
    async fn update_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The fields to change; fields left out keep their value.")]
        patch: CountPatch,
    ) -> AppResult<types::Count> {
        let current = existing(ctx, &id, "Count", types::as_count).await?.0;
        let stored = FigureParts {
            value: current.value,
            qualifier: parse_stored(&current.qualifier)?,
            lower: current.lower,
            upper: current.upper,
            unit: current.unit.clone(),
            wording: current.wording.clone(),
        };
        let parts = FigureParts {
            value: patched_number(&patch.value, stored.value),
            qualifier: patch.qualifier.unwrap_or(stored.qualifier),
            lower: patched_number(&patch.lower, stored.lower),
            upper: patched_number(&patch.upper, stored.upper),
            unit: patch.unit.clone().unwrap_or_else(|| stored.unit.clone()),
            wording: patch.wording.clone().or_else(|| stored.wording.clone()),
        };
        let given: Vec<&str> = [
            ("value", !patch.value.is_undefined()),
            ("qualifier", patch.qualifier.is_some()),
            ("lower", !patch.lower.is_undefined()),
            ("upper", !patch.upper.is_undefined()),
            ("unit", patch.unit.is_some()),
            ("wording", patch.wording.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, is_given)| is_given.then_some(field))
        .collect();
        let figure = patched_figure(&stored, parts, &given)?;
        let subject = patched(
            patch.subject.as_deref(),
            "patch.subject",
            line,
            kept(&current.subject),
        )?;
        let subgroup = patched(
            patch.subgroup.as_deref(),
            "patch.subgroup",
            blank_or_line,
            kept(&current.subgroup),
        )?;
        let part_of = patched_target(
            Relation::CountPartOf,
            &current.id,
            patch.part_of.as_ref(),
            "patch.partOf",
        )?;
        // The write sets a figure's event along with it, so the current one is read.
        let event = relation_target(db(ctx), None, Edge::CountEvent, &current.id).await?;
        let mut cs = ChangeSet::default();
        cs.counts.push(write::CountWrite {
            ident: patch_ident(&current.id, &current.collection),
            event,
            subject,
            figure,
            subgroup,
        });
        cs.links.extend(part_of);
        expect(
            commit_patch(ctx, cs, NodeRecord::Count(current)).await?,
            types::as_count,
        )
    }

    /// Deletes a figure and the claims about it.
    async fn delete_count(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Count, id).await
    }

    /// Adds a claim (or updates one, by `input.id`).
    async fn add_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The values to write.")] input: ClaimInput,
    ) -> AppResult<types::Claim> {
        let id = new_id(&input.id, "input.id")?;
        let mut cs = ChangeSet::default();
        cs.claims.push(write::ClaimWrite {
            ident: ident(id.clone(), &input.collection, "input")?,
            about: node_id(&input.about, "input.about")?,
            source: node_id(&input.source, "input.source")?,
            excerpt: opt_text(&input.excerpt, "input.excerpt")?,
            status: input.status,
            note: opt_text(&input.note, "input.note")?,
        });
        expect(commit(ctx, cs, &id).await?, types::as_claim)
    }

    /// Re-rates a claim: wrong claims are marked `DISPUTED` or `RETRACTED`, not deleted.
    async fn rate_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
        #[graphql(desc = "The claim's new status.")] status: ClaimStatus,
        #[graphql(desc = "Why (kept with the claim).")] note: Option<String>,
    ) -> AppResult<types::Claim> {
        let key = node_id(&id, "id")?;
        let note = opt_text(&note, "note")?;
        let k = key.clone();
        in_transaction(db(ctx), |tx| {
            Box::pin(async move { write::rate_claim(tx, &k, status, note).await })
        })
        .await?;
        expect(reread(db(ctx), &key).await?, types::as_claim)
    }

    /// Deletes a claim entered by mistake. (A claim that turned out wrong should be re-rated instead.)
    async fn delete_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's id.")] id: ID,
    ) -> AppResult<DeletePayload> {
        delete(ctx, NodeKind::Claim, id).await
    }

    /// Adds one relationship. For relations that allow one target (an event's place, a place's parent,
    /// a source's publisher, a figure's parent), the new target replaces the old one.
    async fn link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which relationship.")] relation: Relation,
        #[graphql(desc = "The id of the node the relationship starts from.")] from: ID,
        #[graphql(desc = "The id of the node the relationship points to.")] to: ID,
        #[graphql(desc = "The citing passage (for SOURCE_CITES).")] excerpt: Option<String>,
    ) -> AppResult<LinkPayload> {
        let (from, to) = (node_id(&from, "from")?, node_id(&to, "to")?);
        let excerpt = opt_text(&excerpt, "excerpt")?;
        let changed = in_transaction(db(ctx), |tx| {
            Box::pin(async move { write::link_one(tx, relation, &from, &to, excerpt, false).await })
        })
        .await?;
        Ok(LinkPayload { changed })
    }

    /// Removes one relationship.
    async fn unlink(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which relationship.")] relation: Relation,
        #[graphql(desc = "The id of the node the relationship starts from.")] from: ID,
        #[graphql(desc = "The id of the node the relationship points to.")] to: ID,
    ) -> AppResult<LinkPayload> {
        let (from, to) = (node_id(&from, "from")?, node_id(&to, "to")?);
        let changed = in_transaction(db(ctx), |tx| {
            Box::pin(async move { write::link_one(tx, relation, &from, &to, None, true).await })
        })
        .await?;
        Ok(LinkPayload { changed })
    }

    /// Merges a duplicate actor into another: participations, memberships, publications move over; the
    /// duplicate's names become aliases; the duplicate is deleted.
    async fn merge_actors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of the node that stays.")] keep: ID,
        #[graphql(desc = "The id of the duplicate: merged into `keep`, then deleted.")]
        duplicate: ID,
    ) -> AppResult<types::Actor> {
        merge(ctx, NodeKind::Actor, keep, duplicate)
            .await
            .and_then(|n| expect(n, types::as_actor))
    }

    /// Merges a duplicate place into another: events, sub-places and names move over.
    async fn merge_places(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of the node that stays.")] keep: ID,
        #[graphql(desc = "The id of the duplicate: merged into `keep`, then deleted.")]
        duplicate: ID,
    ) -> AppResult<types::Place> {
        merge(ctx, NodeKind::Place, keep, duplicate)
            .await
            .and_then(|n| expect(n, types::as_place))
    }
}

async fn delete(ctx: &Context<'_>, kind: NodeKind, id: ID) -> AppResult<DeletePayload> {
    let key = node_id(&id, "id")?;
    let k = key.clone();
    let deleted_nodes = in_transaction(db(ctx), |tx| {
        Box::pin(async move { write::delete_node(tx, kind, &k).await })
    })
    .await?;
    Ok(DeletePayload {
        id: ID(key),
        // Saturating: GraphQL's `Int` is 32-bit, and no collection comes near that.
        deleted_nodes: i32::try_from(deleted_nodes).unwrap_or(i32::MAX),
    })
}

async fn merge(
    ctx: &Context<'_>,
    kind: NodeKind,
    keep: ID,
    duplicate: ID,
) -> AppResult<NodeRecord> {
    let (keep, duplicate) = (node_id(&keep, "keep")?, node_id(&duplicate, "duplicate")?);
    let (k, d) = (keep.clone(), duplicate.clone());
    in_transaction(db(ctx), |tx| {
        Box::pin(async move { write::merge_nodes(tx, kind, &k, &d).await })
    })
    .await?;
    reread(db(ctx), &keep).await
}
