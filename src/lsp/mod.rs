//! The language server, `lync-lint lsp` (SPEC §10): LSP 3.17 over stdio, synchronous, with
//! `lsp-server` message types and `lsp-types` (as ruff does).
//!
//! What it serves:
//!
//! - **Diagnostics** (`textDocument/publishDiagnostics`) on open and change, cleared on close:
//!   environment files (as the configuration selects them, default `*.lync.kdl`), files of the
//!   loaded policy packs (`PackSet::load`'s problems in that file) and `lync-lint.kdl` (its
//!   mistakes and unknown rule ids). Other files get nothing. Codes, messages, severities and
//!   `codeDescription.href` are the CLI's; `help:` is the message's second paragraph; secondary
//!   labels are `relatedInformation`; advice is `Information`. Waived findings are not shown.
//! - **Hover**, **completion** and **quick fixes** (see `hover`, `completion`, `actions`).
//! - **Navigation**: document symbols, go to definition of a rule (the built-in pack's from a
//!   copy in the user's cache directory) and the verdict as a code lens on line 1 (see
//!   `symbols`, `definition`, `lens`).
//! - **Re-linting** of every open document when `lync-lint.kdl` or a pack file changes: in an
//!   editor buffer (`didChange`, `didSave`, `didClose`) or on disk
//!   (`workspace/didChangeWatchedFiles`, registered dynamically when the client can).
//!
//! Positions are UTF-16 code units unless the client offers `utf-8` in
//! `general.positionEncodings`. Documents are checked on a worker thread; notifications
//! that arrive while it works are all applied first (a burst of keystrokes costs one check
//! per document), and results for outdated versions are dropped. Malformed messages get
//! JSON-RPC errors (`transport`), unknown methods `MethodNotFound`, requests about documents
//! that are not open `InvalidParams`; handler panics become `InternalError`. The server never
//! stops serving until `exit` (exit status 0 after `shutdown`, 1 otherwise).

mod actions;
mod completion;
mod context;
pub mod convert;
mod definition;
mod hover;
mod lens;
mod lint;
mod requests;
mod symbols;
pub mod transport;
mod workspace;

use std::collections::{BTreeSet, HashMap};
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification};
use serde_json::{Value, json};

pub use crate::settings::Flags;
use convert::Encoding;
use lint::{Job, Linted};
use transport::{Incoming, Output};
use workspace::{Kind, Workspace};

/// What the main loop reacts to.
enum Event {
    Incoming(Incoming),
    Linted(Linted),
    /// The client closed the input.
    Closed,
}

/// An open document.
struct Doc {
    text: Arc<str>,
    version: i32,
    path: Option<PathBuf>,
    kind: Kind,
    /// The byte-span diagnostics of version `checked`.
    diagnostics: Vec<lync_lint_core::diag::Diagnostic>,
    checked: Option<i32>,
    /// Whether something non-empty was published for it.
    published: bool,
}

/// Runs the server on stdin and stdout; `true` when the client shut it down properly.
///
/// # Errors
/// When stdout is closed.
pub fn run_stdio(flags: Flags) -> io::Result<bool> {
    serve(io::BufReader::new(io::stdin()), io::stdout().lock(), flags)
}

/// Runs the server on any pair of streams; `true` when the client shut it down properly.
///
/// # Errors
/// When writing to `output` fails.
pub fn serve<R: BufRead + Send + 'static, W: Write>(input: R, output: W, flags: Flags) -> io::Result<bool> {
    let (events, rx) = mpsc::channel();
    let reader = events.clone();
    std::thread::spawn(move || read_loop(input, &reader));
    let (jobs, job_rx) = mpsc::channel();
    let worker_events = events.clone();
    std::thread::spawn(move || lint::worker(job_rx, &worker_events, Event::Linted));
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut server = Server {
        out: Output::new(output),
        ws: Workspace::load(&flags, &cwd, &|_| None),
        flags,
        root: cwd,
        encoding: Encoding::Utf16,
        docs: HashMap::new(),
        dirty: BTreeSet::new(),
        reload: false,
        busy: false,
        last_change: None,
        jobs,
        state: State::Uninitialized,
        watch: false,
    };
    server.run(&rx)
}

/// After a `didChange`, checking waits until no message has come for this long: a burst of
/// edits is checked once, however fast the check. Requests are answered meanwhile.
const DEBOUNCE: Duration = Duration::from_millis(30);

