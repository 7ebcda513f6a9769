//! The one error type of the service and its stable codes.
//!
//! Which error belongs where:
//! - `domain` validation returns [`crate::domain::ValidationError`]; it becomes [`AppError::BadUserInput`].
//! - the `store` returns [`AppError`] directly: driver failures are classified here, once.
//! - GraphQL resolvers return [`AppError`]; it becomes a GraphQL error whose `extensions.code` is one of
//!   the constants in [`codes`] and, where a particular input is at fault, `extensions.field`.
//! - HTTP-level failures (unparsable body, payload too large, timeout) use the same codes in a JSON body.
//!
//! Internal details (driver messages, Cypher) are logged where the error is turned into a response and
//! never sent to the client.

use async_graphql::ErrorExtensions;

use crate::domain::NodeKind;

/// The stable `extensions.code` values. Clients may match on these; never rename one.
pub mod codes {
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const CONFLICT: &str = "CONFLICT";
    pub const DATABASE_UNAVAILABLE: &str = "DATABASE_UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL_SERVER_ERROR";
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    /// The document does not parse or does not validate against the schema (unknown field, wrong
    /// argument type, unknown enum value).
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    pub const REQUEST_TIMEOUT: &str = "REQUEST_TIMEOUT";
    pub const NOT_ACCEPTABLE: &str = "NOT_ACCEPTABLE";
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    // Limits checked before a document is parsed (`api::limits`); each names the variable to raise.
    pub const DOCUMENT_TOO_LARGE: &str = "DOCUMENT_TOO_LARGE";
    pub const TOO_MANY_TOKENS: &str = "TOO_MANY_TOKENS";
    /// Lists or objects nested too deep, in an argument value or in a JSON variable.
    pub const VALUE_NESTING_TOO_DEEP: &str = "VALUE_NESTING_TOO_DEEP";
    /// Fields (or fragments) nested deeper than the depth limit.
    pub const SELECTION_TOO_DEEP: &str = "SELECTION_TOO_DEEP";
    pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
    pub const TOO_MANY_DIRECTIVES: &str = "TOO_MANY_DIRECTIVES";
    pub const TOO_MANY_ROOT_FIELDS: &str = "TOO_MANY_ROOT_FIELDS";
    pub const BATCH_TOO_LARGE: &str = "BATCH_TOO_LARGE";
    /// The estimated size of the answer (fields × page sizes) is over the limit.
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    /// An argument asks for more than a configured bound allows (a graph question's hop limit, node
    /// limit or number of paths); `extensions.field` names it.
    pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
    /// A delete would remove more nodes than one request may (`CASEGRAPH_MAX_DELETE_NODES`).
    pub const DELETE_TOO_LARGE: &str = "DELETE_TOO_LARGE";
}

