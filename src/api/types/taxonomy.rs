//! Collections and taxonomy terms.

use async_graphql::{Object, ID};

use crate::{
    domain::Vocabulary,
    error::AppError,
    store::records::{CollectionRecord, TermRecord},
};

/// An investigation or a dataset. Every node belongs to exactly one collection, and every query can be
/// confined to some collections.
#[derive(Clone)]
pub struct Collection(pub CollectionRecord);

/// An investigation or a dataset. Every node belongs to exactly one collection, and every query can be
/// confined to some collections.
#[Object]
impl Collection {
    /// The collection's id (also the `collection` of each of its nodes).
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// A human-readable name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the collection holds and where it comes from.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
}

/// A term of an extensible taxonomy (an event type or a participant role). Terms are data: adding one
/// needs no code change.
#[derive(Clone)]
pub struct Term(pub TermRecord);

/// A term of an extensible taxonomy (an event type or a participant role). Terms are data: adding one
/// needs no code change.
#[Object]
impl Term {
    /// The term's global id.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The collection that defines the term.
    async fn collection(&self) -> ID {
        ID(self.0.collection.clone())
    }
    /// Which taxonomy the term belongs to.
    async fn vocabulary(&self) -> Result<Vocabulary, AppError> {
        super::stored(&self.0.vocabulary, "vocabulary")
    }
    /// The stable key used in data and filters, e.g. `detention` or `perpetrator`.
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// A human-readable label.
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// What the term means and when to use it.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
}
