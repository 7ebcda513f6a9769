//! GraphiQL, served entirely by the service: no CDN, so it works offline and on locked-down networks.
//! The React and GraphiQL bundles are embedded at build time by `build.rs` from the npm registry.

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{Html, IntoResponse, Response},
};

const GRAPHIQL_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/graphiql.min.js"));
const GRAPHIQL_CSS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/graphiql.min.css"));
const REACT_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/react.production.min.js"));
const REACT_DOM_JS: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/react-dom.production.min.js"));
const INIT_JS: &str = include_str!("graphiql_init.js");

/// Where the assets are mounted; the page refers to them relative to it.
pub const ASSET_PREFIX: &str = "/graphiql/assets";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>casegraph · GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script src="/graphiql/assets/init.js"></script>
</body>
</html>"#;

pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &str) = match name.as_str() {
        "graphiql.min.js" => (GRAPHIQL_JS, "text/javascript; charset=utf-8"),
        "graphiql.min.css" => (GRAPHIQL_CSS, "text/css; charset=utf-8"),
        "react.production.min.js" => (REACT_JS, "text/javascript; charset=utf-8"),
        "react-dom.production.min.js" => (REACT_DOM_JS, "text/javascript; charset=utf-8"),
        "init.js" => (INIT_JS.as_bytes(), "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
