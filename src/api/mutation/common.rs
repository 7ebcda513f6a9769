//! What several kinds' mutations share: dates, positions, nested claims, and the payloads of deletes
//! and links.

use async_graphql::{Context, InputObject, SimpleObject, ID};

use crate::{
    app::{self, claim::ClaimDraft, DateDraft},
    config::GraphqlLimits,
    domain::{ClaimStatus, NodeKind},
    error::{AppError, AppResult},
    store::records::NodeRecord,
};

/// A fuzzy date.
#[derive(InputObject, Clone)]
pub struct FuzzyDateInput {
    /// EDTF (ISO 8601-2 level 1): `2025-01-01`, `2024-12-31/2025-01-01`, `2024-12`, `2024~`, `2025-01?`,
    /// `../2025-01`, `2025-01-01/..`.
    pub(super) edtf: String,
    /// The date is not stated by the source but worked out (then `basis` is required).
    #[graphql(default)]
    pub(super) inferred: bool,
    /// What the date was inferred from.
    pub(super) basis: Option<String>,
}

/// A WGS-84 position.
#[derive(InputObject, Clone)]
pub struct GeoPointInput {
    /// Degrees north, -90 to 90.
    pub(super) latitude: f64,
    /// Degrees east, -180 to 180.
    pub(super) longitude: f64,
}

/// A claim attached to the fact being written.
#[derive(InputObject, Clone)]
pub struct NestedClaimInput {
    /// Stable id (generated when omitted).
    pub(super) id: Option<ID>,
    /// The source the claim cites.
    pub(super) source: ID,
    /// The supporting passage, verbatim.
    pub(super) excerpt: Option<String>,
    /// How far it can be relied on.
    pub(super) status: ClaimStatus,
    /// A reviewer's note.
    pub(super) note: Option<String>,
}

/// The result of a delete.
#[derive(SimpleObject)]
pub struct DeletePayload {
    /// The id that was deleted.
    pub(super) id: ID,
    /// How many nodes went with it (the node, its participations or counts, and the claims about them).
    pub(super) deleted_nodes: i32,
}

/// The result of a link or unlink.
#[derive(SimpleObject)]
pub struct LinkPayload {
    /// Whether anything changed (false: the link was already there, or not there).
    pub(super) changed: bool,
}

impl From<FuzzyDateInput> for DateDraft {
    fn from(d: FuzzyDateInput) -> Self {
        DateDraft {
            edtf: d.edtf,
            inferred: d.inferred,
            basis: d.basis,
        }
    }
}

impl From<GeoPointInput> for (f64, f64) {
    fn from(p: GeoPointInput) -> Self {
        (p.latitude, p.longitude)
    }
}

impl From<NestedClaimInput> for ClaimDraft {
    fn from(c: NestedClaimInput) -> Self {
        ClaimDraft {
            id: c.id.map(|id| id.0),
            source: c.source.0,
            excerpt: c.excerpt,
            status: c.status,
            note: c.note,
        }
    }
}

pub(super) fn claims(claims: Vec<NestedClaimInput>) -> Vec<ClaimDraft> {
    claims.into_iter().map(ClaimDraft::from).collect()
}

pub(super) fn ids(ids: Vec<ID>) -> Vec<String> {
    ids.into_iter().map(|id| id.0).collect()
}

/// The written node as the GraphQL type the mutation returns.
pub(super) fn expect<T>(node: NodeRecord, pick: fn(NodeRecord) -> Option<T>) -> AppResult<T> {
    pick(node).ok_or_else(|| AppError::internal("a write returned a node of another kind"))
}

/// Deletes a node of `kind` (for every `delete…` mutation).
pub(super) async fn delete(ctx: &Context<'_>, kind: NodeKind, id: ID) -> AppResult<DeletePayload> {
    let max = ctx.data_unchecked::<GraphqlLimits>().max_delete_nodes;
    let (id, deleted_nodes) = app::graph::delete(super::super::db(ctx), kind, &id, max).await?;
    Ok(DeletePayload {
        id: ID(id),
        // Saturating: GraphQL's `Int` is 32-bit, and no collection comes near that.
        deleted_nodes: i32::try_from(deleted_nodes).unwrap_or(i32::MAX),
    })
}
