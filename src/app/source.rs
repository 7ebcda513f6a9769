//! Sources: reports, statements, documents, posts — with their publisher and the sources they cite.

use crate::{
    domain::{NodeId, NodeKind, Relation, SourceKind},
    error::AppResult,
    store::{
        records::{NodeRecord, SourceRecord},
        write::{ChangeSet, Ident, LinkSet, SourceWrite},
        Db,
    },
};

use super::{
    actor::link_set, check::DateDraft, claim, commit, commit_patch, existing, first_error,
    given_or, given_text_or, parse_stored, Check, Origin,
};

/// One source citing another.
#[derive(Debug, Clone)]
pub struct CitationDraft {
    pub source: String,
    /// The passage that cites it.
    pub excerpt: Option<String>,
}

/// A source as a caller gives it. Upserting replaces every field and relation given here.
#[derive(Debug, Clone)]
pub struct SourceDraft {
    /// Stable id; generated when omitted.
    pub id: Option<String>,
    pub collection: String,
    pub kind: SourceKind,
    pub title: String,
    pub url: Option<String>,
    pub language: Option<String>,
    pub published: Option<DateDraft>,
    /// The actor that published it.
    pub publisher: Option<String>,
    pub cites: Vec<CitationDraft>,
}

/// Changes to a source: only the fields given change; publisher and citations only when given.
#[derive(Debug, Clone, Default)]
pub struct SourcePatch {
    pub kind: Option<SourceKind>,
    pub title: Option<String>,
    /// `""` removes it.
    pub url: Option<String>,
    /// `""` removes it.
    pub language: Option<String>,
    pub published: Option<DateDraft>,
    pub publisher: Option<String>,
    pub cites: Option<Vec<CitationDraft>>,
}

impl SourceDraft {
    /// Every rule of a source, into `cs`. Returns the source's id.
    pub(crate) fn check(
        &self,
        v: &mut Check,
        origin: Origin,
        cs: &mut ChangeSet,
    ) -> Option<NodeId> {
        let id = v.new_id("id", self.id.as_deref());
        let collection = v.id("collection", &self.collection);
        let write = node(v, id.clone(), collection, self);
        let publisher = v.opt_id("publisher", self.publisher.as_deref());
        let cites = citations(v, origin, &self.cites);
        if let (Some(from), Some(publisher), Some(cites)) = (&id, publisher, cites) {
            let targets = publisher.into_iter().collect();
            cs.links.push(link_set(
                v,
                Relation::SourcePublishedBy,
                from,
                targets,
                "publisher",
            ));
            cs.links.push(cites_set(v, from, cites));
        }
        cs.sources.push(write?);
        id
    }
}

fn node(
    v: &mut Check,
    id: Option<NodeId>,
    collection: Option<NodeId>,
    d: &SourceDraft,
) -> Option<SourceWrite> {
    let title = v.line("title", &d.title);
    let url = v.url("url", d.url.as_deref());
    let language = v.language("language", d.language.as_deref());
    let published = match &d.published {
        None => Some(None),
        Some(p) => v.date("published", p).map(Some),
    };
    Some(SourceWrite {
        ident: Ident {
            id: id?,
            collection: collection?,
            field: v.at(""),
        },
        kind: d.kind,
        title: title?,
        url: url?,
        language: language?,
        published: published?,
    })
}

type Citations = Vec<(NodeId, Option<crate::domain::NonEmptyText>)>;

/// Citations as link targets: the cited source and the citing passage (required in data files, see
/// [`Origin::claims_need_excerpts`]).
fn citations(v: &mut Check, origin: Origin, cites: &[CitationDraft]) -> Option<Citations> {
    let checked: Vec<_> = cites
        .iter()
        .enumerate()
        .map(|(i, c)| {
            v.within(&format!("cites[{i}]"), |v| {
                let source = v.id("source", &c.source);
                let excerpt =
                    claim::excerpt(v, origin, c.excerpt.as_deref(), "that cites the source");
                Some((source?, excerpt?))
            })
        })
        .collect();
    checked.into_iter().collect()
}

fn cites_set(v: &Check, from: &NodeId, targets: Citations) -> LinkSet {
    LinkSet {
        relation: Relation::SourceCites,
        from: from.clone(),
        targets,
        field: v.at("cites"),
    }
}

/// Creates or replaces a source. Errors are named under `prefix` (`input`).
pub async fn upsert(db: &Db, draft: SourceDraft, prefix: &str) -> AppResult<NodeRecord> {
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let id = v.within(prefix, |v| draft.check(v, Origin::Api, &mut cs));
    let id = v.finish(id).map_err(|e| first_error(e, ""))?;
    commit(db, cs, &id).await
}

/// Changes some fields of a source; its publisher and citations change only when given.
pub async fn update(db: &Db, id: &str, patch: SourcePatch, prefix: &str) -> AppResult<NodeRecord> {
    let (key, current) = existing(db, id, NodeKind::Source, |n| match n {
        NodeRecord::Source(r) => Some(r),
        _ => None,
    })
    .await?;
    let merged = merge(&current, &patch)?;
    let mut cs = ChangeSet::default();
    let mut v = Check::new();
    let done = v.within(prefix, |v| {
        let collection = v.id("collection", &current.collection);
        let write = node(v, Some(key.clone()), collection, &merged);
        if let Some(p) = patch
            .publisher
            .as_deref()
            .and_then(|p| v.id("publisher", p))
        {
            cs.links.push(link_set(
                v,
                Relation::SourcePublishedBy,
                &key,
                vec![p],
                "publisher",
            ));
        }
        if let Some(cites) = patch
            .cites
            .as_ref()
            .and_then(|c| citations(v, Origin::Api, c))
        {
            cs.links.push(cites_set(v, &key, cites));
        }
        cs.sources.push(write?);
        Some(())
    });
    v.finish(done).map_err(|e| first_error(e, ""))?;
    commit_patch(db, cs, NodeRecord::Source(current)).await
}

fn merge(current: &SourceRecord, patch: &SourcePatch) -> AppResult<SourceDraft> {
    let stored_date = current.published_edtf.as_ref().map(|edtf| DateDraft {
        edtf: edtf.clone(),
        inferred: current.published_inferred,
        basis: current.published_basis.clone(),
    });
    Ok(SourceDraft {
        id: Some(current.id.clone()),
        collection: current.collection.clone(),
        kind: match patch.kind {
            Some(k) => k,
            None => parse_stored(&current.kind)?,
        },
        title: given_or(patch.title.clone(), &current.title),
        url: given_text_or(patch.url.clone(), &current.url),
        language: given_text_or(patch.language.clone(), &current.language),
        published: patch.published.clone().or(stored_date),
        publisher: None,
        cites: vec![],
    })
}