/// Deliberately not `Display`: async-graphql converts every `Display` type into an error without
/// extensions, and that blanket conversion would silently drop our codes. Without `Display`, our own
/// `From<AppError>` applies and `?` in a resolver always keeps `extensions.code`.
#[derive(Debug, Clone)]
pub enum AppError {
    /// The caller sent a value we cannot accept; `field` is the input path at fault.
    BadUserInput {
        field: Option<String>,
        message: String,
    },
    /// An id that names nothing (in the caller's collections). `kinds` are what the id had to name:
    /// one kind, or several where any will do (a claim is about an event, a participation or a count).
    NotFound {
        kinds: &'static [NodeKind],
        id: String,
        field: Option<String>,
    },
    /// The request is valid on its own but clashes with what is stored.
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// An argument asks for more than a configured bound allows.
    LimitExceeded { field: String, message: String },
    /// A delete would remove more nodes than one request may; `field` names the id.
    DeleteTooLarge { field: String, message: String },
    /// Neo4j cannot be reached or timed out; the service recovers by itself when it is back.
    DatabaseUnavailable(String),
    /// Two concurrent writes waited on each other's locks and Neo4j rolled this one back whole
    /// (`Neo.TransientError.Transaction.DeadlockDetected`). Rerunning it is safe: a write
    /// transaction is retried a few times (`Db::write`) before the caller sees this, with the code of
    /// [`Self::DatabaseUnavailable`] (try again).
    Deadlock(String),
    /// Anything else: a bug or an unexpected database answer. Logged, never shown.
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadUserInput {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn not_found(kind: NodeKind, id: impl Into<String>, field: impl Into<String>) -> Self {
        Self::not_found_any(kind.alone(), id, field)
    }

    /// Not found as any of `kinds`.
    pub fn not_found_any(
        kinds: &'static [NodeKind],
        id: impl Into<String>,
        field: impl Into<String>,
    ) -> Self {
        AppError::NotFound {
            kinds,
            id: id.into(),
            field: Some(field.into()),
        }
    }

    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    pub fn limit_exceeded(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::LimitExceeded {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        AppError::Internal(detail.into())
    }

    /// The message a client sees. Internal details stay in the logs.
    pub fn message(&self) -> String {
        match self {
            AppError::BadUserInput { message, .. }
            | AppError::Conflict { message, .. }
            | AppError::LimitExceeded { message, .. }
            | AppError::DeleteTooLarge { message, .. } => message.clone(),
            AppError::NotFound { kinds, id, .. } => {
                format!("no {} with id {id:?}", NodeKind::describe(kinds))
            }
            AppError::DatabaseUnavailable(_) => {
                "the database is unavailable, try again shortly".into()
            }
            AppError::Deadlock(_) => {
                "a concurrent write held what this one needed; nothing was written, try again"
                    .into()
            }
            AppError::Internal(_) => "internal server error".into(),
        }
    }

    /// The message for operators: includes internal details. For logs and the command line only.
    pub fn detail(&self) -> String {
        match self {
            AppError::DatabaseUnavailable(d) | AppError::Deadlock(d) | AppError::Internal(d) => {
                d.clone()
            }
            other => other.message(),
        }
    }

    /// The stable code for `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadUserInput { .. } => codes::BAD_USER_INPUT,
            AppError::NotFound { .. } => codes::NOT_FOUND,
            AppError::Conflict { .. } => codes::CONFLICT,
            AppError::LimitExceeded { .. } => codes::LIMIT_EXCEEDED,
            AppError::DeleteTooLarge { .. } => codes::DELETE_TOO_LARGE,
            AppError::DatabaseUnavailable(_) | AppError::Deadlock(_) => codes::DATABASE_UNAVAILABLE,
            AppError::Internal(_) => codes::INTERNAL,
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::BadUserInput { field, .. }
            | AppError::NotFound { field, .. }
            | AppError::Conflict { field, .. } => field.as_deref(),
            AppError::LimitExceeded { field, .. } | AppError::DeleteTooLarge { field, .. } => {
                Some(field)
            }
            _ => None,
        }
    }

    /// Prefixes the field path, so a nested validator's `date.edtf` becomes `input.date.edtf`.
    pub fn under(self, prefix: &str) -> Self {
        let join = |f: Option<String>| match f {
            Some(f) if !f.is_empty() => Some(format!("{prefix}.{f}")),
            _ => Some(prefix.to_string()),
        };
        match self {
            AppError::BadUserInput { field, message } => AppError::BadUserInput {
                field: join(field),
                message,
            },
            AppError::NotFound { kinds, id, field } => AppError::NotFound {
                kinds,
                id,
                field: join(field),
            },
            AppError::Conflict { field, message } => AppError::Conflict {
                field: join(field),
                message,
            },
            other => other,
        }
    }
}

impl From<crate::domain::ValidationError> for AppError {
    fn from(e: crate::domain::ValidationError) -> Self {
        AppError::BadUserInput {
            field: Some(e.field),
            message: e.message,
        }
    }
}