fn read_loop(mut input: impl BufRead, events: &Sender<Event>) {
    loop {
        let event = match transport::read(&mut input) {
            Ok(Some(incoming)) => Event::Incoming(incoming),
            Ok(None) | Err(_) => Event::Closed,
        };
        let closed = matches!(event, Event::Closed);
        if events.send(event).is_err() || closed {
            return;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server<W: Write> {
    out: Output<W>,
    flags: Flags,
    root: PathBuf,
    encoding: Encoding,
    ws: Arc<Workspace>,
    docs: HashMap<String, Doc>,
    /// Documents to check, by URI.
    dirty: BTreeSet<String>,
    /// The configuration or a pack changed: reload before the next check.
    reload: bool,
    /// The worker is checking a document.
    busy: bool,
    /// When the last `didChange` arrived: checking waits for typing to pause.
    last_change: Option<Instant>,
    jobs: Sender<Job>,
    state: State,
    /// The client can watch files for us.
    watch: bool,
}

impl<W: Write> Server<W> {
    fn run(&mut self, rx: &Receiver<Event>) -> io::Result<bool> {
        loop {
            let event = match rx.try_recv() {
                Ok(event) => event,
                // Typing: check once it pauses, not once per keystroke.
                Err(TryRecvError::Empty) => {
                    if let Some(left) = self.pause_left() {
                        match rx.recv_timeout(left) {
                            Ok(event) => event,
                            Err(RecvTimeoutError::Timeout) => continue,
                            Err(RecvTimeoutError::Disconnected) => Event::Closed,
                        }
                    } else {
                        self.schedule()?;
                        rx.recv().unwrap_or(Event::Closed)
                    }
                }
                Err(TryRecvError::Disconnected) => Event::Closed,
            };
            match event {
                Event::Closed => return Ok(false),
                Event::Linted(linted) => self.on_linted(linted)?,
                Event::Incoming(Incoming::Malformed { id, code, message }) => {
                    eprintln!("lync-lint lsp: {message}");
                    self.out.send_error(&id, code, &message)?;
                }
                Event::Incoming(Incoming::Message(Message::Request(req))) => self.on_request(req)?,
                Event::Incoming(Incoming::Message(Message::Notification(n))) => {
                    if n.method == "exit" {
                        return Ok(self.state == State::ShutDown);
                    }
                    if self.state == State::Running {
                        self.on_notification(&n)?;
                    }
                }
                Event::Incoming(Incoming::Message(Message::Response(_))) => {}
            }
        }
    }

    /// How much longer to wait for typing to pause before checking, if at all.
    fn pause_left(&mut self) -> Option<Duration> {
        let left = DEBOUNCE.checked_sub(self.last_change?.elapsed()).filter(|d| !d.is_zero());
        if left.is_none() {
            self.last_change = None;
        }
        left
    }

    /// When the queue is empty: reload if needed, then hand the next dirty document to the
    /// worker (one at a time, so queued changes coalesce).
    fn schedule(&mut self) -> io::Result<()> {
        if self.reload {
            self.reload = false;
            self.reload_workspace()?;
        }
        while !self.busy {
            let Some(uri) = self.dirty.pop_first() else { break };
            let Some(doc) = self.docs.get_mut(&uri) else { continue };
            if doc.kind == Kind::Other {
                doc.diagnostics.clear();
                doc.checked = Some(doc.version);
                if std::mem::take(&mut doc.published) {
                    self.publish(&uri, None, &[])?;
                }
                continue;
            }
            let job = Job {
                uri,
                path: doc.path.clone(),
                version: doc.version,
                text: doc.text.clone(),
                kind: doc.kind,
                workspace: self.ws.clone(),
                encoding: self.encoding,
            };
            self.busy = self.jobs.send(job).is_ok();
        }
        Ok(())
    }

    fn reload_workspace(&mut self) -> io::Result<()> {
        let buffers: HashMap<PathBuf, Arc<str>> =
            self.docs.values().filter_map(|d| Some((d.path.clone()?, d.text.clone()))).collect();
        self.ws = Workspace::load(&self.flags, &self.root, &|p| buffers.get(p).map(ToString::to_string));
        for problem in self.ws.problems.clone() {
            self.show_message(&problem)?;
        }
        for (uri, doc) in &mut self.docs {
            doc.kind = self.ws.kind(doc.path.as_deref(), uri);
            self.dirty.insert(uri.clone());
        }
        Ok(())
    }

    fn on_linted(&mut self, linted: Linted) -> io::Result<()> {
        self.busy = false;
        let Some(doc) = self.docs.get_mut(&linted.uri) else { return Ok(()) };
        if doc.version != linted.version {
            return Ok(());
        }
        doc.diagnostics = linted.diagnostics;
        doc.checked = Some(linted.version);
        doc.published = !linted.published.is_empty();
        self.publish(&linted.uri, Some(linted.version), &linted.published)
    }

    fn publish(&mut self, uri: &str, version: Option<i32>, diagnostics: &[lsp_types::Diagnostic]) -> io::Result<()> {
        let mut params = json!({ "uri": uri, "diagnostics": diagnostics });
        if let Some(v) = version {
            params["version"] = json!(v);
        }
        self.out.send(Notification::new("textDocument/publishDiagnostics".to_owned(), params))
    }

    fn show_message(&mut self, message: &str) -> io::Result<()> {
        eprintln!("lync-lint lsp: {message}");
        let params = json!({ "type": 2, "message": format!("lync-lint: {message}") });
        self.out.send(Notification::new("window/showMessage".to_owned(), params))
    }

    fn on_notification(&mut self, n: &Notification) -> io::Result<()> {
        let uri = n.params.pointer("/textDocument/uri").and_then(Value::as_str).map(str::to_owned);
        match (n.method.as_str(), uri) {
            ("initialized", _) => self.after_initialized()?,
            ("textDocument/didOpen", Some(uri)) => self.open(uri, &n.params),
            ("textDocument/didChange", Some(uri)) => self.change(&uri, &n.params),
            ("textDocument/didSave", Some(uri)) => self.reload |= self.is_setup_file(&uri),
            ("textDocument/didClose", Some(uri)) => {
                self.reload |= self.is_setup_file(&uri);
                self.dirty.remove(&uri);
                if self.docs.remove(&uri).is_some() {
                    self.publish(&uri, None, &[])?;
                }
            }
            ("workspace/didChangeWatchedFiles", _) => {
                let changes = n.params.get("changes").and_then(Value::as_array).cloned().unwrap_or_default();
                self.reload |= changes.iter().filter_map(|c| c.get("uri").and_then(Value::as_str)).any(|u| {
                    let path = convert::uri_to_path(u);
                    matches!(self.ws.kind(path.as_deref(), u), Kind::Config | Kind::Policy)
                });
            }
            (method, _) if method.starts_with("$/") => {}
            (method, _) => eprintln!("lync-lint lsp: ignored notification `{method}`"),
        }
        Ok(())
    }

    fn is_setup_file(&self, uri: &str) -> bool {
        self.docs.get(uri).is_some_and(|d| matches!(d.kind, Kind::Config | Kind::Policy))
    }

    fn open(&mut self, uri: String, params: &Value) {
        let text = params.pointer("/textDocument/text").and_then(Value::as_str).unwrap_or("");
        let version = params.pointer("/textDocument/version").and_then(Value::as_i64).unwrap_or(0);
        let path = convert::uri_to_path(&uri);
        let kind = self.ws.kind(path.as_deref(), &uri);
        let doc = Doc {
            text: Arc::from(text),
            version: i32::try_from(version).unwrap_or(0),
            path,
            kind,
            diagnostics: Vec::new(),
            checked: None,
            published: false,
        };
        self.docs.insert(uri.clone(), doc);
        self.dirty.insert(uri);
    }

    /// Full sync: the last content change is the whole text.
    fn change(&mut self, uri: &str, params: &Value) {
        let Some(doc) = self.docs.get_mut(uri) else {
            eprintln!("lync-lint lsp: change to a document that is not open: {uri}");
            return;
        };
        let changes = params.get("contentChanges").and_then(Value::as_array);
        let Some(text) = changes.and_then(|c| c.last()).and_then(|c| c.get("text")).and_then(Value::as_str) else {
            return;
        };
        doc.text = Arc::from(text);
        let version = params.pointer("/textDocument/version").and_then(Value::as_i64);
        doc.version = version.and_then(|v| i32::try_from(v).ok()).unwrap_or(doc.version.wrapping_add(1));
        let setup = matches!(doc.kind, Kind::Config | Kind::Policy);
        self.reload |= setup;
        self.dirty.insert(uri.to_owned());
        self.last_change = Some(Instant::now());
    }

    /// Registers file watching when the client supports it, and reports setup problems.
    fn after_initialized(&mut self) -> io::Result<()> {
        if self.watch {
            let watchers = json!([{ "globPattern": "**/lync-lint.kdl" }, { "globPattern": "**/*.kdl" }]);
            let params = json!({ "registrations": [{
                "id": "lync-lint-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": watchers },
            }]});
            let req = lsp_server::Request::new(
                "lync-lint/watch".to_owned().into(),
                "client/registerCapability".to_owned(),
                params,
            );
            self.out.send(req)?;
        }
        for problem in self.ws.problems.clone() {
            self.show_message(&problem)?;
        }
        Ok(())
    }
}
