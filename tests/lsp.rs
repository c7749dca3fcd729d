//! The language server (`lync-lint lsp`, SPEC §10), driven as a subprocess over JSON-RPC:
//! diagnostics with UTF-16 (and negotiated UTF-8) ranges, hover, completion, quick fixes,
//! re-linting on configuration and pack changes, and robustness against bad input.

mod client;
mod resilience;

use std::time::Duration;

use client::{Client, apply, file, project, uri};
use serde_json::{Value, json};

/// A line with multi-byte characters (`ü` is 2 bytes and 1 UTF-16 unit, the emoji 4 bytes and
/// 2 units) before the flagged node, and a target that adds a related label.
const UNICODE: &str =
    "site \"Zürich 🚀\" country=\"CH\"; voice { call-park #true; }\ndeployment { target \"online\"; }\n";

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn find<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags.iter().find(|d| d["code"] == code).unwrap_or_else(|| panic!("no `{code}` in {diags:#?}"))
}

#[test]
fn diagnostics_have_utf16_ranges_and_related_labels() {
    let dir = project();
    let (mut c, init) = Client::initialized(dir.path(), &[], json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 1, "full sync");
    let uri = c.open(&dir.path().join("env.lync.kdl"), UNICODE);
    let diags = c.diagnostics(&uri, Some(1));
    let d = find(&diags, "enterprise-voice/call-park");
    let at = UNICODE.find("call-park").expect("node");
    let utf16 = UNICODE[..at].encode_utf16().count();
    assert_ne!(utf16, at, "the test needs multi-byte characters before the node");
    assert_ne!(utf16, UNICODE[..at].chars().count(), "and a character outside the BMP");
    assert_eq!(d["range"]["start"], json!({ "line": 0, "character": utf16 }));
    assert_eq!(d["range"]["end"], json!({ "line": 0, "character": utf16 + "call-park #true".len() }));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "lync-lint");
    assert!(d["codeDescription"]["href"].as_str().is_some_and(|u| u.starts_with("https://")), "{d}");
    assert!(d["message"].as_str().is_some_and(|m| m.contains("\n\nhelp: ")), "help is the second paragraph: {d}");
    let related = &d["relatedInformation"][0];
    assert_eq!(related["message"], "Lync Online chosen here");
    assert_eq!(related["location"]["uri"], uri.as_str());
    assert_eq!(related["location"]["range"]["start"]["line"], 1);
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = project();
    let caps = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let (mut c, init) = Client::initialized(dir.path(), &[], caps);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = c.open(&dir.path().join("env.lync.kdl"), UNICODE);
    let diags = c.diagnostics(&uri, Some(1));
    let at = UNICODE.find("call-park").expect("node");
    assert_eq!(find(&diags, "enterprise-voice/call-park")["range"]["start"]["character"], at);
}

fn hover(c: &mut Client, uri: &str, line: u64, character: u64) -> String {
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
    );
    r["result"]["contents"]["value"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn hover_explains_vocabulary_and_findings() {
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let text = "voice {\n    call-park #true\n    pbx-integration \"Avaya\" method=\"gateway\"\n}\n";
    let uri = c.open(&dir.path().join("env.lync.kdl"), text);
    c.diagnostics(&uri, Some(1));
    assert!(hover(&mut c, &uri, 0, 2).contains("Telephony needs"), "node description");
    let flagged = hover(&mut c, &uri, 1, 6);
    assert!(flagged.contains("# enterprise-voice/call-park"), "the rule's explanation: {flagged}");
    assert!(flagged.contains("## How to waive"), "{flagged}");
    let prop = hover(&mut c, &uri, 2, 30);
    assert!(prop.contains("`method=`") && prop.contains("\"direct-sip\""), "allowed values: {prop}");
    let value = hover(&mut c, &uri, 2, 38);
    assert!(value.contains("through a PSTN gateway"), "a value's meaning: {value}");
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 9, "character": 0 } }),
    );
    assert_eq!(r["result"], Value::Null, "nothing to say past the end");
}

fn labels(c: &mut Client, uri: &str, line: u64, character: u64) -> Vec<String> {
    let r = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
    );
    let items = r["result"].as_array().cloned().unwrap_or_default();
    items.iter().filter_map(|i| i["label"].as_str().map(str::to_owned)).collect()
}

