//! Reading what relations rest on: the claims anchored to a relationship's stored id
//! (`Claim.aboutRelation`, indexed) and the analyst's inference on the relationship itself. See
//! [`super::write::apply_relation_evidence`] for the model.

use serde::Deserialize;
use serde_json::Value;

use super::{cypher, records::NodeRecord, records::NODE_PROJECTION, Db, Statement};
use crate::{
    domain::Relation,
    error::{AppError, AppResult},
    store::records::ClaimRecord,
};

/// What one stored relation rests on.
#[derive(Debug, Clone)]
pub struct RelationEvidenceRecord {
    pub relation: Relation,
    pub from: String,
    pub to: String,
    /// The relationship's stored id (set when it was drawn; older relationships may have none).
    pub id: Option<String>,
    /// The analyst's reasoning, for a relation drawn without a source.
    pub inference: Option<String>,
    pub claims: Vec<ClaimRecord>,
}

#[derive(Deserialize)]
struct Row {
    id: Option<String>,
    inference: Option<String>,
    claims: Vec<Value>,
}

/// The statement reading one relation's evidence: both ends through the `Node(id)` index, the
/// relationship between them, and its claims by a seek on `Claim(aboutRelation)`.
pub fn statement(relation: Relation, from: &str, to: &str) -> Statement {
    let rule = relation.rule();
    cypher!(
        "MATCH (a:Node {id: $from}) USING INDEX SEEK a:Node(id) WHERE a:",
        rule.from.label(),
        " AND ($collections IS NULL OR a.collection IN $collections) \
         MATCH (a)-[r:",
        crate::store::write::rel_type_of(relation),
        "]->(b:Node {id: $to}) WHERE b:",
        rule.to.label(),
        " RETURN {id: r.id, inference: r.inference, \
                  claims: COLLECT { MATCH (n:Claim {aboutRelation: r.id}) RETURN ",
        NODE_PROJECTION,
        " }} AS row"
    )
    .param("from", from)
    .param("to", to)
}

/// The evidence of one relation, or `None` when the relation is not drawn (in the caller's scope).
pub async fn relation_evidence(
    db: &Db,
    relation: Relation,
    from: &str,
    to: &str,
) -> AppResult<Option<RelationEvidenceRecord>> {
    let rows: Vec<Row> = db.rows(statement(relation, from, to)).await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let claims = row
        .claims
        .into_iter()
        .map(|v| match NodeRecord::decode(v)? {
            NodeRecord::Claim(c) => Ok(c),
            _ => Err(AppError::internal("a relation claim that is not a claim")),
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Some(RelationEvidenceRecord {
        relation,
        from: from.to_string(),
        to: to.to_string(),
        id: row.id,
        inference: row.inference,
        claims,
    }))
}
