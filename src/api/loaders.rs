//! The request's cache of loaded nodes and neighbours, and how a resolver reads from it.
//!
//! Reads are planned from the query (see [`super::plan`]): a list or `node` resolver that has its
//! results loads the next level of the selection for all of them at once — one statement per
//! relationship and level — into this cache, and every nested resolver then finds its answer here.
//! So the number of statements is fixed by the shape of the query, whatever the number of results,
//! and nothing waits on a timer for keys to arrive.
//!
//! The cache belongs to one operation (see [`super::attach_request_data`]): each request of a batch
//! gets its own, and a write through the request's [`Db`] empties it, so no read after a mutation
//! answers from before it. Loads run inside the awaiting resolver's future — never in a spawned task —
//! so they stay in the request's tracing span and stop when the request is dropped (a timed-out request
//! sends nothing more). A key asked for while a load of it is in flight waits for that load instead of
//! fetching it again.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
};

use futures::future::{BoxFuture, FutureExt, Shared};

use crate::{
    error::AppError,
    store::{
        read::{
            self,
            tree::{self, Branch, Listed, Window},
            Edge,
        },
        records::NodeRecord,
        Db,
    },
};

/// Follow `Edge` from the node with this id: every neighbour, or the page `Window` of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EdgeKey(pub Edge, pub Option<Window>, pub String);

/// The node with this id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeKey(pub String);

type Fetch<K, V> =
    Arc<dyn Fn(Vec<K>) -> BoxFuture<'static, Result<HashMap<K, V>, AppError>> + Send + Sync>;
/// One statement's answer, shared by every key it was sent for.
type Flight<K, V> = Shared<BoxFuture<'static, Result<Arc<HashMap<K, V>>, AppError>>>;

enum Entry<K, V> {
    Ready(Option<V>),
    Loading(Flight<K, V>),
}

/// A cache of answers by key, filled by loads of many keys at once.
pub struct Batcher<K, V> {
    entries: Mutex<HashMap<K, Entry<K, V>>>,
    fetch: Fetch<K, V>,
}

impl<K, V> Batcher<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(fetch: Fetch<K, V>) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            fetch,
        }
    }

    /// Stores answers loaded by other means (a planned read of many levels), unless the key already
    /// has one or is in flight.
    fn prime(&self, answers: impl IntoIterator<Item = (K, V)>) {
        let mut entries = self.entries.lock().expect("loader cache");
        for (key, value) in answers {
            entries.entry(key).or_insert(Entry::Ready(Some(value)));
        }
    }

    fn clear(&self) {
        self.entries.lock().expect("loader cache").clear();
    }

    /// The answers for `keys`: cached ones at once, those in flight from their load, and all the
    /// others by one new fetch. Keys with no answer are absent from the map.
    pub async fn load_many(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, V>, AppError> {
        let mut out = HashMap::new();
        let mut flights: Vec<(Flight<K, V>, Vec<K>)> = Vec::new();
        {
            let mut entries = self.entries.lock().expect("loader cache");
            let mut missing = Vec::new();
            for key in keys {
                match entries.get(&key) {
                    Some(Entry::Ready(Some(v))) => {
                        out.insert(key, v.clone());
                    }
                    Some(Entry::Ready(None)) => {}
                    Some(Entry::Loading(flight)) => {
                        match flights.iter_mut().find(|(f, _)| f.ptr_eq(flight)) {
                            Some((_, ks)) => ks.push(key),
                            None => flights.push((flight.clone(), vec![key])),
                        }
                    }
                    None if !missing.contains(&key) => missing.push(key),
                    None => {}
                }
            }
            if !missing.is_empty() {
                let flight: Flight<K, V> = (self.fetch)(missing.clone())
                    .map(|r| r.map(Arc::new))
                    .boxed()
                    .shared();
                for key in &missing {
                    entries.insert(key.clone(), Entry::Loading(flight.clone()));
                }
                flights.push((flight, missing));
            }
        }
        let answers =
            futures::future::join_all(flights.into_iter().map(|(flight, keys)| async move {
                let result = flight.clone().await;
                (flight, keys, result)
            }))
            .await;
        let mut entries = self.entries.lock().expect("loader cache");
        let mut failure = None;
        for (flight, keys, result) in answers {
            for key in keys {
                // Only settle entries that still belong to this load: the cache may have been
                // emptied (by a write) while it ran.
                let ours =
                    matches!(entries.get(&key), Some(Entry::Loading(f)) if f.ptr_eq(&flight));
                match &result {
                    Ok(found) => {
                        let value = found.get(&key).cloned();
                        if ours {
                            entries.insert(key.clone(), Entry::Ready(value.clone()));
                        }
                        if let Some(v) = value {
                            out.insert(key, v);
                        }
                    }
                    Err(e) => {
                        // A failed load is not cached: a later ask tries again.
                        if ours {
                            entries.remove(&key);
                        }
                        failure = Some(e.clone());
                    }
                }
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }
}

/// The request's loaders: one for neighbours, one for nodes by id.
pub struct Loaders {
    db: Db,
    /// The request's write count when the cache was last known to be current.
    writes_seen: Mutex<usize>,
    edges: Batcher<EdgeKey, Listed>,
    nodes: Batcher<NodeKey, NodeRecord>,
}

/// A key type the loaders know how to fetch.
pub trait LoaderKey: Hash + Eq + Clone + Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;
    fn batcher(loaders: &Loaders) -> &Batcher<Self, Self::Value>;
}

impl LoaderKey for EdgeKey {
    type Value = Listed;
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
        let edges: Fetch<EdgeKey, Listed> = Arc::new(move |keys| {
            let db = edge_db.clone();
            Box::pin(async move { load_edges(&db, keys).await })
        });
        let node_db = db.clone();
        let nodes: Fetch<NodeKey, NodeRecord> = Arc::new(move |keys: Vec<NodeKey>| {
            let db = node_db.clone();
            Box::pin(async move {
                let ids: Vec<String> = keys.into_iter().map(|k| k.0).collect();
                let found = read::nodes_by_id(&db, &ids).await?;
                Ok(found.into_iter().map(|(id, n)| (NodeKey(id), n)).collect())
            })
        });
        Loaders {
            writes_seen: Mutex::new(db.writes()),
            db,
            edges: Batcher::new(edges),
            nodes: Batcher::new(nodes),
        }
    }

    /// Empties the cache if the request wrote since it was filled.
    fn forget_if_written(&self) {
        let now = self.db.writes();
        let mut seen = self.writes_seen.lock().expect("loader writes");
        if *seen != now {
            self.edges.clear();
            self.nodes.clear();
            *seen = now;
        }
    }

    /// Reads `branches` below the nodes `ids` in one statement and keeps every neighbour list in
    /// the cache, where the nested resolvers find them.
    pub async fn load_tree(&self, ids: &[String], branches: &[Branch]) -> Result<(), AppError> {
        let loaded = tree::load(&self.db, ids, branches).await?;
        self.keep(loaded);
        Ok(())
    }

    /// Reads the nodes `ids` with what `roots` asks of each label and below, in one statement, and
    /// keeps every neighbour list in the cache. The nodes themselves carry only the properties read,
    /// so they are returned, not cached.
    pub async fn load_roots(
        &self,
        ids: &[String],
        roots: &[tree::Root],
    ) -> Result<Vec<NodeRecord>, AppError> {
        let (nodes, loaded) = tree::load_roots(&self.db, ids, roots).await?;
        self.keep(loaded);
        Ok(nodes)
    }

    /// Keeps neighbour lists read by a planned statement in the cache.
    pub fn keep(&self, loaded: Vec<tree::Loaded>) {
        self.forget_if_written();
        self.edges.prime(
            loaded
                .into_iter()
                .map(|l| (EdgeKey(l.edge, l.window, l.from), l.listed)),
        );
    }

    pub async fn load_one<K: LoaderKey>(&self, key: K) -> Result<Option<K::Value>, AppError> {
        Ok(self.load_many([key.clone()]).await?.remove(&key))
    }

    pub async fn load_many<K: LoaderKey>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, K::Value>, AppError> {
        self.forget_if_written();
        K::batcher(self).load_many(keys).await
    }
}

