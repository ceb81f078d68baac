//! The engine's error type: everything that can go wrong below the HTTP layer.
//!
//! The API maps each variant to a status and a stable error code once, in `api::error`.

use crate::engine::document::RowReport;

/// Result alias for engine operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file of `index-schema/` is missing or does not parse.
    #[error("index schema: {0}")]
    Schema(String),
    /// A search or request parameter that does not parse or is out of range.
    #[error("{message}")]
    InvalidParam {
        /// The parameter's name as the client sent it.
        param: String,
        /// What is wrong, in words a client can act on.
        message: String,
    },
    /// No initiative with that id.
    #[error("no initiative with id {0:?}")]
    NotFound(String),
    /// Documents that failed validation (nothing was written).
    #[error("{}", describe_invalid(.0))]
    InvalidDocuments(Vec<RowReport>),
    /// The index directory is locked by another process.
    #[error("the index in {0} is in use by another process (its writer lock is held); stop that process or use another --data-dir")]
    Locked(String),
    /// An error inside tantivy.
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A filesystem error.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A stored document that does not parse (should never happen).
    #[error("stored document: {0}")]
    Stored(String),
}

/// "2 document(s) are invalid; the first: line 7, x: sdgs: 18 is not an SDG (1-17)".
fn describe_invalid(reports: &[RowReport]) -> String {
    let mut text = format!("{} document(s) are invalid", reports.len());
    if let Some(first) = reports.first() {
        text.push_str(&format!("; the first: line {}", first.line));
        if let Some(id) = &first.id {
            text.push_str(&format!(", {id}"));
        }
        for error in &first.errors {
            text.push_str(&format!(": {}: {}", error.field, error.message));
        }
    }
    text
}

impl Error {
    /// Shorthand for an [`Error::InvalidParam`].
    pub fn param(param: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidParam {
            param: param.into(),
            message: message.into(),
        }
    }
}
