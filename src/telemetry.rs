//! Logging with `tracing`: an env filter, and a JSON switch for log shippers.

use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

use crate::config::LogConfig;

/// Installs the global subscriber. Call once, from `main`.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_new(&config.filter).unwrap_or_else(|e| {
        eprintln!(
            "RUST_LOG={:?} is not a valid filter ({e}); using \"info\"",
            config.filter
        );
        EnvFilter::new("info")
    });
    let registry = tracing_subscriber::registry().with(filter);
    if config.json {
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .init();
    } else {
        registry.with(fmt::layer().with_target(true)).init();
    }
}