/// One statement per edge and window among the keys (for fields the plan did not read ahead).
async fn load_edges(db: &Db, keys: Vec<EdgeKey>) -> Result<HashMap<EdgeKey, Listed>, AppError> {
    let mut by_branch: HashMap<(Edge, Option<Window>), Vec<String>> = HashMap::new();
    for EdgeKey(edge, window, id) in keys {
        by_branch.entry((edge, window)).or_default().push(id);
    }
    let lookups = by_branch
        .into_iter()
        .map(|((edge, window), ids)| async move {
            let branch = [Branch {
                window: window.clone(),
                ..Branch::whole(edge)
            }];
            tree::load(db, &ids, &branch)
                .await
                .map(|found| (edge, window, ids, found))
        });
    let mut out = HashMap::new();
    for result in futures::future::join_all(lookups).await {
        let (edge, window, ids, found) = result?;
        let mut found: HashMap<String, Listed> =
            found.into_iter().map(|l| (l.from, l.listed)).collect();
        for id in ids {
            let listed = found.remove(&id).unwrap_or_default();
            out.insert(EdgeKey(edge, window.clone(), id), listed);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A batcher whose fetch counts its calls and answers `key * 10` once `gate` opens.
    fn counting(calls: Arc<AtomicUsize>, gate: Arc<tokio::sync::Notify>) -> Batcher<u32, u32> {
        Batcher::new(Arc::new(move |keys: Vec<u32>| {
            let calls = calls.clone();
            let gate = gate.clone();
            Box::pin(async move {
                calls.fetch_add(1, Ordering::SeqCst);
                gate.notified().await;
                Ok(keys.into_iter().map(|k| (k, k * 10)).collect())
            })
        }))
    }

    #[tokio::test]
    async fn a_key_asked_for_while_its_load_is_in_flight_is_not_fetched_again() {
        let calls = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        let b = counting(calls.clone(), gate.clone());
        let first = b.load_many([1, 2]);
        let second = b.load_many([2]);
        let open = async {
            // Both loads have registered by the time this runs (join polls in order).
            tokio::task::yield_now().await;
            gate.notify_waiters();
        };
        let (a, c, ()) = tokio::join!(first, second, open);
        assert_eq!(a.unwrap(), HashMap::from([(1, 10), (2, 20)]));
        assert_eq!(c.unwrap(), HashMap::from([(2, 20)]));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // …and an answered key comes from the cache.
        assert_eq!(b.load_many([1]).await.unwrap(), HashMap::from([(1, 10)]));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_dropped_load_sends_nothing_and_a_later_ask_fetches_afresh() {
        let calls = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        let b = counting(calls.clone(), gate.clone());
        // The load is never polled to completion: nothing runs on its own once it is dropped.
        let abandoned = tokio::time::timeout(std::time::Duration::from_millis(5), b.load_many([7]));
        assert!(abandoned.await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1, "work continued detached");
        // The abandoned entry is still in flight; a new ask drives it (no second fetch) to the end.
        let again = b.load_many([7]);
        let open = async {
            tokio::task::yield_now().await;
            gate.notify_waiters();
        };
        let (r, ()) = tokio::join!(again, open);
        assert_eq!(r.unwrap(), HashMap::from([(7, 70)]));
    }
}
