//! DataLoaders: how nested selections avoid N+1. Every resolver that follows a relationship asks the
//! request's [`GraphLoader`] for `(edge, from-id)`; all keys asked for in the same tick are answered by
//! one statement per edge kind, so the number of round trips grows with the depth of the query, not
//! with the number of results.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};

use crate::{
    error::AppError,
    store::{
        read::{self, Edge, Linked},
        records::NodeRecord,
        Db,
    },
};

pub struct GraphLoader {
    db: Db,
}

/// The per-request loader.
pub type Loaders = DataLoader<GraphLoader>;

pub fn new(db: Db) -> Loaders {
    DataLoader::new(GraphLoader { db }, tokio::spawn)
}

/// Follow `Edge` from the node with this id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EdgeKey(pub Edge, pub String);

/// The node with this id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeKey(pub String);

impl Loader<EdgeKey> for GraphLoader {
    type Value = Vec<Linked>;
    type Error = AppError;

    async fn load(&self, keys: &[EdgeKey]) -> Result<HashMap<EdgeKey, Vec<Linked>>, AppError> {
        let mut by_edge: HashMap<Edge, Vec<String>> = HashMap::new();
        for EdgeKey(edge, id) in keys {
            by_edge.entry(*edge).or_default().push(id.clone());
        }
        let lookups = by_edge.into_iter().map(|(edge, ids)| {
            let db = self.db.clone();
            async move {
                read::neighbours(&db, edge, &ids)
                    .await
                    .map(|found| (edge, ids, found))
            }
        });
        let mut out = HashMap::new();
        for result in futures::future::join_all(lookups).await {
            let (edge, ids, mut found) = result?;
            for id in ids {
                let linked = found.remove(&id).unwrap_or_default();
                out.insert(EdgeKey(edge, id), linked);
            }
        }
        Ok(out)
    }
}

impl Loader<NodeKey> for GraphLoader {
    type Value = NodeRecord;
    type Error = AppError;

    async fn load(&self, keys: &[NodeKey]) -> Result<HashMap<NodeKey, NodeRecord>, AppError> {
        let ids: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let found = read::nodes_by_id(&self.db, &ids).await?;
        Ok(found.into_iter().map(|(id, n)| (NodeKey(id), n)).collect())
    }
}