#[test]
fn completion_offers_what_the_vocabulary_allows_there() {
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let text = "site \"HQ\" \nvoice {\n    \n    dial-plans \n    pbx-integration \"A\" method=\n}\n";
    let uri = c.open(&dir.path().join("env.lync.kdl"), text);
    let voice = labels(&mut c, &uri, 2, 4);
    assert!(voice.contains(&"pbx-replacement".to_owned()) && voice.contains(&"call-park".to_owned()), "{voice:?}");
    assert!(!voice.contains(&"site".to_owned()), "top-level nodes are not valid in `voice`: {voice:?}");
    let top = labels(&mut c, &uri, 6, 0);
    assert!(top.contains(&"site".to_owned()) && top.contains(&"waiver".to_owned()), "{top:?}");
    let props = labels(&mut c, &uri, 0, 10);
    assert!(props.contains(&"country=".to_owned()) && props.contains(&"datacenter=".to_owned()), "{props:?}");
    assert_eq!(labels(&mut c, &uri, 3, 15), ["users=", "\"default\"", "\"custom\""]);
    assert_eq!(labels(&mut c, &uri, 4, 31), ["\"direct-sip\"", "\"gateway\"", "\"remote-call-control\""]);
}

/// Asks for the quick fixes of `d` and applies the one whose title starts with `prefix`.
fn quick_fix(c: &mut Client, uri: &str, text: &str, d: &Value, prefix: &str) -> String {
    let params = json!({ "textDocument": { "uri": uri }, "range": d["range"], "context": { "diagnostics": [d] } });
    let r = c.request("textDocument/codeAction", params);
    let actions = r["result"].as_array().cloned().unwrap_or_default();
    let action = actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no `{prefix}` action in {r:#}"));
    assert_eq!(action["kind"], "quickfix");
    apply(text, &action["edit"], uri)
}

#[test]
fn waiver_quick_fix_makes_the_finding_disappear() {
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let uri = c.open(&dir.path().join("env.lync.kdl"), UNICODE);
    let diags = c.diagnostics(&uri, Some(1));
    let fixed = quick_fix(&mut c, &uri, UNICODE, find(&diags, "enterprise-voice/call-park"), "Waive");
    assert!(
        fixed.ends_with("waiver \"enterprise-voice/call-park\" reason=\"TODO: why\" expires=\"2025-04-01\"\n"),
        "90 days after {}: {fixed}",
        client::TODAY
    );
    c.change(&uri, 2, &fixed);
    let after = c.diagnostics(&uri, Some(2));
    assert!(after.is_empty(), "waived, and the waiver is used: {after:#?}");
}

#[test]
fn did_you_mean_quick_fix_replaces_the_name() {
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let text = "voice {\n    pbx-replacment #true\n}\nmanagement {\n    policies \"ful\"\n}\n";
    let uri = c.open(&dir.path().join("env.lync.kdl"), text);
    let diags = c.diagnostics(&uri, Some(1));
    let fixed = quick_fix(&mut c, &uri, text, find(&diags, "schema::unknown-node"), "Replace with `pbx-replacement`");
    let fixed = quick_fix(&mut c, &uri, &fixed, find(&diags, "schema::value"), "Replace with `\"full\"`");
    assert_eq!(fixed, "voice {\n    pbx-replacement #true\n}\nmanagement {\n    policies \"full\"\n}\n");
    c.change(&uri, 2, &fixed);
    let after = c.diagnostics(&uri, Some(2));
    assert_eq!(codes(&after), ["enterprise-voice/pbx-replacement", "control/full-policy-control"]);
}

/// The code actions for `range` of `uri`, of the kinds in `only` (`None`: all).
fn code_actions(c: &mut Client, uri: &str, range: &Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range, "context": context }),
    );
    r["result"].as_array().cloned().unwrap_or_default()
}

fn kinds(actions: &[Value]) -> Vec<&str> {
    actions.iter().filter_map(|a| a["kind"].as_str()).collect()
}

