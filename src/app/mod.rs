//! The application layer: every write, and every rule a write must pass, in one place.
//!
//! Data comes in two ways — GraphQL mutations (`crate::api`) and data files (`crate::import`) — and both
//! only translate their input into the *drafts* and *patches* defined here (the caller's values in the
//! model's shape, not yet checked) and call these functions. This layer then, once for both:
//!
//! 1. checks every value into a domain type ([`Check`]: which text is a line and which a paragraph,
//!    ids, term keys, URLs, language tags, fuzzy dates, figures), naming the field at fault relative to
//!    the record (`date.edtf`, `claims[0].excerpt`), so that each entry point only adds its own prefix
//!    (`input.`, `patch.`, `events[3].`) and the same mistake reads the same way through both;
//! 2. applies defaults (generated ids, a figure's unit) and the rules that differ by [`Origin`];
//! 3. builds the store's change set — which accepts only domain values — and runs it in one transaction.
//!
//! One file per kind of node, plus [`graph`] for what spans nodes (link, unlink, merge, delete) and
//! [`batch`] for a whole document. Where each kind of rule lives is listed in CONTRIBUTING.md.

pub mod actor;
pub mod batch;
pub mod claim;
pub mod collection;
pub mod count;
pub mod event;
pub mod graph;
pub mod participation;
pub mod place;
pub mod relation;
pub mod source;

mod check;

pub use check::{Check, DateDraft};

use futures::future::BoxFuture;

use crate::{
    domain::{NodeId, NodeKind, ValidationError},
    error::{AppError, AppResult},
    store::{
        read,
        records::NodeRecord,
        write::{self, ChangeSet},
        Db, Tx,
    },
};

/// Which way a write came in. Almost every rule is the same for both; the few that differ are methods
/// here, so that the whole list is in one place (and in docs/model.md, "Rules by entry point").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A GraphQL mutation: one node at a time, edited interactively.
    Api,
    /// A `casegraph/v1` data file: a whole collection, published as one reviewed unit.
    Import,
}

impl Origin {
    /// A file's facts (events, participations, counts) must each cite at least one claim: a dataset is
    /// read without its editor at hand, so an unsourced statement in it cannot be checked by anyone. A
    /// mutation may write a fact first and source it with `addClaim` in a second step; its
    /// `provenance` then shows it unsourced until it is.
    pub const fn facts_need_claims(self) -> bool {
        matches!(self, Origin::Import)
    }

    /// A file's claims and citations must quote the passage they rest on, for the same reason: the
    /// reader of a dataset checks the quote against the source. Interactively the excerpt may follow.
    pub const fn claims_need_excerpts(self) -> bool {
        matches!(self, Origin::Import)
    }
}

/// The first error of a check, placed under the entry point's prefix. Mutations report one error (the
/// first, in field order); the importer reports them all (see [`batch`]).
pub(crate) fn first_error(mut errors: Vec<ValidationError>, prefix: &str) -> AppError {
    if errors.is_empty() {
        return AppError::internal("a check failed without saying why");
    }
    errors.swap_remove(0).under(prefix).into()
}

/// Runs `body` in one write transaction (see [`Db::write`]).
///
/// Boxed on purpose, like [`reread`] and [`existing`]: async-graphql awaits every resolver inside one
/// generated dispatcher, and in debug builds that function's stack frame holds each resolver's future
/// side by side. With the database futures inline it came close to 1 MiB and overflowed the 2 MiB
/// threads tests run on; boxed, each resolver's future stays small.
pub(crate) fn in_transaction<'a, T: Send + 'a>(
    db: &'a Db,
    body: impl for<'t> Fn(&'t mut Tx) -> BoxFuture<'t, AppResult<T>> + Send + Sync + 'a,
) -> BoxFuture<'a, AppResult<T>> {
    Box::pin(db.write(body))
}

/// Runs a change set in one transaction, then reads the written node back.
pub(crate) async fn commit(db: &Db, cs: ChangeSet, id: &NodeId) -> AppResult<NodeRecord> {
    in_transaction(db, |tx| {
        let cs = cs.clone();
        Box::pin(async move { write::apply(tx, &cs).await })
    })
    .await?;
    reread(db, id.as_str()).await
}

/// Like [`commit`], for a patch computed from `before`: refused with `CONFLICT` if the node changed
/// since it was read (see `write::expect_unchanged`), so concurrent edits are never silently lost.
pub(crate) async fn commit_patch(
    db: &Db,
    cs: ChangeSet,
    before: NodeRecord,
) -> AppResult<NodeRecord> {
    let id = before.id().to_string();
    in_transaction(db, |tx| {
        let (cs, before) = (cs.clone(), before.clone());
        Box::pin(async move {
            write::expect_unchanged(tx, &before).await?;
            write::apply(tx, &cs).await
        })
    })
    .await?;
    reread(db, &id).await
}

pub(crate) fn reread<'a>(db: &'a Db, id: &'a str) -> BoxFuture<'a, AppResult<NodeRecord>> {
    Box::pin(async move {
        read::nodes_by_id(db, &[id.to_string()])
            .await?
            .remove(id)
            .ok_or_else(|| AppError::internal(format!("{id} vanished right after it was written")))
    })
}

/// Loads an existing node for a patch; `NOT_FOUND` (on `id`) if absent or of another kind.
pub(crate) async fn existing<T>(
    db: &Db,
    id: &str,
    kind: NodeKind,
    pick: fn(NodeRecord) -> Option<T>,
) -> AppResult<(NodeId, T)> {
    let key = NodeId::parse(id).map_err(|e| e.under("id"))?;
    let found = Box::pin(read::nodes_by_id(db, &[key.as_str().to_string()]))
        .await?
        .remove(key.as_str())
        .and_then(pick)
        .ok_or_else(|| AppError::not_found(kind, key.as_str(), "id"))?;
    Ok((key, found))
}

/// A stored name (a kind, a precision, a qualifier) parsed back; one we do not know is our data's
/// fault, not the caller's.
pub(crate) fn parse_stored<T: std::str::FromStr>(v: &str) -> AppResult<T> {
    v.parse()
        .map_err(|_| AppError::internal(format!("stored value {v:?} is not known")))
}

/// The value a patch gives for a field, or else the stored one.
pub(crate) fn given_or<T: Clone>(given: Option<T>, stored: &T) -> T {
    given.unwrap_or_else(|| stored.clone())
}

/// An optional text field of a patch: left out keeps the stored value, `""` removes it.
pub(crate) fn given_text_or(given: Option<String>, stored: &Option<String>) -> Option<String> {
    match given {
        None => stored.clone(),
        Some(v) if v.trim().is_empty() => None,
        Some(v) => Some(v),
    }
}
