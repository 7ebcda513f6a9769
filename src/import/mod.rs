//! Importing `casegraph/v1` data (docs/data-format.md). Ids are the file's own, so a re-import upserts
//! and changes nothing. Two ways in, one set of rules (the application layer's, through the same
//! record-to-draft mappings in [`validation`]):
//!
//! - [`bulk`]: `casegraph import` and the seed — a file of any size, NDJSON or a document, read as a
//!   stream ([`stream`]) and written in batches with checkpoints; references resolve to earlier records
//!   or the database.
//! - [`import_json`]: a document held in memory (tests, small tools), checked whole without the
//!   database with every problem reported at once ([`references`] for the document's own rules, then
//!   [`validation`]) and written in one transaction.
//!
//! And a third way out: [`offline`] writes a file as `neo4j-admin` import CSV files, the same graph,
//! for the first load of an empty database (`casegraph export-csv`, `scripts/bulk-load`).

pub mod bulk;
pub mod document;
pub mod offline;
pub mod references;
pub mod relations;
mod resolve;
pub mod stream;
pub mod validation;

mod progress;
mod report;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use document::{ImportDocument, FORMAT_TAG};
pub use validation::ValidatedDocument;

use crate::{
    app::batch,
    domain::render_errors,
    error::{AppError, AppResult},
    store::{admin, write::Summary, Store},
};

/// Parses and validates a document; every problem is reported, each with its JSON path. The error's
/// field is the first problem's; its message lists them all, one per line.
pub fn parse(json: &str) -> AppResult<ValidatedDocument> {
    let doc = ImportDocument::from_json(json)?;
    doc.validate().map_err(|errors| AppError::BadUserInput {
        field: errors.first().map(|e| e.field.clone()),
        message: render_errors(&errors),
    })
}

/// Imports a document (already read into memory) in one transaction.
pub async fn import_json(store: &Arc<Store>, json: &str) -> AppResult<Summary> {
    let doc = parse(json)?;
    batch::write(store, doc.changes).await
}

/// Imports a file as `casegraph import` does ([`bulk`]: streamed, in batches), quietly, writing every
/// batch whatever the checkpoints say (the caller wants the file in the database now); the summary says
/// what was written.
pub async fn import_file(store: &Arc<Store>, file: &str) -> AppResult<String> {
    let options = bulk::Options {
        restart: true,
        ..bulk::Options::default()
    };
    let report = bulk::import(store, file, &options).await?;
    Ok(format!("imported {file}: {report}"))
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
