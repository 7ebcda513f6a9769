//! Importing `casegraph/v1` data files (docs/data-format.md). The seed dataset goes the same way as a
//! user's own data: parse, validate everything without the database (all problems reported at once),
//! then apply the whole document as one change set in one transaction. Ids are the file's own, so a
//! re-import upserts and changes nothing.

pub mod format;

use std::sync::Arc;

use format::{valid, ImportDocument, ValidatedDocument};

use crate::{
    domain::{render_errors, NonEmptyText},
    error::{AppError, AppResult},
    store::{
        admin,
        write::{self, ChangeSet, Ident, LinkSet, Relation, Summary},
        Scope, Store,
    },
};

/// Parses and validates a document; every problem is reported, each with its JSON path.
pub fn parse(json: &str) -> AppResult<ValidatedDocument> {
    let doc = ImportDocument::from_json(json)?;
    doc.validate().map_err(|errors| AppError::BadUserInput {
        field: errors.first().map(|e| e.field.clone()),
        message: render_errors(&errors),
    })
}

fn text(t: &NonEmptyText) -> String {
    t.as_str().to_string()
}

fn opt(t: &Option<NonEmptyText>) -> Option<String> {
    t.as_ref().map(text)
}

/// Turns a validated document into the change set that writes it.
pub fn changes(doc: &ValidatedDocument) -> ChangeSet {
    let collection = doc.collection.id.as_str().to_string();
    let ident = |id: &crate::domain::NodeId, field: String| Ident {
        id: id.as_str().to_string(),
        collection: collection.clone(),
        field,
    };
    let ids = |v: &[crate::domain::NodeId]| {
        v.iter()
            .map(|i| (i.as_str().to_string(), None))
            .collect::<Vec<_>>()
    };
    let mut cs = ChangeSet::default();
    cs.collections.push(write::CollectionWrite {
        id: collection.clone(),
        name: text(&doc.collection.name),
        description: opt(&doc.collection.description),
        field: "collection".into(),
    });
    for (i, t) in doc.terms.iter().enumerate() {
        cs.terms.push(write::TermWrite {
            collection: collection.clone(),
            vocabulary: t.vocabulary,
            key: t.key.as_str().to_string(),
            label: text(&t.label),
            description: Some(text(&t.description)),
            field: format!("terms[{i}]"),
        });
    }
    let mut links = |relation: Relation,
                     from: &crate::domain::NodeId,
                     targets: Vec<(String, Option<String>)>,
                     field: String| {
        cs.links.push(LinkSet {
            relation,
            from: from.as_str().to_string(),
            targets,
            field,
        });
    };
    let mut actors = Vec::new();
    for (i, a) in doc.actors.iter().enumerate() {
        let f = format!("actors[{i}]");
        actors.push(write::ActorWrite {
            ident: ident(&a.id, f.clone()),
            kind: a.kind,
            name: text(&a.name),
            aliases: a.aliases.iter().map(text).collect(),
            description: Some(text(&a.description)),
        });
        links(
            Relation::ActorMemberOf,
            &a.id,
            ids(&a.member_of),
            format!("{f}.memberOf"),
        );
        links(
            Relation::ActorAnswersTo,
            &a.id,
            ids(&a.answers_to),
            format!("{f}.answersTo"),
        );
    }
    let mut places = Vec::new();
    for (i, p) in doc.places.iter().enumerate() {
        let f = format!("places[{i}]");
        places.push(write::PlaceWrite {
            ident: ident(&p.id, f.clone()),
            kind: p.kind,
            name: text(&p.name),
            aliases: p.aliases.iter().map(text).collect(),
            description: Some(text(&p.description)),
            location: p.location,
            precision: p.precision,
        });
        links(
            Relation::PlaceWithin,
            &p.id,
            ids(p.within.as_slice()),
            format!("{f}.within"),
        );
    }
    let mut sources = Vec::new();
    for (i, s) in doc.sources.iter().enumerate() {
        let f = format!("sources[{i}]");
        sources.push(write::SourceWrite {
            ident: ident(&s.id, f.clone()),
            kind: s.kind,
            title: text(&s.title),
            url: s.url.as_ref().map(|u| u.as_str().to_string()),
            language: s.language.as_ref().map(|l| l.as_str().to_string()),
            published: s.published.clone(),
        });
        links(
            Relation::SourcePublishedBy,
            &s.id,
            ids(s.publisher.as_slice()),
            format!("{f}.publisher"),
        );
        let cites = s
            .cites
            .iter()
            .map(|c| (c.source.as_str().to_string(), Some(text(&c.excerpt))))
            .collect();
        links(Relation::SourceCites, &s.id, cites, format!("{f}.cites"));
    }
    let mut events = Vec::new();
    for (i, e) in doc.events.iter().enumerate() {
        let f = format!("events[{i}]");
        events.push(write::EventWrite {
            ident: ident(&e.id, f.clone()),
            event_type: e.event_type.as_str().to_string(),
            title: text(&e.title),
            description: Some(text(&e.description)),
            date: e.date.clone(),
        });
        links(
            Relation::EventAt,
            &e.id,
            ids(e.place.as_slice()),
            format!("{f}.place"),
        );
        links(
            Relation::EventPartOf,
            &e.id,
            ids(&e.part_of),
            format!("{f}.partOf"),
        );
        links(
            Relation::EventFollowedBy,
            &e.id,
            ids(&e.followed_by),
            format!("{f}.followedBy"),
        );
        links(
            Relation::EventLedTo,
            &e.id,
            ids(&e.led_to),
            format!("{f}.ledTo"),
        );
    }
    let mut counts = Vec::new();
    for (i, c) in doc.counts.iter().enumerate() {
        let f = format!("counts[{i}]");
        counts.push(write::CountWrite {
            ident: ident(&c.id, f.clone()),
            event: c.event.as_str().to_string(),
            subject: text(&c.subject),
            figure: c.figure.clone(),
            subgroup: opt(&c.subgroup),
        });
        links(
            Relation::CountPartOf,
            &c.id,
            ids(c.part_of.as_slice()),
            format!("{f}.partOf"),
        );
    }
    cs.actors = actors;
    cs.places = places;
    cs.sources = sources;
    cs.events = events;
    cs.counts = counts;
    for (i, p) in doc.participations.iter().enumerate() {
        cs.participations.push(write::ParticipationWrite {
            ident: ident(&p.id, format!("participations[{i}]")),
            event: p.event.as_str().to_string(),
            actor: p.actor.as_str().to_string(),
            role: p.role.as_str().to_string(),
            description: opt(&p.description),
        });
    }
    for (about, c) in doc.claims() {
        cs.claims.push(claim(&collection, about, c));
    }
    cs
}

