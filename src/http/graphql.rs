//! `POST /graphql` and `GET /graphql`, following the GraphQL-over-HTTP spec.
//!
//! We parse and answer requests ourselves rather than through async-graphql-axum: since 7.0.17 it
//! always answers `application/graphql-response+json`, which breaks clients that only accept
//! `application/json`, and its rejections are plain text where ours are JSON.

use async_graphql::{BatchRequest, BatchResponse};
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use tracing::Instrument;

use super::AppState;
use crate::error::codes;

/// The response media types we speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: the spec's own type; request errors get a 4xx status.
    GraphqlResponse,
    /// `application/json`: legacy clients; every well-formed request gets 200.
    Json,
}

impl MediaType {
    fn header(self) -> HeaderValue {
        match self {
            MediaType::GraphqlResponse => {
                HeaderValue::from_static("application/graphql-response+json; charset=utf-8")
            }
            MediaType::Json => HeaderValue::from_static("application/json; charset=utf-8"),
        }
    }
}

/// Picks the response media type from `Accept`. A client that names
/// `application/graphql-response+json` (and does not rank it below `application/json`) gets it; no
/// header, a wildcard or `application/json` get `application/json`, as GraphQL over HTTP recommends so
/// that legacy clients, which do not know the new type, keep working.
pub fn negotiate(headers: &HeaderMap) -> Result<MediaType, Box<Response>> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let kind = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .next()
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        let media = match kind.as_str() {
            "application/graphql-response+json" => MediaType::GraphqlResponse,
            "application/json" | "*/*" | "application/*" => MediaType::Json,
            _ => continue,
        };
        // At equal rank the type the client named explicitly wins over JSON.
        let better = match best {
            None => true,
            Some((bq, bm)) => q > bq || (q == bq && bm == MediaType::Json && media != bm),
        };
        if better {
            best = Some((q, media));
        }
    }
    best.map(|(_, m)| m).ok_or_else(|| {
        Box::new(error_response(
            MediaType::Json,
            StatusCode::NOT_ACCEPTABLE,
            codes::NOT_ACCEPTABLE,
            "this endpoint answers application/graphql-response+json or application/json",
        ))
    })
}

/// A JSON error body in the GraphQL response shape, for failures before execution.
pub fn error_response(media: MediaType, status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, media.header())],
        body.to_string(),
    )
        .into_response()
}

pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let media = match negotiate(&headers) {
        Ok(m) => m,
        Err(resp) => return *resp,
    };
    let bytes = match body {
        Ok(b) => b,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let msg = format!(
                "the request body is larger than {} bytes",
                state.config.http.body_limit_bytes
            );
            return error_response(
                media,
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::PAYLOAD_TOO_LARGE,
                &msg,
            );
        }
        Err(rejection) => {
            return error_response(
                media,
                StatusCode::BAD_REQUEST,
                codes::BAD_REQUEST,
                &rejection.body_text(),
            )
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_ascii_lowercase();
    let batch = if content_type.starts_with("application/graphql") && !content_type.contains("json")
    {
        match String::from_utf8(bytes.to_vec()) {
            Ok(query) => BatchRequest::Single(async_graphql::Request::new(query)),
            Err(_) => return bad_request(media, "the request body is not UTF-8"),
        }
    } else if content_type.starts_with("application/json") || content_type.contains("+json") {
        match serde_json::from_slice::<BatchRequest>(&bytes) {
            Ok(batch) => batch,
            Err(e) => {
                return bad_request(media, &format!("the body is not a GraphQL request: {e}"))
            }
        }
    } else {
        return error_response(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::BAD_REQUEST,
            "send the request as application/json (or application/graphql)",
        );
    };
    execute(state, batch, media).await
}

pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html
        && query.as_deref().is_none_or(|q| !q.contains("query="))
        && state.config.http.graphiql
    {
        return super::graphiql::page().await.into_response();
    }
    let media = match negotiate(&headers) {
        Ok(m) => m,
        Err(resp) => return *resp,
    };
    let mut request = match async_graphql::http::parse_query_string(query.as_deref().unwrap_or(""))
    {
        Ok(r) => r,
        Err(e) => {
            return bad_request(
                media,
                &format!("the query string is not a GraphQL request: {e}"),
            )
        }
    };
    // Measured before the parse below, which a deep enough document would crash (`api::limits`).
    if let Err(refused) = crate::api::limits::check_cached(
        &mut request,
        &state.config.graphql,
        Some(&state.documents),
    ) {
        return refusal(media, refused);
    }
    // GET must not change anything (it may be cached or prefetched); the spec asks for 405 here. The
    // request keeps the parsed document, so execution does not parse it again.
    if let Ok(doc) = request.parsed_query() {
        let mutates = doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty != async_graphql::parser::types::OperationType::Query);
        if mutates {
            let mut resp = error_response(
                media,
                StatusCode::METHOD_NOT_ALLOWED,
                codes::METHOD_NOT_ALLOWED,
                "mutations must be sent with POST",
            );
            resp.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return resp;
        }
    }
    execute(state, BatchRequest::Single(request), media).await
}

fn bad_request(media: MediaType, message: &str) -> Response {
    error_response(media, StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
}

async fn execute(state: AppState, mut batch: BatchRequest, media: MediaType) -> Response {
    let requests: Vec<&async_graphql::Request> = match &batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs.iter().collect(),
    };
    if requests.is_empty() || requests.iter().any(|r| r.query.trim().is_empty()) {
        return bad_request(media, "the request has no query");
    }
    let operation = requests
        .iter()
        .map(|r| {
            r.operation_name
                .clone()
                .unwrap_or_else(|| "anonymous".into())
        })
        .collect::<Vec<_>>()
        .join(",");
    tracing::Span::current().record("graphql.operation", operation.as_str());

    // Measured before async-graphql parses anything: hostile documents must never reach it.
    if let Err(refused) =
        crate::api::limits::check_batch(&mut batch, &state.config.graphql, Some(&state.documents))
    {
        return refusal(media, refused);
    }
    // Parse each document once, here (or take it from the kept ones): async-graphql executes the
    // parsed form, and the response ordering below walks the same document.
    let documents = &state.documents;
    let plans: Vec<Option<OrderPlan>> = match &mut batch {
        BatchRequest::Single(r) => vec![OrderPlan::of(r, documents)],
        BatchRequest::Batch(rs) => rs.iter_mut().map(|r| OrderPlan::of(r, documents)).collect(),
    };
    // Validation is answered from the kept results for a request seen before (`api::documents`).
    for r in batch.iter_mut() {
        if let Some(key) = crate::api::documents::ValidationKey::of(r) {
            r.data.insert(key);
        }
    }

    let db = state.store.session(crate::store::Scope::all());
    let batch = crate::api::attach_request_data(batch, &db);
    let started = std::time::Instant::now();
    let span = tracing::info_span!("graphql", operation = %operation);
    let response = crate::api::execute(&state.schema, batch)
        .instrument(span)
        .await;
    let round_trips = db.round_trips();
    tracing::debug!(
        graphql.operation = %operation,
        round_trips,
        duration_ms = started.elapsed().as_millis() as u64,
        "graphql request executed"
    );

    let mut plans = plans.into_iter();
    let mut finish = |mut r: async_graphql::Response| {
        if let Some(Some(plan)) = plans.next() {
            plan.apply(&mut r.data);
        }
        with_codes(&mut r);
        Outcome::of(r.extension("roundTrips", async_graphql::Value::from(round_trips as u64)))
    };
    let (status, body) = match response {
        BatchResponse::Single(r) => {
            let outcome = finish(r);
            // GraphQL over HTTP: under the spec's type a request error (nothing executed) is a 400;
            // once execution started the answer is a 200, even when a field error nulled `data`.
            // Legacy `application/json` clients get 200 for every well-formed request.
            let status = if outcome.is_request_error() && media == MediaType::GraphqlResponse {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            (status, serde_json::to_string(&outcome))
        }
        BatchResponse::Batch(all) => {
            let outcomes: Vec<Outcome> = all.into_iter().map(&mut finish).collect();
            (StatusCode::OK, serde_json::to_string(&outcomes))
        }
    };
    match body {
        Ok(body) => (status, [(header::CONTENT_TYPE, media.header())], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize a GraphQL response");
            error_response(
                media,
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "internal server error",
            )
        }
    }
}

/// What [`super::order::reorder`] needs to put one request's result into the query's order.
struct OrderPlan {
    doc: std::sync::Arc<async_graphql::parser::types::ExecutableDocument>,
    operation: Option<String>,
    variables: async_graphql::Variables,
}

impl OrderPlan {
    /// Parses the request's document (async-graphql then reuses it); `None` when it does not parse,
    /// which execution reports as a request error.
    fn of(
        request: &mut async_graphql::Request,
        documents: &crate::api::documents::Documents,
    ) -> Option<OrderPlan> {
        let doc = match documents.parsed(&request.query) {
            Some(kept) => kept,
            None => std::sync::Arc::new(request.parsed_query().ok()?.clone()),
        };
        Some(OrderPlan {
            doc,
            operation: request.operation_name.clone(),
            variables: request.variables.clone(),
        })
    }

    fn apply(&self, data: &mut async_graphql::Value) {
        super::order::reorder(data, &self.doc, self.operation.as_deref(), &self.variables);
    }
}

/// One result as sent. A request error (the document did not parse or validate, or its variables did
/// not coerce, so nothing executed) has no `data` entry at all, as the GraphQL spec asks; every other
/// result has one, `null` when a field error reached the root.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Outcome {
    Executed(async_graphql::Response),
    RequestError {
        errors: Vec<async_graphql::ServerError>,
        #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        extensions: std::collections::BTreeMap<String, async_graphql::Value>,
    },
}

