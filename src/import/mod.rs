//! Importing `casegraph/v1` data files (docs/data-format.md). The seed dataset goes the same way as a
//! user's own data: parse ([`document`]), check everything without the database with every problem
//! reported at once ([`references`] for the document's own rules, then the application layer's checks
//! through [`validation`]), then write the whole document in one transaction. Ids are the file's own,
//! so a re-import upserts and changes nothing.

pub mod bulk;
pub mod document;
pub mod references;
pub mod stream;
pub mod validation;

mod progress;

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
