//! Parsing: source text to the internal [`Document`] model, with byte spans.
//!
//! Every document is parsed by our own KDL v2 parser ([`fast`]): iterative (no recursion,
//! so no stack overflow at any depth), one pass, allocations proportional to nodes. Its spans
//! are, by construction and by differential tests, the ones the `kdl` crate path produces
//! ([`reference`]): node span from the type annotation's `(` or the name to the end of the
//! node's last element (children block included, terminator excluded); name and annotation
//! spans on the string token (quotes included); entry span from the property name (or the
//! annotation, or the value) to the end of the value; `value_span` on the value token.
//!
//! A document it rejects is handed to the `kdl` crate for the diagnostics users see today
//! (every error the crate reports, each with its span), and a file that fails as KDL v2 but
//! parses as KDL v1 gets a single error that says so and names the fix. Nothing else in the
//! crate may use `kdl` types.

// Errors are boxed to keep the `Result`s of the hot paths small.
#[allow(clippy::unnecessary_box_returns)]
mod fast;
pub mod reference;
#[allow(clippy::unnecessary_box_returns)]
mod scan;
#[allow(clippy::unnecessary_box_returns)]
mod string;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use crate::doc::{Document, Ident, Span};

/// One syntax problem, with its span in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    pub span: Span,
}

/// Maximum nesting of children blocks: a deeper document is refused with one error at the
/// brace that goes too deep (the tree is walked recursively downstream).
pub const MAX_DEPTH: usize = 128;

/// Parses `src` as KDL v2 into the document model.
///
/// # Errors
/// Every error the `kdl` crate reports, or one error for a KDL v1 document, or one error
/// for a document nested deeper than [`MAX_DEPTH`].
pub fn parse(src: &str) -> Result<Document, Vec<SyntaxError>> {
    fast::parse(src).map_err(|err| diagnose(src, *err))
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

/// Explains why `src` was rejected. `ours` is the fast parser's first error.
fn diagnose(src: &str, ours: SyntaxError) -> Vec<SyntaxError> {
    // The `kdl` parser recurses on children blocks: never hand it a deep document. The
    // scan counts braces inside strings and comments too, so it can only be stricter.
    if ours.message.starts_with(fast::TOO_DEEP) || reference::too_deep(src).is_some() {
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

/// Clamps a span into `src`, on character boundaries.
pub(crate) fn clamp(src: &str, span: Span) -> Span {
    let mut start = span.start.min(src.len());
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, src.len());
    while !src.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// Shrinks a span so it starts and ends on non-whitespace.
pub(crate) fn trim(src: &str, span: Span) -> Span {
    let text = &src[span.start..span.end];
    let start = span.start + (text.len() - text.trim_start().len());
    let end = span.start + text.trim_end().len();
    Span::new(start, end.max(start))
}

/// The span of an entry's value token, from the entry's span: after the property's `=` and
/// after the annotation's `)`. Both parsers use this one definition.
pub(crate) fn value_span(src: &str, span: Span, name: Option<&Ident>, ty: Option<&Ident>) -> Span {
    let mut value_start = span.start;
    if let Some(n) = name {
        let rest = &src[n.span.end.min(span.end)..span.end];
        value_start = n.span.end + rest.find('=').map_or(0, |p| p + 1);
    }
    if let Some(t) = ty {
        let rest = &src[t.span.end.min(span.end)..span.end];
        value_start = value_start.max(t.span.end + rest.find(')').map_or(0, |p| p + 1));
    }
    trim(src, Span::new(value_start.min(span.end), span.end))
}

#[cfg(test)]
mod tests;