impl Outcome {
    fn of(r: async_graphql::Response) -> Outcome {
        // async-graphql gives every field error the path of its field; errors before execution (parse,
        // validation, limits, variables) have none. So `data: null` with only path-less errors means
        // execution never started.
        let request_error = r.data == async_graphql::Value::Null
            && !r.errors.is_empty()
            && r.errors.iter().all(|e| e.path.is_empty());
        if request_error {
            Outcome::RequestError {
                errors: r.errors,
                extensions: r.extensions,
            }
        } else {
            Outcome::Executed(r)
        }
    }

    fn is_request_error(&self) -> bool {
        matches!(self, Outcome::RequestError { .. })
    }
}

/// A document over a limit is a request error: 400 for the spec's media type, 200 for legacy JSON.
fn refusal(media: MediaType, refused: crate::api::limits::Refusal) -> Response {
    let status = match media {
        MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    };
    error_response(media, status, refused.code, &refused.message)
}

/// Gives every error a stable `extensions.code`. Our resolvers always set one; errors without one come
/// from async-graphql's parser and validator (or variable coercion), before any resolver ran.
fn with_codes(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let ext = error.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", codes::GRAPHQL_VALIDATION_FAILED);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn plain_json_clients_get_json() {
        assert_eq!(
            negotiate(&accept("application/json")).unwrap(),
            MediaType::Json
        );
    }

    #[test]
    fn no_accept_header_or_a_wildcard_gets_json() {
        assert_eq!(negotiate(&HeaderMap::new()).unwrap(), MediaType::Json);
        for wildcard in ["*/*", "application/*", "text/html, */*;q=0.8"] {
            assert_eq!(
                negotiate(&accept(wildcard)).unwrap(),
                MediaType::Json,
                "{wildcard}"
            );
        }
        assert_eq!(
            negotiate(&accept("*/*, application/graphql-response+json")).unwrap(),
            MediaType::GraphqlResponse
        );
    }

    #[test]
    fn both_listed_prefers_the_spec_type_unless_ranked_lower() {
        assert_eq!(
            negotiate(&accept(
                "application/json, application/graphql-response+json"
            ))
            .unwrap(),
            MediaType::GraphqlResponse
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            ))
            .unwrap(),
            MediaType::Json
        );
        assert_eq!(
            negotiate(&accept("application/json, */*;q=0.8")).unwrap(),
            MediaType::Json
        );
    }

    #[test]
    fn unacceptable_types_get_406() {
        assert_eq!(
            negotiate(&accept("text/plain")).unwrap_err().status(),
            StatusCode::NOT_ACCEPTABLE
        );
    }
}
