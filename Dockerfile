# casegraph service image, built from the same Cargo files as everywhere else.
# GraphiQL's assets come from the npm registry in a Node stage, so the Rust stage needs no npm.

FROM node:20-bookworm-slim AS graphiql
WORKDIR /build/web/graphiql
COPY web/graphiql/package.json web/graphiql/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM rust:1-bookworm AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY schema ./schema
COPY web/graphiql/package.json web/graphiql/package-lock.json ./web/graphiql/
COPY --from=graphiql /build/web/graphiql/node_modules ./web/graphiql/node_modules
RUN cargo build --release --locked --bin casegraph

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 casegraph
WORKDIR /app
COPY --from=build /build/target/release/casegraph /usr/local/bin/casegraph
COPY data ./data
USER casegraph
ENV CASEGRAPH_HOST=0.0.0.0 CASEGRAPH_PORT=8080
EXPOSE 8080
# Liveness, not readiness: /health answers while the process serves HTTP, whatever Neo4j does, so a
# database outage (which /ready reports) never marks the service itself unhealthy. Docker only reports
# this status; restarting is the job of the restart policy (docker-compose.yml: `restart`), which acts
# when the process exits, e.g. an abort (exit 134).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
CMD ["casegraph", "serve"]
