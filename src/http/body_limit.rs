//! The request body limit, answered so that clients still sending actually see their 413.
//!
//! Refusing a body by not reading it makes the server close the connection while the client is still
//! writing: curl reads the early 413, but Node's `fetch` (and browsers) get a broken pipe (EPIPE) and
//! report a network error instead of the size limit. So an oversized body is read and thrown away, up
//! to `CASEGRAPH_BODY_DRAIN_BYTES` and the request timeout, before the 413 is sent; only a client that
//! sends more than that has its connection closed on it. A declared `Content-Length` over the limit is
//! refused without reading anything into memory (and without inviting the upload when the client asked
//! `Expect: 100-continue`, as curl does for large bodies); a body without one (chunked) is buffered only
//! up to the limit.

use std::time::Duration;

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use futures::StreamExt;

use super::graphql::{error_response, negotiate, MediaType};
use crate::error::codes;

/// The limit, what is drained past it, and for how long at most.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit {
    pub limit: usize,
    pub drain_bytes: usize,
    pub drain_time: Duration,
}

pub async fn limit_body(State(cfg): State<BodyLimit>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let media = negotiate(req.headers()).unwrap_or(MediaType::Json);
    // A client that waits for `100 Continue` has sent nothing yet: answer at once, and it never sends
    // the body (reading it here would make hyper invite the upload we are about to refuse).
    let waits_for_continue = req
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    match declared {
        Some(length) if length > cfg.limit as u64 && waits_for_continue => {
            too_large(media, cfg.limit, false)
        }
        Some(length) if length > cfg.limit as u64 => {
            let drained = drain(req.into_body(), 0, cfg).await;
            too_large(media, cfg.limit, drained)
        }
        // hyper holds the body to its declared length, and the handler's extractor to the limit.
        Some(_) => next.run(req).await,
        None => {
            let (parts, body) = req.into_parts();
            let mut stream = body.into_data_stream();
            let mut buffer = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(_) => return unreadable(media),
                };
                if buffer.len() + chunk.len() > cfg.limit {
                    let read = buffer.len() + chunk.len();
                    drop(buffer);
                    let drained = drain_stream(stream, read, cfg).await;
                    return too_large(media, cfg.limit, drained);
                }
                buffer.extend_from_slice(&chunk);
            }
            next.run(Request::from_parts(parts, Body::from(Bytes::from(buffer))))
                .await
        }
    }
}

/// Reads and discards the rest of a body; `true` when it ended within the budget.
async fn drain(body: Body, already: usize, cfg: BodyLimit) -> bool {
    drain_stream(body.into_data_stream(), already, cfg).await
}

async fn drain_stream(
    mut stream: axum::body::BodyDataStream,
    already: usize,
    cfg: BodyLimit,
) -> bool {
    let mut read = already;
    let budget = cfg.limit.saturating_add(cfg.drain_bytes);
    let all = async {
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => read += chunk.len(),
                Err(_) => return false,
            }
            if read > budget {
                return false;
            }
        }
        true
    };
    tokio::time::timeout(cfg.drain_time, all)
        .await
        .unwrap_or(false)
}

fn too_large(media: MediaType, limit: usize, drained: bool) -> Response {
    let mut response = error_response(
        media,
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::PAYLOAD_TOO_LARGE,
        &format!("the request body is larger than {limit} bytes"),
    );
    if !drained {
        // The rest of the body is still on the wire: this connection cannot carry another request.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn unreadable(media: MediaType) -> Response {
    error_response(
        media,
        StatusCode::BAD_REQUEST,
        codes::BAD_REQUEST,
        "the request body could not be read",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{middleware, routing::post, Router};
    use tower::ServiceExt;

    fn app(limit: usize, drain_bytes: usize) -> Router {
        let cfg = BodyLimit {
            limit,
            drain_bytes,
            drain_time: Duration::from_secs(5),
        };
        Router::new()
            .route(
                "/",
                post(|body: Bytes| async move { body.len().to_string() }),
            )
            .layer(middleware::from_fn_with_state(cfg, limit_body))
    }

    fn chunked(parts: usize, size: usize) -> Body {
        let chunks =
            (0..parts).map(move |_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; size])));
        Body::from_stream(futures::stream::iter(chunks))
    }

    async fn send(app: Router, req: Request) -> (StatusCode, Option<HeaderValue>, String) {
        let response = app.oneshot(req).await.unwrap();
        let status = response.status();
        let close = response.headers().get(header::CONNECTION).cloned();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, close, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_drained_then_refused() {
        let req = Request::post("/")
            .header(header::CONTENT_LENGTH, "4096")
            .body(Body::from(vec![b'x'; 4096]))
            .unwrap();
        let (status, close, body) = send(app(1024, 1 << 20), req).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(body.contains("PAYLOAD_TOO_LARGE"), "{body}");
        assert_eq!(close, None, "fully drained: the connection stays usable");
    }

    #[tokio::test]
    async fn a_chunked_body_over_the_limit_is_refused_and_past_the_drain_budget_closes() {
        let req = Request::post("/").body(chunked(8, 512)).unwrap();
        let (status, close, _) = send(app(1024, 1 << 20), req).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(close, None);

        let req = Request::post("/").body(chunked(64, 512)).unwrap();
        let (status, close, _) = send(app(1024, 2048), req).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(close.as_ref().map(|v| v.as_bytes()), Some(&b"close"[..]));
    }

    #[tokio::test]
    async fn bodies_within_the_limit_reach_the_handler_whole() {
        let req = Request::post("/").body(chunked(2, 512)).unwrap();
        let (status, _, body) = send(app(1024, 0), req).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "1024"));
    }
}
