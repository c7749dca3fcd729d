//! The language server under hostile input (issue 9): garbage on stdin, truncated messages,
//! `Content-Length` headers that lie, a 50 MB document and a burst of 1,000 changes.
//!
//! The designed behaviour (`src/lsp/transport.rs`): every framing, UTF-8, JSON or shape
//! problem is answered with a JSON-RPC error (`id: null` when there is no usable id), then the
//! reader resynchronizes on the next header line; a body larger than 256 MiB is skipped
//! unread, without being stored; the end of the input ends the session with status 1 (0 only
//! after `shutdown` and `exit`). Nothing may panic: the tests that drive the transport capture
//! the server's standard error (the shared [`Client`] discards it) and look for a panic
//! message there.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::client::{Client, TIMEOUT, TODAY, project, uri};

/// The tests that need the machine to themselves (the 50 MB document, the timed burst) take
/// turns; the others run alongside.
static HEAVY: Mutex<()> = Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `lync-lint lsp` with its standard error captured, for the transport tests.
struct Raw {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    stderr: Option<JoinHandle<String>>,
}

/// Reads `Content-Length` framed messages from the server until its output ends.
fn read_messages(out: impl Read, tx: &mpsc::Sender<Value>) {
    let mut r = BufReader::new(out);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            match line.trim_end() {
                "" if length.is_some() => break,
                "" => {}
                header => {
                    if let Some(n) = header.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
            }
        }
        let mut body = vec![0; length.unwrap_or(0)];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let msg =
            serde_json::from_slice(&body).unwrap_or_else(|e| json!({ "unparseable server output": e.to_string() }));
        if tx.send(msg).is_err() {
            return;
        }
    }
}

