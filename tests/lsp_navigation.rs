//! Navigation in the language server (SPEC §10), over stdio: document symbols of environment
//! and policy files, go to definition from a finding and from a waiver's rule id (the
//! built-in pack's policies in a read-only copy in the cache directory), and the verdict
//! code lens. The server runs with `XDG_CACHE_HOME` in a temporary directory, so the tests
//! never write to the user's cache.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_mins(2);

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
}

impl Server {
    /// `lync-lint lsp ARGS` in `root`, initialized, with its cache directory in `cache`.
    fn start(root: &Path, cache: &Path, args: &[&str]) -> (Self, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lync-lint"))
            .arg("lsp")
            .args(args)
            .current_dir(root)
            .env("XDG_CACHE_HOME", cache)
            .env("LYNC_LINT_TODAY", "2025-01-01")
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
        let stdin = child.stdin.take().expect("stdin");
        let mut s = Self { child, stdin, rx, next_id: 1 };
        let init = s.request("initialize", json!({ "rootUri": uri(root), "capabilities": {} }));
        s.notify("initialized", json!({}));
        (s, init["result"].clone())
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let mut msg = json!({ "jsonrpc": "2.0", "method": method });
        msg["params"] = params;
        self.send(&msg);
    }

    /// The next message that `pred` accepts (others are dropped).
    fn wait(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self.rx.recv_timeout(left).unwrap_or_else(|_| panic!("no {what} within {TIMEOUT:?}"));
            if pred(&msg) {
                return msg;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        msg["params"] = params;
        self.send(&msg);
        self.wait(&format!("answer to {method}"), |m| m["id"] == id && m.get("method").is_none())
    }

    /// Opens `path` with `text`.
    fn open_quiet(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        let item = json!({ "uri": uri, "languageId": "kdl", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
        uri
    }

    /// Opens `path` with `text` and waits for its first diagnostics.
    fn open(&mut self, path: &Path, text: &str) -> (String, Vec<Value>) {
        let uri = self.open_quiet(path, text);
        let msg = self.wait("diagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
        });
        (uri, msg["params"]["diagnostics"].as_array().cloned().unwrap_or_default())
    }

    fn at(&mut self, method: &str, uri: &str, line: usize, character: usize) -> Value {
        let params = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        self.request(method, params)
    }
}

impl Drop for Server {
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
        match line.trim_end() {
            "" => break,
            l => {
                if let Some(v) = l.strip_prefix("Content-Length: ") {
                    length = v.parse().ok()?;
                }
            }
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn path_of(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").expect("a file URI").replace("%20", " "))
}

/// A project directory (with `.git`, where configuration discovery stops) and a cache.
fn dirs() -> (tempfile::TempDir, tempfile::TempDir) {
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(project.path().join(".git")).expect(".git");
    (project, tempfile::tempdir().expect("cache dir"))
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo().join("fixtures").join(name)).expect("fixture")
}

/// A position's `line` as an index.
fn line_number(v: &Value) -> usize {
    usize::try_from(v.as_u64().expect("a line number")).expect("a small line number")
}

/// The line (0-based) of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}` in the text"))
}

fn column_of(text: &str, needle: &str) -> usize {
    let line = text.lines().nth(line_of(text, needle)).expect("line");
    line.find(needle).expect("column") + 1
}

#[test]
fn capabilities_advertise_navigation() {
    let (project, cache) = dirs();
    let (_s, init) = Server::start(project.path(), cache.path(), &[]);
    let caps = &init["capabilities"];
    assert_eq!(caps["documentSymbolProvider"], true, "{caps}");
    assert_eq!(caps["definitionProvider"], true, "{caps}");
    assert!(caps["codeLensProvider"].is_object(), "{caps}");
}

#[test]
fn document_symbols_outline_sections_and_needs() {
    let (project, cache) = dirs();
    let (mut s, _) = Server::start(project.path(), cache.path(), &[]);
    let text = fixture("online-but-needs-voice.lync.kdl");
    let (uri, _) = s.open(&project.path().join("env.lync.kdl"), &text);
    let r = s.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let symbols = r["result"].as_array().unwrap_or_else(|| panic!("symbols: {r}"));
    let names: Vec<&str> = symbols.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["organization", "site", "deployment", "voice", "collaboration"]);
    let voice = &symbols[3];
    assert_eq!(voice["range"]["start"]["line"], line_of(&text, "voice {"));
    let needs: Vec<&str> =
        voice["children"].as_array().expect("needs").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(needs, ["pbx-replacement", "voicemail", "dial-plans"]);
    let pbx = &voice["children"][0];
    assert_eq!(pbx["selectionRange"]["start"]["line"], line_of(&text, "pbx-replacement"));
    assert_eq!(pbx["detail"], "#true");
    assert_eq!(symbols[1]["detail"], "\"Denver\" country=\"US\" users=300");
}

#[test]
fn document_symbols_of_a_policy_file_are_its_policies() {
    let (project, cache) = dirs();
    let pack = project.path().join("pack");
    copy_dir(&repo().join("fixtures/packs/acme"), &pack);
    let (mut s, _) = Server::start(project.path(), cache.path(), &["--policies", "pack"]);
    let file = policy_file(&pack);
    let text = std::fs::read_to_string(&file).expect("policy file");
    let (uri, _) = s.open(&file, &text);
    let r = s.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let symbols = r["result"].as_array().unwrap_or_else(|| panic!("symbols: {r}"));
    let ids = policy_ids(&text);
    assert!(!ids.is_empty(), "the fixture pack has policies");
    let names: Vec<&str> = symbols.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ids, "one symbol per policy, named by its rule id");
    assert!(symbols[0]["detail"].as_str().is_some_and(|d| !d.is_empty()), "the title is the detail: {}", symbols[0]);
}

