//! Parsed and validated documents, kept for the next request with the same text.
//!
//! Clients send the same few documents over and over (the benchmark's file of five operations is
//! parsed on every request otherwise). Measured on a `totalCount` request, parsing was 27% of the
//! service's CPU and async-graphql's validation 12%, more than the database driver's share. So:
//! - [`Documents::parsed`]: the text's parse, once it passed the token scan of `api::limits` (which
//!   depends on the text alone). The checks that depend on the variables (page sizes in the
//!   complexity walk) still run on every request.
//! - [`CachedValidation`]: async-graphql's validation result for a (text, operation, variables)
//!   triple that passed it. Validation reads the variables (an argument given by a variable is checked
//!   with its value), so they are part of the key: the answer is always the one a fresh validation
//!   would give. Failures are never kept.
//!
//! Both are bounded (`CASEGRAPH_DOCUMENT_CACHE_SIZE` entries each, least recently used out first,
//! 0 turns them off) and keep only documents of at most [`MAX_CACHED_BYTES`], so a client sending
//! ever new large documents costs at most that many of them in memory.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation},
    parser::types::ExecutableDocument,
    ServerError, ValidationResult,
};

/// The largest document (plus its variables, for validation) that is kept.
pub const MAX_CACHED_BYTES: usize = 8 * 1024;

/// A map of at most `capacity` entries that drops the least recently used one to make room.
/// Eviction scans the map: it only happens on a miss, which costs a parse, far more than the scan.
struct Bounded<K, V> {
    capacity: usize,
    inner: Mutex<Clocked<K, V>>,
}

/// The entries, each with the tick of its last use, and the clock that ticks at every access.
type Clocked<K, V> = (u64, HashMap<K, (V, u64)>);

impl<K: Hash + Eq + Clone, V: Clone> Bounded<K, V> {
    fn new(capacity: usize) -> Self {
        Bounded {
            capacity,
            inner: Mutex::new((0, HashMap::new())),
        }
    }

    fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if self.capacity == 0 {
            return None;
        }
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (clock, map) = &mut *guard;
        *clock += 1;
        let now = *clock;
        map.get_mut(key).map(|(v, used)| {
            *used = now;
            v.clone()
        })
    }

    fn insert(&self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (clock, map) = &mut *guard;
        *clock += 1;
        if map.len() >= self.capacity && !map.contains_key(&key) {
            let oldest = map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                map.remove(&oldest);
            }
        }
        map.insert(key, (value, *clock));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().unwrap().1.len()
    }
}

/// What a validation result is kept under: the whole request as async-graphql validates it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValidationKey {
    query: Arc<str>,
    operation: Option<String>,
    variables: String,
}

impl ValidationKey {
    /// The key of `request`, or `None` when it is too large to keep.
    pub fn of(request: &async_graphql::Request) -> Option<ValidationKey> {
        if request.query.len() > MAX_CACHED_BYTES {
            return None;
        }
        let variables = serde_json::to_string(&request.variables).ok()?;
        if request.query.len() + variables.len() > MAX_CACHED_BYTES {
            return None;
        }
        Some(ValidationKey {
            query: request.query.as_str().into(),
            operation: request.operation_name.clone(),
            variables,
        })
    }
}

/// The process's document caches (see the module documentation).
pub struct Documents {
    parsed: Bounded<Arc<str>, Arc<ExecutableDocument>>,
    validated: Bounded<ValidationKey, ValidationResult>,
}

impl Documents {
    /// Caches of `capacity` entries each; 0 keeps nothing.
    pub fn new(capacity: usize) -> Self {
        Documents {
            parsed: Bounded::new(capacity),
            validated: Bounded::new(capacity),
        }
    }

    /// The parse of `query`, if a request with this very text was parsed (and accepted by the token
    /// scan) before.
    pub fn parsed(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        self.parsed.get(query)
    }

    /// Keeps the parse of `query` (unless it is larger than [`MAX_CACHED_BYTES`]).
    pub fn keep_parsed(&self, query: &str, doc: Arc<ExecutableDocument>) {
        if query.len() <= MAX_CACHED_BYTES {
            self.parsed.insert(query.into(), doc);
        }
    }
}

/// The async-graphql extension that answers validation from [`Documents`] for a request that
/// carries a [`ValidationKey`] in its data (the HTTP handler adds it), and validates as usual
/// otherwise.
pub struct CachedValidation(pub Arc<Documents>);

impl ExtensionFactory for CachedValidation {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CachedValidationExtension(self.0.clone()))
    }
}

struct CachedValidationExtension(Arc<Documents>);

#[async_graphql::async_trait::async_trait]
impl Extension for CachedValidationExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let Some(key) = ctx.data_opt::<ValidationKey>() else {
            return next.run(ctx).await;
        };
        if let Some(result) = self.0.validated.get(key) {
            return Ok(result);
        }
        let result = next.run(ctx).await?;
        self.0.validated.insert(key.clone(), result);
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_entry_makes_room() {
        let b: Bounded<String, u32> = Bounded::new(2);
        b.insert("a".into(), 1);
        b.insert("b".into(), 2);
        assert_eq!(b.get("a"), Some(1)); // `b` is now the least recently used
        b.insert("c".into(), 3);
        assert_eq!(b.len(), 2);
        assert_eq!(b.get("b"), None);
        assert_eq!(b.get("a"), Some(1));
        assert_eq!(b.get("c"), Some(3));
    }

    #[test]
    fn size_zero_keeps_nothing() {
        let d = Documents::new(0);
        let doc = async_graphql::parser::parse_query("{ a }").unwrap();
        d.keep_parsed("{ a }", Arc::new(doc));
        assert!(d.parsed("{ a }").is_none());
    }

    #[test]
    fn large_documents_are_not_kept() {
        let d = Documents::new(4);
        let big = format!("{{ {} }}", "a ".repeat(MAX_CACHED_BYTES));
        let doc = async_graphql::parser::parse_query(&big).unwrap();
        d.keep_parsed(&big, Arc::new(doc));
        assert!(d.parsed(&big).is_none());
    }

    #[test]
    fn variables_are_part_of_the_validation_key() {
        let mut r = async_graphql::Request::new("query($n: Int) { a(n: $n) }");
        let plain = ValidationKey::of(&r).unwrap();
        r = r.variables(async_graphql::Variables::from_json(
            serde_json::json!({"n": "x"}),
        ));
        assert_ne!(ValidationKey::of(&r).unwrap(), plain);
    }
}