impl Raw {
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lync-lint"))
            .arg("lsp")
            .current_dir(dir)
            .env("LYNC_LINT_TODAY", TODAY)
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lync-lint lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || read_messages(stdout, &tx));
        let stderr = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = err.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        });
        Self { stdin: child.stdin.take(), child, rx, stderr: Some(stderr) }
    }

    /// Starts the server in a new project and initializes it.
    fn initialized() -> (Self, tempfile::TempDir) {
        let dir = project();
        let mut s = Self::start(dir.path());
        s.send(&json!({ "jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": { "rootUri": uri(dir.path()), "capabilities": {} } }));
        let (r, others) = s.until("init");
        assert!(r["result"]["capabilities"].is_object(), "{r}");
        assert!(others.is_empty(), "{others:?}");
        s.send(&json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
        (s, dir)
    }

    /// Writes `bytes`; `false` when the server no longer reads its input.
    fn send_raw(&mut self, bytes: &[u8]) -> bool {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).and_then(|()| stdin.flush()).is_ok()
    }

    fn send(&mut self, msg: &Value) {
        assert!(self.send_raw(&frame(&msg.to_string())), "the server stopped reading");
    }

    /// The next message, within [`TIMEOUT`]; `None` when the server's output ended.
    fn next(&mut self) -> Option<Value> {
        match self.rx.recv_timeout(TIMEOUT) {
            Ok(msg) => Some(msg),
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server within {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// The response to request `id`, and the messages that came before it.
    fn until(&mut self, id: &str) -> (Value, Vec<Value>) {
        let mut before = Vec::new();
        loop {
            let msg = self.next().unwrap_or_else(|| panic!("the server ended before answering `{id}`: {before:?}"));
            if msg["id"] == id && msg.get("method").is_none() {
                return (msg, before);
            }
            before.push(msg);
        }
    }

    /// Closes the input, then collects every remaining message, the exit status and the
    /// standard error; fails when the server does not exit within [`TIMEOUT`].
    fn finish(mut self) -> (Vec<Value>, ExitStatus, String) {
        self.stdin.take();
        let mut rest = Vec::new();
        while let Some(msg) = self.next() {
            rest.push(msg);
        }
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(Instant::now() < deadline, "the server did not exit after its input ended");
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self.stderr.take().expect("once").join().expect("stderr reader");
        (rest, status, stderr)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn request(id: &str, method: &str, params: &Value) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string()
}

fn hover_params(uri: &str, line: u64, character: u64) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// Asserts a clean end: no panic message, and the documented exit status (0 after
/// `shutdown` and `exit`, 1 when the input just ends), not a signal or a panic's 101.
#[track_caller]
fn assert_clean(status: ExitStatus, stderr: &str, code: i32) {
    assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
    assert_eq!(status.code(), Some(code), "exit status {status:?}; stderr:\n{stderr}");
}

/// Asserts that every message is a JSON-RPC error response with a null id and one of `codes`.
#[track_caller]
fn assert_errors(msgs: &[Value], codes: &[i64]) {
    for m in msgs {
        assert_eq!(m["id"], Value::Null, "{m}");
        let code = m["error"]["code"].as_i64().unwrap_or_else(|| panic!("not an error response: {m}"));
        assert!(codes.contains(&code), "error code {code} not one of {codes:?}: {m}");
        assert!(m["error"]["message"].as_str().is_some_and(|s| !s.is_empty()), "{m}");
    }
}

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// Framing garbage: one error for each piece (a line longer than the 8 KiB a header may have
/// is read, and answered, in pieces).
fn garbage() -> (Vec<u8>, usize) {
    let mut g = Vec::new();
    g.extend_from_slice(b"this is not a header\r\n");
    g.extend_from_slice(b"\x00\x01\x02\xff\xfe\x1b[2J binary\n");
    g.extend(std::iter::repeat_n(b'x', 20_000));
    g.push(b'\n');
    g.extend_from_slice(b"\r\n\r\n\n"); // blank lines between messages are skipped silently
    g.extend_from_slice(b"Content-Length: -5\r\n\r\n");
    g.extend_from_slice(b"Content-Length: 99999999999999999999999999\r\n\r\n");
    g.extend_from_slice(b"Content-Type: application/vscode-jsonrpc\r\n\r\n");
    g.extend_from_slice(&frame("[]"));
    g.extend_from_slice(b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc");
    g.extend_from_slice(&frame(r#"{"jsonrpc":"2.0","id":{"no":"id"},"method":7}"#));
    // A lone surrogate is not a string JSON can hold.
    g.extend_from_slice(&frame(r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"text":"\ud800"}}"#));
    (g, 12)
}

#[test]
fn garbage_before_and_between_messages_is_answered_and_skipped() {
    let dir = project();
    let mut s = Raw::start(dir.path());
    let (garbage, pieces) = garbage();
    assert!(s.send_raw(&garbage));
    s.send(&json!({ "jsonrpc": "2.0", "id": "init", "method": "initialize",
        "params": { "rootUri": uri(dir.path()), "capabilities": {} } }));
    let (init, errors) = s.until("init");
    assert!(init["result"]["capabilities"].is_object(), "initialized after the garbage: {init}");
    assert_errors(&errors, &[PARSE_ERROR, INVALID_REQUEST]);
    assert!(errors.len() >= pieces, "one error per piece of garbage, got {}: {errors:?}", errors.len());
    s.send(&json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    let doc = uri(&dir.path().join("env.lync.kdl"));
    let open = json!({ "textDocument": { "uri": doc, "languageId": "kdl", "version": 1, "text": "voice {\n}\n" } });
    s.send(&json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": open }));
    assert!(s.send_raw(&garbage));
    assert!(s.send_raw(&frame(&request("hover", "textDocument/hover", &hover_params(&doc, 0, 1)))));
    let (hover, before) = s.until("hover");
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("Telephony needs"), "served after more garbage: {hover}");
    let errors: Vec<Value> = before.into_iter().filter(|m| m.get("method").is_none()).collect();
    assert_errors(&errors, &[PARSE_ERROR, INVALID_REQUEST]);
    assert!(errors.len() >= pieces, "{errors:?}");
    s.send(&json!({ "jsonrpc": "2.0", "id": "bye", "method": "shutdown" }));
    assert_eq!(s.until("bye").0["result"], Value::Null);
    s.send(&json!({ "jsonrpc": "2.0", "method": "exit" }));
    let (_, status, stderr) = s.finish();
    assert_clean(status, &stderr, 0);
}

/// The input ends inside a message (the header says 100 bytes, 20 follow), inside a header,
/// or right after one: an error for the partial message, then a clean exit with status 1.
#[test]
fn a_truncated_message_ends_the_session_cleanly() {
    let body = request("x", "textDocument/hover", &hover_params("file:///a.lync.kdl", 0, 0));
    let cases: [(&str, Vec<u8>); 4] = [
        ("a body cut short", [b"Content-Length: 100\r\n\r\n".as_slice(), &body.as_bytes()[..20]].concat()),
        ("no body", b"Content-Length: 100\r\n\r\n".to_vec()),
        ("a header without its blank line", b"Content-Length: 100\r\n".to_vec()),
        ("half a header line", b"Content-Len".to_vec()),
    ];
    for (what, bytes) in cases {
        let (mut s, _dir) = Raw::initialized();
        assert!(s.send_raw(&bytes), "{what}");
        let (rest, status, stderr) = s.finish();
        assert_eq!(rest.len(), 1, "{what}: one error for the partial message: {rest:?}");
        assert_errors(&rest, &[PARSE_ERROR]);
        assert_clean(status, &stderr, 1);
    }
}

/// A `Content-Length` smaller than the body: the body is cut (an error), the rest of it is
/// read as a header; the server serves the next message that starts on a line of its own.
#[test]
fn a_content_length_too_short_is_an_error_then_the_server_resynchronizes() {
    let (mut s, dir) = Raw::initialized();
    let doc = uri(&dir.path().join("env.lync.kdl"));
    let body = request("cut", "textDocument/hover", &hover_params(&doc, 0, 0));
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len() - 10).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes.extend_from_slice(b"\r\n");
    bytes.extend(frame(&request("next", "no/such-method", &json!({}))));
    assert!(s.send_raw(&bytes));
    let (next, before) = s.until("next");
    assert_eq!(next["error"]["code"], -32601, "the next message is served: {next}");
    assert!(!before.is_empty(), "the cut body is an error");
    assert_errors(&before, &[PARSE_ERROR, INVALID_REQUEST]);
    let (rest, status, stderr) = s.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert_clean(status, &stderr, 1);
}

/// The same, with the messages after the cut one sent back to back (as clients send them,
/// no line break between a body and the next header): the rest of the cut body runs into the
/// next header line. The server must still serve what follows (at the latest the last of
/// five requests), not drop every later message as "a message without Content-Length".
#[test]
fn a_content_length_too_short_does_not_lose_every_later_message() {
    let (mut s, dir) = Raw::initialized();
    let doc = uri(&dir.path().join("env.lync.kdl"));
    let body = request("cut", "textDocument/hover", &hover_params(&doc, 0, 0));
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len() - 10).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    for i in 0..5 {
        bytes.extend(frame(&request(&format!("next {i}"), "no/such-method", &json!({}))));
    }
    assert!(s.send_raw(&bytes));
    let (rest, status, stderr) = s.finish();
    assert_clean(status, &stderr, 1);
    let answered: Vec<&Value> =
        rest.iter().filter(|m| m["id"].as_str().is_some_and(|i| i.starts_with("next"))).collect();
    assert!(
        answered.iter().any(|m| m["id"] == "next 4"),
        "after one cut message, none of the next five requests was served; the server answered:\n{}",
        rest.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
}

/// A `Content-Length` larger than the body: the following bytes (a whole request included)
/// are read as its body, which is then not JSON: an error, and the request inside it is never
/// answered; the server serves the message after that.
#[test]
fn a_content_length_too_long_swallows_what_follows_then_the_server_resynchronizes() {
    let (mut s, _dir) = Raw::initialized();
    let lie = request("lie", "no/such-method", &json!({}));
    let swallowed = frame(&request("swallowed", "no/such-method", &json!({})));
    let padding = 1_000 - swallowed.len();
    let mut bytes = format!("Content-Length: {}\r\n\r\n{lie}", lie.len() + 1_000).into_bytes();
    bytes.extend_from_slice(&swallowed);
    bytes.extend(std::iter::repeat_n(b'\n', padding + 10));
    bytes.extend(frame(&request("after", "no/such-method", &json!({}))));
    assert!(s.send_raw(&bytes));
    let (after, before) = s.until("after");
    assert_eq!(after["error"]["code"], -32601, "{after}");
    assert_eq!(before.len(), 1, "one error for the mis-framed body, no answer to what it swallowed: {before:?}");
    assert_errors(&before, &[PARSE_ERROR]);
    let (rest, status, stderr) = s.finish();
    assert!(rest.is_empty(), "{rest:?}");
    assert_clean(status, &stderr, 1);
}

/// Requests with positions past the end, inside a surrogate pair, inverted ranges, extreme
/// versions and parameters of the wrong shape: each gets a response (a result or an error),
/// and nothing panics (a handler's panic would be caught, but still print its message).
#[test]
fn hostile_positions_and_parameters_get_answers_not_panics() {
    let (mut s, dir) = Raw::initialized();
    let doc = uri(&dir.path().join("env.lync.kdl"));
    let text = "site \"🚀\" country=\"CH\"\r\nvoice {\r\n\tcall-park #true\r\n}";
    let item = json!({ "uri": doc, "languageId": "kdl", "version": 1, "text": text });
    s.send(&json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": item } }));
    s.send(&json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": item } }));
    let max = u64::from(u32::MAX);
    let positions = [(0, 7), (0, 8), (1, 100), (2, 1), (3, 1), (4, 0), (max, max), (0, max)];
    let mut ids = Vec::new();
    for (i, (line, character)) in positions.into_iter().enumerate() {
        let p = hover_params(&doc, line, character);
        for method in ["textDocument/hover", "textDocument/completion"] {
            let id = format!("{method} {i}");
            s.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": p }));
            ids.push(id);
        }
        let range = json!({ "start": { "line": line, "character": character }, "end": { "line": 0, "character": 0 } });
        let id = format!("action {i}");
        let params = json!({ "textDocument": { "uri": doc }, "range": range, "context": { "diagnostics": [] } });
        s.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction", "params": params }));
        ids.push(id);
    }
    for (i, params) in [json!(null), json!([]), json!({ "textDocument": { "uri": 5 } }), json!({ "position": "x" })]
        .into_iter()
        .enumerate()
    {
        let id = format!("shape {i}");
        s.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": params }));
        ids.push(id);
    }
    let change = |version: Value, text: &str| {
        json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": doc, "version": version }, "contentChanges": [{ "text": text }] } })
    };
    s.send(&change(json!(i64::MAX), "voice {"));
    s.send(&change(json!(-1), "\u{feff}voice { call-park #true }"));
    s.send(&change(json!("seven"), ""));
    s.send(&json!({ "jsonrpc": "2.0", "method": "textDocument/didClose", "params": { "textDocument": { "uri": "file:///nowhere" } } }));
    s.send(
        &json!({ "jsonrpc": "2.0", "id": "last", "method": "textDocument/hover", "params": hover_params(&doc, 0, 0) }),
    );
    let (last, before) = s.until("last");
    assert!(last.get("result").is_some(), "{last}");
    for id in &ids {
        let r = before.iter().find(|m| m["id"] == id.as_str()).unwrap_or_else(|| panic!("no answer to `{id}`"));
        assert!(r.get("result").is_some() || r["error"]["code"] == -32602, "`{id}`: {r}");
    }
    s.send(&json!({ "jsonrpc": "2.0", "id": "bye", "method": "shutdown" }));
    assert_eq!(s.until("bye").0["result"], Value::Null);
    s.send(&json!({ "jsonrpc": "2.0", "method": "exit" }));
    let (_, status, stderr) = s.finish();
    assert_clean(status, &stderr, 0);
}

/// Peak resident memory of a process, in KiB (Linux).
#[cfg(target_os = "linux")]
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number")
}

/// A `Content-Length` of 10^12: the body is skipped as it streams in, never stored (64 MiB
/// of it do not raise the server's peak memory by more than 16 MiB); when the input ends,
/// the oversized message is an error and the server exits cleanly.
#[test]
fn a_huge_content_length_is_skipped_without_storing_it() {
    let (mut s, _dir) = Raw::initialized();
    let pid = s.child.id();
    // A request before the lie, answered: the server is running, its memory settled.
    s.send(&json!({ "jsonrpc": "2.0", "id": "ping", "method": "no/such-method" }));
    assert_eq!(s.until("ping").0["error"]["code"], -32601);
    #[cfg(target_os = "linux")]
    let before = peak_kib(pid);
    assert!(s.send_raw(b"Content-Length: 1000000000000\r\n\r\n"));
    assert!(s.send_raw(&frame(&request("swallowed", "no/such-method", &json!({})))));
    let chunk = vec![b'{'; 1024 * 1024];
    for _ in 0..64 {
        assert!(s.send_raw(&chunk), "the server reads the oversized body as it comes");
    }
    #[cfg(target_os = "linux")]
    {
        let grown = peak_kib(pid).saturating_sub(before);
        assert!(grown < 16 * 1024, "the skipped body is stored: peak memory grew by {grown} KiB");
    }
    let (rest, status, stderr) = s.finish();
    assert_eq!(rest.len(), 1, "one error for the oversized message: {rest:?}");
    assert_errors(&rest, &[PARSE_ERROR]);
    assert!(rest[0]["error"]["message"].as_str().is_some_and(|m| m.contains("larger than the limit")), "{rest:?}");
    assert_clean(status, &stderr, 1);
}

/// A 50 MB document (1.2 million nodes, CRLF line endings, multi-byte names): the server
/// keeps answering while it is checked, then publishes its diagnostics, then shuts down.
#[test]
fn a_50_mb_document_does_not_stop_the_server() {
    let _turn = heavy();
    let wait = Duration::from_mins(1);
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let line = "site \"Zürich 🚀\" country=\"CH\" users=1\r\n";
    let mut big = line.repeat(50_000_000 / line.len() + 1);
    big.push_str("voice {\r\n    call-park #true\r\n}\r\n");
    assert!(big.len() > 50_000_000);
    let lines = big.matches("\r\n").count();
    let big_uri = c.open(&dir.path().join("big.lync.kdl"), &big);
    drop(big);
    let small = c.open(&dir.path().join("small.lync.kdl"), "voice {\n    call-park #true\n}\n");
    let started = Instant::now();
    c.send(&json!({ "jsonrpc": "2.0", "id": "small", "method": "textDocument/hover",
        "params": hover_params(&small, 0, 1) }));
    let answer = c.try_wait(wait, &|m| m["id"] == "small").unwrap_or_else(|| panic!("no hover answer within {wait:?}"));
    let text = answer["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("Telephony needs"), "{answer}");
    println!("hover answered {:?} after opening the 50 MB document", started.elapsed());
    let published = c
        .try_wait(TIMEOUT, &|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == big_uri)
        .unwrap_or_else(|| panic!("no diagnostics for the 50 MB document within {TIMEOUT:?}"));
    println!("the 50 MB document was checked in {:?}", started.elapsed());
    let diags = published["params"]["diagnostics"].as_array().expect("diagnostics");
    let call_park = diags.iter().find(|d| d["code"] == "enterprise-voice/call-park").expect("the finding");
    assert_eq!(call_park["range"]["start"]["line"], lines - 2, "{call_park}");
    assert_eq!(c.shutdown().code(), Some(0));
}

/// 1,000 `didChange` notifications (full text) in one burst, then a hover: answered within
/// 100 ms of being written, because changes only replace the text and checks run on a worker
/// (coalesced: only the latest version is checked once the burst is read).
#[test]
fn a_burst_of_1000_changes_does_not_delay_a_hover() {
    let _turn = heavy();
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let fixture =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/multinational.lync.kdl"))
            .expect("fixture");
    let doc = c.open(&dir.path().join("env.lync.kdl"), &fixture);
    c.diagnostics(&doc, Some(1));
    let mut burst = Vec::new();
    for version in 2..=1001 {
        let text = format!("{fixture}// edit {version}: Zürich 🚀\n");
        let params =
            json!({ "textDocument": { "uri": doc, "version": version }, "contentChanges": [{ "text": text }] });
        burst.extend(frame(
            &json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": params }).to_string(),
        ));
    }
    c.send_raw(&burst);
    let hover = frame(&request("hover", "textDocument/hover", &hover_params(&doc, 4, 2)));
    let sent = Instant::now();
    c.send_raw(&hover);
    let answer = c.try_wait(TIMEOUT, &|m| m["id"] == "hover").expect("a hover answer");
    let latency = sent.elapsed();
    let last = c.diagnostics(&doc, Some(1001));
    let mut checked = 1;
    while c.try_wait(Duration::ZERO, &|m| m["method"] == "textDocument/publishDiagnostics").is_some() {
        checked += 1;
    }
    println!("hover answered {latency:?} after the burst; {checked} of 1,000 versions published");
    let text = answer["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("Who this environment describes"), "a hover on `organization`: {answer}");
    assert!(latency < Duration::from_millis(100), "the hover took {latency:?} after 1,000 changes");
    assert_eq!(last.len(), 4, "the last version is checked: {last:#?}");
    assert!(checked < 250, "1,000 changes were published {checked} times: stale versions are not skipped");
}