/// `policy "ID"` lines of a policy file, in order.
fn policy_ids(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.strip_prefix("policy \""))
        .filter_map(|l| l.split_once('"').map(|(id, _)| id))
        .collect()
}

/// The first file of a pack directory that defines policies.
fn policy_file(pack: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> =
        walk(pack).into_iter().filter(|p| p.extension().is_some_and(|x| x == "kdl")).collect();
    files.sort();
    files
        .into_iter()
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| !policy_ids(&t).is_empty()))
        .expect("a policy file in the pack")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for file in walk(from) {
        let dest = to.join(file.strip_prefix(from).expect("under from"));
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &dest).expect("copy");
    }
}

#[test]
fn definition_from_a_finding_opens_the_builtin_policy_in_a_read_only_cache_copy() {
    let (project, cache) = dirs();
    let (mut s, _) = Server::start(project.path(), cache.path(), &[]);
    let text = fixture("online-but-needs-voice.lync.kdl");
    let (uri, diags) = s.open(&project.path().join("env.lync.kdl"), &text);
    assert!(diags.iter().any(|d| d["code"] == "enterprise-voice/pbx-replacement"), "{diags:?}");
    let line = line_of(&text, "pbx-replacement");
    let r = s.at("textDocument/definition", &uri, line, column_of(&text, "pbx-replacement"));
    let loc = &r["result"];
    let target = path_of(loc["uri"].as_str().unwrap_or_else(|| panic!("a location: {r}")));
    let version_dir = cache.path().join("lync-lint").join(env!("CARGO_PKG_VERSION"));
    assert_eq!(target, version_dir.join("policies/lync-2013/rules/01-enterprise-voice.kdl"));
    let copy = std::fs::read_to_string(&target).expect("the copy exists");
    let original = std::fs::read_to_string(repo().join("policies/lync-2013/rules/01-enterprise-voice.kdl"))
        .expect("the pack file");
    assert_eq!(copy, original, "the copy is the embedded text");
    assert!(std::fs::metadata(&target).expect("meta").permissions().readonly(), "the copy is read-only");
    assert!(version_dir.join("policies/lync-2013/vocabulary.kdl").is_file(), "the whole pack is copied");
    let at = line_number(&loc["range"]["start"]["line"]);
    assert!(
        original.lines().nth(at).is_some_and(|l| l.starts_with("policy \"enterprise-voice/pbx-replacement\"")),
        "the range is the policy's id, line {at}: {loc}"
    );
}