fn claim(collection: &str, about: &crate::domain::NodeId, c: &valid::Claim) -> write::ClaimWrite {
    write::ClaimWrite {
        ident: Ident {
            id: c.id.as_str().to_string(),
            collection: collection.to_string(),
            field: format!("claims({})", c.id.as_str()),
        },
        about: about.as_str().to_string(),
        source: c.source.as_str().to_string(),
        excerpt: Some(text(&c.excerpt)),
        status: c.status,
        note: opt(&c.note),
    }
}

/// Imports a document (already read into memory) in one transaction.
pub async fn import_json(store: &Arc<Store>, json: &str) -> AppResult<Summary> {
    let doc = parse(json)?;
    let cs = changes(&doc);
    let db = store.session(Scope::all());
    db.write(|tx| Box::pin(async move { write::apply(tx, &cs).await }))
        .await
}

/// Imports a file; the summary says what was written.
pub async fn import_file(store: &Arc<Store>, file: &str) -> AppResult<String> {
    let json = std::fs::read_to_string(file)
        .map_err(|e| AppError::bad_input("file", format!("cannot read {file}: {e}")))?;
    let summary = import_json(store, &json).await?;
    Ok(format!("imported {file}: {summary}"))
}

/// Loads the seed file when the database holds no casegraph data yet, so that a fresh installation
/// has something to explore and an existing one is never touched.
pub async fn load_seed_if_empty(store: &Arc<Store>, file: &str) -> AppResult<()> {
    if !admin::is_empty(store).await? {
        tracing::info!("database already holds data; seed not loaded");
        return Ok(());
    }
    let report = import_file(store, file).await?;
    tracing::info!("{report}");
    Ok(())
}
