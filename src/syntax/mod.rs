//! Syntax errors as users see them: the checking core's parser finds the first error of a
//! rejected document; this module asks the `kdl` crate for the full explanation (every error
//! it reports, each with its span), and gives a file that fails as KDL v2 but parses as KDL
//! v1 a single error that says so and names the fix.
//!
//! This is the only place that uses the `kdl` crate (which brings `miette` with it): the core
//! stays free of both, and receives [`explain`] as its [`parse::Explain`].

pub mod reference;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use lync_lint_core::doc::Document;
use lync_lint_core::parse::{self, SyntaxError};

/// Parses `src`, explaining a rejected document with [`explain`].
///
/// # Errors
/// Every error the `kdl` crate reports, one error for a KDL v1 document, or the parser's own
/// error (deep nesting, forbidden characters, a large file, or the crate out of time).
pub fn parse(src: &str) -> Result<Document, Vec<SyntaxError>> {
    parse::parse_explained(src, explain)
}

/// Above this size a rejected file gets only our own error (see [`diagnose`]).
const REFERENCE_LIMIT: usize = 1 << 20;
/// How long the `kdl` crate may take to explain a rejected document: its error recovery is
/// super-linear on some inputs (fuzzing found 843 bytes that take 6 s). Past this, our own
/// error is reported.
const REFERENCE_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);
/// While this many threads run the `kdl` crate past their budget, it is not started again.
const MAX_STRAGGLERS: usize = 2;
/// The name of the threads that run the `kdl` crate; their panics are caught, and silent.
const REFERENCE_THREAD: &str = "lync-lint-kdl-reference";
/// At most this many syntax errors are reported per file.
const MAX_ERRORS: usize = 100;

/// Characters KDL v2 forbids anywhere in a document (besides the newline characters).
fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Explains why `src` was rejected ([`parse::Explain`]). `ours` is the fast parser's first
/// error.
pub fn explain(src: &str, ours: SyntaxError) -> Vec<SyntaxError> {
    // The `kdl` parser recurses on children blocks: never hand it a deep document. The
    // scan counts braces inside strings and comments too, so it can only be stricter.
    if parse::is_too_deep(&ours) || reference::too_deep(src).is_some() {
        return vec![ours];
    }
    // Large garbage makes the crate's error recovery produce millions of errors; and a
    // character KDL v2 forbids is not a sign of KDL v1 (which allowed it): our own error,
    // with its span, says more in both cases.
    if src.len() > REFERENCE_LIMIT || src.chars().any(forbidden) {
        return vec![ours];
    }
    let mut out = explain_with_kdl(src.to_owned()).unwrap_or_default();
    out.truncate(MAX_ERRORS);
    if out.is_empty() {
        out.push(ours);
    }
    out
}

/// How many threads still run the `kdl` crate past their budget.
static STRAGGLERS: AtomicUsize = AtomicUsize::new(0);

/// A reference thread's state, shared with the caller.
const RUNNING: u8 = 0;
const DONE: u8 = 1;
const ABANDONED: u8 = 2;

/// Marks the thread done when it ends (panics included), and uncounts it if the caller
/// gave up on it.
struct Finish(Arc<AtomicU8>);

impl Drop for Finish {
    fn drop(&mut self) {
        if self.0.swap(DONE, Ordering::SeqCst) == ABANDONED {
            STRAGGLERS.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The `kdl` crate's errors for `src` (one KDL v1 hint if it parses as v1), on a thread of
/// its own: `None` if it panics (its v1 parser does on some inputs) or takes longer than
/// [`REFERENCE_BUDGET`] (the thread is left to finish on its own).
fn explain_with_kdl(src: String) -> Option<Vec<SyntaxError>> {
    static QUIET_PANICS: std::sync::Once = std::sync::Once::new();
    QUIET_PANICS.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(REFERENCE_THREAD) {
                previous(info);
            }
        }));
    });
    // A thread past its budget runs on until the crate returns: while a few do, files get
    // our own error, so a run of pathological files cannot pile them up.
    if STRAGGLERS.load(Ordering::SeqCst) >= MAX_STRAGGLERS {
        return None;
    }
    let state = Arc::new(AtomicU8::new(RUNNING));
    let finish = Finish(state.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(REFERENCE_THREAD.to_owned())
        // The crate recurses (at most `MAX_DEPTH` blocks deep, checked before).
        .stack_size(32 << 20)
        .spawn(move || {
            let _finish = finish;
            let errors = match kdl::KdlDocument::parse_v2(&src) {
                // The crate accepts a few documents the specification rejects (e.g. U+007F).
                Ok(_) => Vec::new(),
                Err(_) if kdl::KdlDocument::parse_v1(&src).is_ok() => vec![reference::v1_error(&src)],
                Err(err) => reference::convert_errors(&src, err),
            };
            let _ = tx.send(errors);
        })
        .ok()?;
    let errors = rx.recv_timeout(REFERENCE_BUDGET).ok();
    if errors.is_none() {
        // Counted before it is marked, so that its end never uncounts it first.
        STRAGGLERS.fetch_add(1, Ordering::SeqCst);
        if state.compare_exchange(RUNNING, ABANDONED, Ordering::SeqCst, Ordering::SeqCst).is_err() {
            STRAGGLERS.fetch_sub(1, Ordering::SeqCst);
        }
    }
    errors
}
