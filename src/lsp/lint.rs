//! Linting one document, on a worker thread so the server keeps answering while a large or
//! pathological document is checked.
//!
//! The server hands a [`Job`] (a snapshot of the text and of the workspace) to the worker and
//! gets a [`Linted`] back; results for an outdated version are dropped by the server.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use lsp_types::Uri;

use super::convert::{self, Encoding, Lines};
use super::workspace::{Kind, Workspace};
use lync_lint_core::diag::{Diagnostic, SourceFile};

/// At most this many diagnostics are published for one document (a file of garbage can
/// produce one per character).
pub const MAX_DIAGNOSTICS: usize = 1000;

/// A snapshot to lint.
#[derive(Debug)]
pub struct Job {
    pub uri: String,
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: Arc<str>,
    pub kind: Kind,
    pub workspace: Arc<Workspace>,
    pub encoding: Encoding,
}

/// The result of a [`Job`]: byte-span diagnostics (for hover and code actions) and their
/// protocol form (to publish).
#[derive(Debug)]
pub struct Linted {
    pub uri: String,
    pub version: i32,
    pub diagnostics: Vec<Diagnostic>,
    pub published: Vec<lsp_types::Diagnostic>,
}

/// Runs jobs until the server goes away; `wrap` turns a result into the server's event type.
pub fn worker<E: Send + 'static>(jobs: Receiver<Job>, events: &Sender<E>, wrap: fn(Linted) -> E) {
    for job in jobs {
        let uri = job.uri.clone();
        let version = job.version;
        let linted = catch_unwind(AssertUnwindSafe(|| lint(&job))).unwrap_or_else(|_| {
            eprintln!("lync-lint lsp: internal error while checking {uri}; no diagnostics for it");
            Linted { uri, version, diagnostics: Vec::new(), published: Vec::new() }
        });
        if events.send(wrap(linted)).is_err() {
            return;
        }
    }
}

/// Checks one document as what it is.
#[must_use]
pub fn lint(job: &Job) -> Linted {
    let ws = &job.workspace;
    let mut diagnostics = match (job.kind, &job.path) {
        (Kind::Environment, _) => {
            let name = job.path.as_ref().map_or_else(|| job.uri.clone(), |p| p.display().to_string());
            let file = SourceFile::new(name, &*job.text);
            let report = lync_lint_core::engine::check(file, &ws.packs, &ws.options);
            report.diagnostics.into_iter().filter(|d| d.waived.is_none()).collect()
        }
        (Kind::Config, Some(path)) => super::workspace::config_diagnostics(path, &job.text, &ws.packs),
        (Kind::Policy, Some(path)) => ws.pack_file_diagnostics(path),
        _ => Vec::new(),
    };
    diagnostics.truncate(MAX_DIAGNOSTICS);
    let published = match Uri::from_str(&job.uri) {
        Ok(uri) => {
            let lines = Lines::new(&job.text, job.encoding);
            diagnostics.iter().map(|d| convert::diagnostic(d, &lines, &uri)).collect()
        }
        Err(_) => Vec::new(),
    };
    Linted { uri: job.uri.clone(), version: job.version, diagnostics, published }
}
