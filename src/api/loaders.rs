//! Batched loading: how nested selections avoid N+1. Every resolver that follows a relationship asks
//! the request's [`Loaders`] for `(edge, from-id)`; the keys asked for while one level of the query is
//! being resolved are answered by one statement per edge kind, so the number of round trips grows with
//! the depth of the query, not with the number of results.
//!
//! Why not async-graphql's `DataLoader`: it flushes a fixed delay after the first key, and the
//! executor polls sibling fields in chunks (futures' `FuturesUnordered` yields every 32 polls), so on a
//! slow or busy machine a level with many results is split into several batches — round trips then grow
//! with the results (the `nested_selections_cost_…` test saw 14 → 42 for 2 → 40
//! events). This loader waits instead until a short window passes with no new key (bounded by
//! [`MAX_WAIT`]), which keeps one batch per level unless the executor stalls for longer than the
//! window.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures::future::BoxFuture;
use tokio::sync::oneshot;

use crate::{
    error::AppError,
    store::{
        read::{self, Edge, Linked},
        records::NodeRecord,
        Db,
    },
};

/// A batch is sent once no new key has arrived for this long.
const QUIET: Duration = Duration::from_millis(2);
/// …or at the latest this long after its first key, so a steady trickle cannot stall a request.
const MAX_WAIT: Duration = Duration::from_millis(50);

/// Follow `Edge` from the node with this id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EdgeKey(pub Edge, pub String);

/// The node with this id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeKey(pub String);

type Fetch<K, V> =
    Arc<dyn Fn(Vec<K>) -> BoxFuture<'static, Result<HashMap<K, V>, AppError>> + Send + Sync>;
type Waiter<V> = oneshot::Sender<Result<Option<V>, AppError>>;

struct State<K, V> {
    pending: HashMap<K, Vec<Waiter<V>>>,
    /// Answers already fetched in this request: asking twice costs nothing.
    cache: HashMap<K, Option<V>>,
    scheduled: bool,
}

/// Collects keys, then fetches them in one call.
pub struct Batcher<K, V> {
    state: Arc<Mutex<State<K, V>>>,
    fetch: Fetch<K, V>,
}

impl<K, V> Batcher<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn new(fetch: Fetch<K, V>) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                pending: HashMap::new(),
                cache: HashMap::new(),
                scheduled: false,
            })),
            fetch,
        }
    }

    async fn load(&self, key: K) -> Result<Option<V>, AppError> {
        let receiver = {
            let mut state = self.state.lock().expect("loader state");
            if let Some(hit) = state.cache.get(&key) {
                return Ok(hit.clone());
            }
            let (tx, rx) = oneshot::channel();
            state.pending.entry(key).or_default().push(tx);
            if !state.scheduled {
                state.scheduled = true;
                tokio::spawn(flush(self.state.clone(), self.fetch.clone()));
            }
            rx
        };
        receiver
            .await
            .map_err(|_| AppError::internal("a batched load was dropped"))?
    }
}

async fn flush<K, V>(state: Arc<Mutex<State<K, V>>>, fetch: Fetch<K, V>)
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    let started = Instant::now();
    let mut seen = 0;
    loop {
        tokio::time::sleep(QUIET).await;
        let now = state.lock().expect("loader state").pending.len();
        if now == seen || started.elapsed() >= MAX_WAIT {
            break;
        }
        seen = now;
    }
    let batch = {
        let mut s = state.lock().expect("loader state");
        s.scheduled = false;
        std::mem::take(&mut s.pending)
    };
    let keys: Vec<K> = batch.keys().cloned().collect();
    let result = fetch(keys).await;
    let mut s = state.lock().expect("loader state");
    match result {
        Ok(mut found) => {
            for (key, waiters) in batch {
                let value = found.remove(&key);
                s.cache.insert(key, value.clone());
                for w in waiters {
                    let _ = w.send(Ok(value.clone()));
                }
            }
        }
        Err(e) => {
            for w in batch.into_values().flatten() {
                let _ = w.send(Err(e.clone()));
            }
        }
    }
}

/// The request's loaders: one for neighbours, one for nodes by id.
pub struct Loaders {
    edges: Batcher<EdgeKey, Vec<Linked>>,
    nodes: Batcher<NodeKey, NodeRecord>,
}

/// A key type the loaders know how to fetch.
pub trait LoaderKey: Hash + Eq + Clone + Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;
    fn batcher(loaders: &Loaders) -> &Batcher<Self, Self::Value>;
}

impl LoaderKey for EdgeKey {
    type Value = Vec<Linked>;
    fn batcher(loaders: &Loaders) -> &Batcher<Self, Self::Value> {
        &loaders.edges
    }
}

impl LoaderKey for NodeKey {
    type Value = NodeRecord;
    fn batcher(loaders: &Loaders) -> &Batcher<Self, Self::Value> {
        &loaders.nodes
    }
}

impl Loaders {
    pub fn new(db: Db) -> Self {
        let edge_db = db.clone();
        let edges: Fetch<EdgeKey, Vec<Linked>> = Arc::new(move |keys| {
            let db = edge_db.clone();
            Box::pin(async move { load_edges(&db, keys).await })
        });
        let nodes: Fetch<NodeKey, NodeRecord> = Arc::new(move |keys: Vec<NodeKey>| {
            let db = db.clone();
            Box::pin(async move {
                let ids: Vec<String> = keys.into_iter().map(|k| k.0).collect();
                let found = read::nodes_by_id(&db, &ids).await?;
                Ok(found.into_iter().map(|(id, n)| (NodeKey(id), n)).collect())
            })
        });
        Loaders {
            edges: Batcher::new(edges),
            nodes: Batcher::new(nodes),
        }
    }

    pub async fn load_one<K: LoaderKey>(&self, key: K) -> Result<Option<K::Value>, AppError> {
        K::batcher(self).load(key).await
    }

    pub async fn load_many<K: LoaderKey>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, K::Value>, AppError> {
        let keys: Vec<K> = keys.into_iter().collect();
        let values =
            futures::future::try_join_all(keys.iter().cloned().map(|k| self.load_one(k))).await?;
        Ok(keys
            .into_iter()
            .zip(values)
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect())
    }
}

/// One statement per edge kind among the keys.
async fn load_edges(
    db: &Db,
    keys: Vec<EdgeKey>,
) -> Result<HashMap<EdgeKey, Vec<Linked>>, AppError> {
    let mut by_edge: HashMap<Edge, Vec<String>> = HashMap::new();
    for EdgeKey(edge, id) in keys {
        by_edge.entry(edge).or_default().push(id);
    }
    let lookups = by_edge.into_iter().map(|(edge, ids)| async move {
        read::neighbours(db, edge, &ids)
            .await
            .map(|found| (edge, ids, found))
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