#[test]
fn fix_all_applies_every_safe_fix_as_check_fix_does() {
    let dir = project();
    let (mut c, init) = Client::initialized(dir.path(), &[], json!({}));
    let advertised = &init["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(advertised, &json!(["quickfix", "source.fixAll", "source.fixAll.lync-lint"]));
    // A KDL v1 keyword (so the file does not parse), then a misspelling, a string boolean and
    // a value with one close match it uncovers; and one mistake without a fix.
    let text = "voice {\r\n    pbx-replacment true // keep\r\n    call-park \"yes\"\r\n    wat #true\r\n}\r\nmanagement {\r\n    policies \"ful\"\r\n}\r\n";
    let uri = c.open(&dir.path().join("env.lync.kdl"), text);
    assert_eq!(codes(&c.diagnostics(&uri, Some(1))), ["kdl::syntax"]);
    let start = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    assert!(!kinds(&code_actions(&mut c, &uri, &start, Some(&["quickfix"]))).contains(&"source.fixAll.lync-lint"));
    for only in [None, Some(&["source"][..]), Some(&["source.fixAll"][..])] {
        let actions = code_actions(&mut c, &uri, &start, only);
        assert!(kinds(&actions).contains(&"source.fixAll.lync-lint"), "{only:?}: {actions:#?}");
    }
    let actions = code_actions(&mut c, &uri, &start, Some(&["source.fixAll"]));
    let [fix_all] = actions.as_slice() else { panic!("one action: {actions:#?}") };
    assert_eq!(fix_all["title"], "Fix all 4 problems (lync-lint safe fixes)");
    let fixed = apply(text, &fix_all["edit"], &uri);
    let expected = "voice {\r\n    pbx-replacement #true // keep\r\n    call-park #true\r\n    wat #true\r\n}\r\nmanagement {\r\n    policies \"full\"\r\n}\r\n";
    assert_eq!(fixed, expected);
    c.change(&uri, 2, &fixed);
    assert_eq!(codes(&c.diagnostics(&uri, Some(2))), ["schema::unknown-node"], "`wat` has no fix");
    assert_eq!(
        code_actions(&mut c, &uri, &start, Some(&["source.fixAll"])),
        Vec::<Value>::new(),
        "nothing left to fix"
    );
}

#[test]
fn a_kdl_v1_file_gets_a_quick_fix_that_rewrites_it() {
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let text = "voice {\n    call-park true\n}\nsite r\"HQ\" country=\"US\"\n";
    let uri = c.open(&dir.path().join("env.lync.kdl"), text);
    let diags = c.diagnostics(&uri, Some(1));
    let fixed = quick_fix(&mut c, &uri, text, find(&diags, "kdl::syntax"), "Rewrite as KDL v2");
    assert_eq!(fixed, "voice {\n    call-park #true\n}\nsite #\"HQ\"# country=\"US\"\n");
}

#[test]
fn configuration_changes_relint_open_documents() {
    let dir = project();
    let env = file(&dir, "env.lync.kdl", "voice {\n    call-park #true\n}\n");
    let caps = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut c, _) = Client::initialized(dir.path(), &[], caps);
    let register = c.wait("a watcher registration", |m| m["method"] == "client/registerCapability");
    assert_eq!(register["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
    c.send(&json!({ "jsonrpc": "2.0", "id": register["id"], "result": null }));
    let env_uri = c.open(&env, "voice {\n    call-park #true\n}\n");
    assert_eq!(find(&c.diagnostics(&env_uri, Some(1)), "enterprise-voice/call-park")["severity"], 1);
    let config = file(&dir, "lync-lint.kdl", "rule \"enterprise-voice/call-park\" severity=\"warning\"\n");
    let changed = json!({ "changes": [{ "uri": uri(&config), "type": 1 }] });
    c.notify("workspace/didChangeWatchedFiles", changed.clone());
    assert_eq!(find(&c.diagnostics(&env_uri, Some(1)), "enterprise-voice/call-park")["severity"], 2);
    // An unsaved buffer of the configuration counts, and gets its own diagnostics.
    let config_uri =
        c.open(&config, "rule \"enterprise-voice/call-park\" severity=\"warning\"\nexclude \"env.lync.kdl\"\n");
    c.change(&config_uri, 2, "rule \"enterprise-voice/call-prak\" severity=\"off\"\nexclude \"env.lync.kdl\"\n");
    let config_diags = c.diagnostics(&config_uri, Some(2));
    let unknown = find(&config_diags, "config::unknown-rule");
    assert!(
        unknown["message"].as_str().is_some_and(|m| m.contains("did you mean `enterprise-voice/call-park`?")),
        "{unknown}"
    );
    assert_eq!(c.diagnostics(&env_uri, None), Vec::<Value>::new(), "excluded: not an environment file any more");
}

#[test]
fn policy_files_get_pack_diagnostics() {
    let dir = project();
    file(&dir, "packs/acme/pack.kdl", "pack \"acme\" {\n    version \"1.0.0\"\n}\n");
    let good = "policy \"acme/no-xmpp\" {\n    title \"t\"\n    severity \"error\"\n    when \"top() > federation > xmpp\"\n    message \"no XMPP\"\n}\n";
    let rules = file(&dir, "packs/acme/rules.kdl", good);
    let (mut c, _) = Client::initialized(dir.path(), &["--policies", "packs/acme"], json!({}));
    let rules_uri = c.open(&rules, good);
    assert_eq!(c.diagnostics(&rules_uri, Some(1)), Vec::<Value>::new());
    let env_uri = c.open(&dir.path().join("env.lync.kdl"), "federation {\n    xmpp \"jabber.example\"\n}\n");
    assert!(codes(&c.diagnostics(&env_uri, Some(1))).contains(&"acme/no-xmpp"));
    c.change(&rules_uri, 2, &good.replace("    title", "    titel"));
    let diags = c.diagnostics(&rules_uri, Some(2));
    assert!(diags.iter().any(|d| d["range"]["start"]["line"] == 1), "points at the mistake: {diags:#?}");
    let notes_uri = c.open(&dir.path().join("notes.kdl"), "anything at-all\n");
    let none = c.try_wait(Duration::from_secs(2), &|m| m["params"]["uri"] == notes_uri.as_str());
    assert!(none.is_none(), "other KDL files get nothing: {none:?}");
}

#[test]
fn survives_bad_input_and_keeps_serving() {
    let dir = project();
    let mut c = Client::start(dir.path(), &[]);
    let early = c.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "not initialized yet: {early}");
    let r = c.request("initialize", json!({ "capabilities": {} }));
    assert!(r["result"]["capabilities"].is_object(), "{r}");
    c.notify("initialized", json!({}));
    c.send_raw(b"this is not a header\r\n\r\n");
    assert_eq!(c.response(&Value::Null)["error"]["code"], -32700);
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    assert_eq!(c.response(&Value::Null)["error"]["code"], -32700);
    let r = c.request("no/such-method", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///nowhere.lync.kdl" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(r["error"]["code"], -32602, "unknown document: {r}");
    let r = c.request("textDocument/completion", json!({ "textDocument": 5 }));
    assert_eq!(r["error"]["code"], -32602, "bad params: {r}");
    c.change("file:///nowhere.lync.kdl", 3, "x");
    let bad = c.open(&dir.path().join("bad.lync.kdl"), "voice { call-park #true\n\"unterminated");
    assert!(codes(&c.diagnostics(&bad, Some(1))).iter().all(|code| *code == "kdl::syntax"));
    let mut big = "site \"Zürich\" country=\"CH\" users=1\n".repeat(10 * 1024 * 1024 / 36 + 1);
    big.push_str("voice {\n    call-park #true\n}\n");
    let lines = big.lines().count();
    let big_uri = c.open(&dir.path().join("big.lync.kdl"), &big);
    let small = c.open(&dir.path().join("small.lync.kdl"), "voice {\n    call-park #true\n}\n");
    let h = hover(&mut c, &small, 0, 1);
    assert!(h.contains("Telephony needs"), "answers while the big document is checked: {h}");
    let diags = c.diagnostics(&big_uri, Some(1));
    assert_eq!(find(&diags, "enterprise-voice/call-park")["range"]["start"]["line"], lines - 2);
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn a_burst_of_changes_is_checked_once_not_once_per_keystroke() {
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    let uri = c.open(&dir.path().join("env.lync.kdl"), "voice {\n}\n");
    c.diagnostics(&uri, Some(1));
    let mut burst = Vec::new();
    for version in 2..=300 {
        let text = format!("voice {{\n    call-park #true // {version}\n}}\n");
        let params =
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
        let body = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": params }).to_string();
        burst.extend_from_slice(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }
    c.send_raw(&burst);
    let last = c.diagnostics(&uri, Some(300));
    assert_eq!(codes(&last), ["enterprise-voice/call-park"]);
    let mut published = 1;
    while c.try_wait(Duration::ZERO, &|m| m["method"] == "textDocument/publishDiagnostics").is_some() {
        published += 1;
    }
    assert!(published < 30, "299 changes were checked {published} times");
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = project();
    let (mut c, _) = Client::initialized(dir.path(), &[], json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status().code(), Some(1));
}