#[test]
fn definition_from_a_waiver_rule_id_and_nothing_elsewhere() {
    let (project, cache) = dirs();
    let (mut s, _) = Server::start(project.path(), cache.path(), &[]);
    let text = "collaboration {\n    im-presence #true\n}\nwaiver \"enterprise-voice/call-park\" reason=\"later\"\n";
    let (uri, _) = s.open(&project.path().join("env.lync.kdl"), text);
    let r = s.at("textDocument/definition", &uri, 3, 20);
    let target = path_of(r["result"]["uri"].as_str().unwrap_or_else(|| panic!("a location: {r}")));
    let policy = std::fs::read_to_string(&target).expect("copy");
    let at = line_number(&r["result"]["range"]["start"]["line"]);
    assert!(policy.lines().nth(at).is_some_and(|l| l.contains("\"enterprise-voice/call-park\"")), "{r}");
    assert_eq!(s.at("textDocument/definition", &uri, 1, 6)["result"], Value::Null, "no rule at a plain need");
    assert_eq!(s.at("textDocument/definition", &uri, 3, 45)["result"], Value::Null, "the reason is not a rule id");
}

#[test]
fn definition_of_a_pack_directory_policy_is_its_file() {
    let (project, cache) = dirs();
    let pack = project.path().join("pack");
    copy_dir(&repo().join("fixtures/packs/acme"), &pack);
    let (mut s, _) = Server::start(project.path(), cache.path(), &["--policies", "pack"]);
    let file = policy_file(&pack);
    let id = policy_ids(&std::fs::read_to_string(&file).expect("policy file"))[0].to_owned();
    let text = format!("waiver \"{id}\" reason=\"later\"\n");
    let (uri, _) = s.open(&project.path().join("env.lync.kdl"), &text);
    let r = s.at("textDocument/definition", &uri, 0, 9);
    assert_eq!(path_of(r["result"]["uri"].as_str().unwrap_or_else(|| panic!("a location: {r}"))), file);
    let policy = std::fs::read_to_string(&file).expect("policy");
    let at = line_number(&r["result"]["range"]["start"]["line"]);
    assert!(policy.lines().nth(at).is_some_and(|l| l.contains(&format!("\"{id}\""))), "{r}");
    assert!(!cache.path().join("lync-lint").exists(), "no copy of the built-in pack was needed");
}

fn lens_title(s: &mut Server, uri: &str) -> String {
    let r = s.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    let lenses = r["result"].as_array().unwrap_or_else(|| panic!("lenses: {r}"));
    assert_eq!(lenses.len(), 1, "{r}");
    assert_eq!(lenses[0]["range"]["start"], json!({ "line": 0, "character": 0 }), "on line 1");
    lenses[0]["command"]["title"].as_str().expect("a title").to_owned()
}

#[test]
fn the_code_lens_shows_the_verdict() {
    let (project, cache) = dirs();
    let (mut s, _) = Server::start(project.path(), cache.path(), &[]);
    let (ruled_out, _) = s.open(&project.path().join("voice.lync.kdl"), &fixture("online-but-needs-voice.lync.kdl"));
    assert_eq!(
        lens_title(&mut s, &ruled_out),
        "online-ruled-out by 3 rules; hybrid: home all 300 users on Lync Server 2013"
    );
    let (hybrid, _) = s.open(&project.path().join("hybrid.lync.kdl"), &fixture("hybrid.lync.kdl"));
    assert_eq!(
        lens_title(&mut s, &hybrid),
        "online-ruled-out by 2 rules; hybrid: home 120 to 160 of 2,500 users on Lync Server 2013; the other 2,340 to 2,380 can be homed in Lync Online"
    );
    let (viable, _) = s.open(&project.path().join("small.lync.kdl"), &fixture("small-business.lync.kdl"));
    assert_eq!(lens_title(&mut s, &viable), "online-viable");
    let (broken, _) = s.open(&project.path().join("typo.lync.kdl"), "voice {\n    pbx-replacment #true\n}\n");
    assert_eq!(lens_title(&mut s, &broken), "no verdict (1 error to fix first)");

    // The lens follows the text being edited.
    let change = json!({ "textDocument": { "uri": viable, "version": 2 },
        "contentChanges": [{ "text": "voice {\n    pbx-replacement #true\n}\n" }] });
    s.notify("textDocument/didChange", change);
    assert_eq!(lens_title(&mut s, &viable), "online-ruled-out by 1 rule");

    let other = s.open_quiet(&project.path().join("notes.kdl"), "a 1\n");
    let r = s.request("textDocument/codeLens", json!({ "textDocument": { "uri": other } }));
    assert_eq!(r["result"], json!([]), "only environment files have a verdict");
}