impl From<neo4rs::Error> for AppError {
    /// Classifies driver failures once, here: connection trouble means the database is unavailable
    /// (retryable by the client); a constraint violation is a conflict; the rest is internal.
    fn from(e: neo4rs::Error) -> Self {
        use neo4rs::Error as E;
        match &e {
            E::IOError { .. }
            | E::ConnectionError
            | E::ConnectionTimedOut
            | E::ServerUnavailableError(_)
            | E::IncompleteBoltExchange
            | E::RoutingTableRefreshFailed(_) => AppError::DatabaseUnavailable(e.to_string()),
            E::Neo4j(n) if n.code() == "Neo.TransientError.Transaction.DeadlockDetected" => {
                AppError::Deadlock(e.to_string())
            }
            E::Neo4j(n) if n.code().starts_with("Neo.TransientError") => {
                AppError::DatabaseUnavailable(e.to_string())
            }
            E::Neo4j(n) if n.code() == "Neo.ClientError.Schema.ConstraintValidationFailed" => {
                AppError::Conflict {
                    field: None,
                    message: "this would duplicate an existing record".into(),
                }
            }
            _ => AppError::Internal(e.to_string()),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        match &e {
            AppError::Internal(detail) => tracing::error!(error.detail = %detail, "internal error"),
            AppError::DatabaseUnavailable(detail) | AppError::Deadlock(detail) => {
                tracing::warn!(error.detail = %detail, "database unavailable")
            }
            _ => {}
        }
        let code = e.code();
        let field = e.field().map(str::to_string);
        async_graphql::Error::new(e.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(f) = &field {
                ext.set("field", f.as_str());
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext_code(e: AppError) -> (String, Option<String>, String) {
        let gql: async_graphql::Error = e.into();
        let ext = gql.extensions.expect("extensions");
        let code = match ext.get("code") {
            Some(async_graphql::Value::String(s)) => s.clone(),
            other => panic!("code missing: {other:?}"),
        };
        let field = match ext.get("field") {
            Some(async_graphql::Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        (code, field, gql.message)
    }

    #[test]
    fn bad_input_maps_to_bad_user_input_with_its_field() {
        let (code, field, _) = ext_code(AppError::bad_input("input.date.edtf", "not a date"));
        assert_eq!(code, "BAD_USER_INPUT");
        assert_eq!(field.as_deref(), Some("input.date.edtf"));
    }

    #[test]
    fn not_found_maps_to_not_found() {
        let (code, field, msg) = ext_code(AppError::not_found(NodeKind::Event, "e-1", "id"));
        assert_eq!(code, "NOT_FOUND");
        assert_eq!(field.as_deref(), Some("id"));
        assert!(msg.contains("e-1"));
        assert_eq!(msg, "no Event with id \"e-1\"");
        let (_, _, msg) = ext_code(AppError::not_found_any(NodeKind::FACTS, "x", "about"));
        assert_eq!(msg, "no Event, Participation or Count with id \"x\"");
    }

    #[test]
    fn a_limit_exceeded_names_its_field() {
        let (code, field, _) = ext_code(AppError::limit_exceeded("depth", "at most 3"));
        assert_eq!(code, "LIMIT_EXCEEDED");
        assert_eq!(field.as_deref(), Some("depth"));
    }

    #[test]
    fn conflict_maps_to_conflict() {
        assert_eq!(ext_code(AppError::conflict(None, "x")).0, "CONFLICT");
    }

    #[test]
    fn a_lost_connection_maps_to_database_unavailable() {
        let (code, _, _) = ext_code(AppError::from(neo4rs::Error::ConnectionError));
        assert_eq!(code, "DATABASE_UNAVAILABLE");
    }

    #[test]
    fn internal_errors_do_not_leak_their_detail() {
        let (code, _, msg) = ext_code(AppError::internal(
            "Cypher syntax error near MATCH (n:Secret)",
        ));
        assert_eq!(code, "INTERNAL_SERVER_ERROR");
        assert!(!msg.contains("Cypher"));
    }

    #[test]
    fn every_code_is_documented_in_the_readme() {
        let source = include_str!("error.rs");
        let readme = include_str!("../README.md");
        let codes = source.split("pub mod codes {").nth(1).unwrap();
        let codes = &codes[..codes.find("\n}").unwrap()];
        let mut found = 0;
        for line in codes.lines().filter(|l| l.contains("pub const")) {
            let value = line.split('"').nth(1).expect("a string constant");
            assert!(
                readme.contains(&format!("`{value}`")),
                "{value} is not in the README"
            );
            found += 1;
        }
        assert!(found >= 20, "found only {found} codes");
    }

    #[test]
    fn under_prefixes_the_field_path() {
        let e = AppError::bad_input("edtf", "x").under("input.date");
        assert_eq!(e.field(), Some("input.date.edtf"));
    }
}
