//! The HTTP surface: routes, limits and middleware. GraphQL execution itself lives in [`crate::api`].

pub mod body_limit;
pub mod graphiql;
pub mod graphql;
pub mod health;
mod order;

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::Response,
    routing::get,
    Router,
};
use tower_http::{
    cors::{AllowOrigin, Any, CorsLayer},
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};

use crate::{api::CasegraphSchema, config::Config, error::codes, store::Store};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub schema: CasegraphSchema,
    /// The parsed and validated documents the schema also answers validation from.
    pub documents: Arc<crate::api::documents::Documents>,
    pub store: Arc<Store>,
    pub config: Arc<Config>,
}

/// The whole router; tests drive exactly this with `tower::ServiceExt::oneshot`.
pub fn router(state: AppState) -> Router {
    let http = &state.config.http;
    let mut router = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/health", get(health::health))
        .route("/ready", get(health::ready));
    if http.graphiql {
        router = router.route("/graphiql", get(graphiql::page)).route(
            &format!("{}/{{name}}", graphiql::ASSET_PREFIX),
            get(graphiql::asset),
        );
    }
    router
        .layer(DefaultBodyLimit::max(http.body_limit_bytes))
        .layer(middleware::from_fn_with_state(
            http.request_timeout,
            timeout,
        ))
        // Outside the timeout: draining an oversized body must end in its 413, not in a 504.
        .layer(middleware::from_fn_with_state(
            body_limit::BodyLimit {
                limit: http.body_limit_bytes,
                drain_bytes: http.body_drain_bytes,
                drain_time: http.request_timeout,
            },
            body_limit::limit_body,
        ))
        .layer(cors(&state.config))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // One span per request; the GraphQL handler records the operation name into it.
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        graphql.operation = tracing::field::Empty,
                    )
                })
                // The closing line of each request, with its status and duration, inside its span.
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Millis),
                )
                .on_request(()),
        )
        .with_state(state)
}

/// Answers `REQUEST_TIMEOUT` as JSON when a request takes longer than the configured limit. The
/// in-flight database statement is dropped with the future; Neo4j ends its transaction.
async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => graphql::error_response(
            graphql::MediaType::Json,
            StatusCode::GATEWAY_TIMEOUT,
            codes::REQUEST_TIMEOUT,
            &format!("the request took longer than {}s", limit.as_secs()),
        ),
    }
}

fn cors(config: &Config) -> CorsLayer {
    use crate::config::CorsOrigins;
    let base = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            axum::http::header::ACCEPT,
            axum::http::header::AUTHORIZATION,
        ])
        .max_age(Duration::from_secs(600));
    match &config.http.cors {
        CorsOrigins::None => base.allow_origin(AllowOrigin::list(Vec::<HeaderValue>::new())),
        CorsOrigins::Any => base.allow_origin(Any),
        CorsOrigins::List(list) => base.allow_origin(AllowOrigin::list(
            list.iter().filter_map(|o| HeaderValue::from_str(o).ok()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, http::Request as HttpRequest};
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_request_over_the_time_limit_gets_a_json_request_timeout() {
        let app = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .layer(middleware::from_fn_with_state(
                Duration::from_millis(50),
                timeout,
            ));
        let response = app
            .oneshot(HttpRequest::get("/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["errors"][0]["extensions"]["code"], "REQUEST_TIMEOUT");
    }
}
