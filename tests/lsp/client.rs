//! A small LSP client for the tests: runs `lync-lint lsp` as a subprocess and speaks
//! JSON-RPC with `Content-Length` framing. Every wait has a deadline, so a hung server fails
//! the test instead of hanging CI.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single answer may take (debug builds checking 10 MB included).
pub const TIMEOUT: Duration = Duration::from_mins(2);

/// The date the server sees as today (waiver expiry).
pub const TODAY: &str = "2025-01-01";

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Messages from the server not yet consumed (notifications, server requests).
    stash: VecDeque<Value>,
    next_id: i64,
}

/// A `file:` URI for a path (the test paths need no escaping).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A temporary project: a directory with `.git` (so configuration discovery stops there).
pub fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    dir
}

impl Client {
    /// Starts `lync-lint lsp ARGS` in `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lync-lint"))
            .arg("lsp")
            .args(args)
            .current_dir(dir)
            .env("LYNC_LINT_TODAY", TODAY)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("lync-lint lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Self { child, stdin, rx, stash: VecDeque::new(), next_id: 1 }
    }

    /// Starts the server and initializes it with `root` as the workspace.
    pub fn initialized(root: &Path, args: &[&str], capabilities: Value) -> (Self, Value) {
        let mut c = Self::start(root, args);
        let mut params = json!({ "rootUri": uri(root) });
        params["capabilities"] = capabilities;
        let result = c.request("initialize", params);
        c.notify("initialized", json!({}));
        (c, result["result"].clone())
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).and_then(|()| stdin.flush()).expect("server reads its input");
    }

    pub fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut msg = json!({ "jsonrpc": "2.0", "method": method });
        msg["params"] = params;
        self.send(&msg);
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        msg["params"] = params;
        self.send(&msg);
        self.response(&json!(id))
    }

    /// Waits for the response with this id.
    pub fn response(&mut self, id: &Value) -> Value {
        self.wait(&format!("the response to request {id}"), |m| m.get("method").is_none() && m["id"] == *id)
    }

    /// Waits for a message matching `pred`, stashing the others; panics after [`TIMEOUT`].
    pub fn wait(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.try_wait(TIMEOUT, &pred).unwrap_or_else(|| panic!("no {what} within {TIMEOUT:?}"))
    }

    /// Like [`Client::wait`], but `None` after `timeout`.
    pub fn try_wait(&mut self, timeout: Duration, pred: &dyn Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.stash.iter().position(pred) {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msg) if pred(&msg) => return Some(msg),
                Ok(msg) => self.stash.push_back(msg),
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output (crashed?)"),
            }
        }
    }

    /// Waits for diagnostics of `uri` (of `version`, when given) and returns them.
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let msg = self.wait(&format!("diagnostics for {uri} (version {version:?})"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        msg["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        let item = json!({ "uri": uri, "languageId": "kdl", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
        uri
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        let params =
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
        self.notify("textDocument/didChange", params);
    }

    /// `shutdown`, then `exit`; the process's exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.exit_status()
    }

    /// Waits for the process to end.
    pub fn exit_status(&mut self) -> ExitStatus {
        self.stdin.take();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The byte offset of an LSP position counted in UTF-16 code units.
pub fn offset16(text: &str, line: u64, character: u64) -> usize {
    let start: usize = text.split_inclusive('\n').take(usize::try_from(line).expect("line")).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u64;
    }
    text.len()
}

/// Applies the text edits of a workspace edit for `uri` to `text`.
pub fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .expect("edits for the document")
        .iter()
        .map(|e| {
            let pos = |p: &Value| offset16(text, p["line"].as_u64().unwrap_or(0), p["character"].as_u64().unwrap_or(0));
            (pos(&e["range"]["start"]), pos(&e["range"]["end"]), e["newText"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

/// A path in the project.
pub fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("dirs");
    }
    std::fs::write(&path, text).expect("write");
    path
}
