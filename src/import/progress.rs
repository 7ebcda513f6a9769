//! Progress of `casegraph import`: a bar with rate and ETA on a terminal (`indicatif`), and a plain line
//! every few seconds otherwise (a log, CI, a pipe), so that a long import is never silent.

use std::{
    io::IsTerminal,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the plain form prints a line.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub(super) struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    started: Instant,
    last_line: Instant,
    quiet: bool,
}

impl Progress {
    /// `total` is the reading's total (`stream::DONE`): the bar and the ETA follow it. With `quiet`,
    /// nothing is shown (tests, library callers).
    pub(super) fn new(total: u64, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg} (ETA {eta})",
                )
                .expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            total,
            started: now,
            last_line: now,
            quiet,
        }
    }

    /// Reports that `bytes` of the file have been read and `events` events (of `records` records)
    /// dealt with.
    pub(super) fn update(&mut self, bytes: u64, records: u64, events: u64) {
        let rate = events as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let message = format!("{records} records, {events} events, {rate:.0} events/s");
        if let Some(bar) = &self.bar {
            bar.set_position(bytes.min(self.total));
            bar.set_message(message);
        } else if !self.quiet && self.last_line.elapsed() >= PLAIN_EVERY {
            self.last_line = Instant::now();
            let done = bytes as f64 / self.total.max(1) as f64;
            let elapsed = self.started.elapsed().as_secs_f64();
            let eta = if done > 0.0 {
                format!("{:.0} s", elapsed / done - elapsed)
            } else {
                "unknown".into()
            };
            eprintln!(
                "import: {:.0}% of the file, {message}, ETA {eta}",
                done * 100.0
            );
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
