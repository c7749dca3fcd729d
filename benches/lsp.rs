//! The language server under typing (`cargo bench --bench lsp`, harness = false).
//!
//! 1. Server time per change, in process: what the server does for each `didChange` of a
//!    document (parse, validate, evaluate every policy, convert every diagnostic's range to
//!    UTF-16 positions), after a one-character edit, on the largest fixture and on a 10 KB
//!    generated environment. 1,000 edits each; median, 99th percentile and maximum.
//! 2. A 1,000-change burst over stdio against the release binary (`target/release/lync-lint
//!    lsp`): `didOpen`, 1,000 `didChange` as fast as they can be written, then the time until
//!    the diagnostics of the last version arrive (the server checks after typing pauses, so a
//!    burst costs one or a few checks, not a thousand).

#![allow(clippy::cast_precision_loss)]

#[allow(dead_code)]
mod corpus;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lync_lint_core::diag::SourceFile;
use lync_lint_core::engine::check;
use lync_lint_core::text::{LineIndex, Units};

/// The server's work for one version of a document.
fn server_work(
    packs: &lync_lint_core::pack::PackSet,
    opts: &lync_lint_core::engine::CheckOptions,
    text: &str,
) -> usize {
    let report = check(SourceFile::new("env.lync.kdl", text), packs, opts);
    let idx = LineIndex::new(text);
    let mut n = 0;
    for d in &report.diagnostics {
        for l in &d.labels {
            n += idx.units_position(l.span.start, Units::Utf16).character;
            n += idx.units_position(l.span.end, Units::Utf16).character;
        }
    }
    std::hint::black_box(n)
}

/// The text after edit `i`: a space typed into (or deleted from) a comment on the last line.
fn edited(base: &str, i: usize) -> String {
    let mut t = base.to_owned();
    t.push_str("// typing");
    for _ in 0..(i % 7) {
        t.push(' ');
    }
    t.push('\n');
    t
}

/// The `p`-th percentile (`per_mille` of 1,000) of sorted durations.
fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    sorted[(sorted.len() - 1) * per_mille / 1000]
}

fn per_change(name: &str, base: &str) {
    let packs = lync_lint::packs::load(&[lync_lint::packs::builtin()]).expect("the built-in pack");
    let opts = lync_lint::settings::check_options();
    for i in 0..50 {
        server_work(&packs, &opts, &edited(base, i));
    }
    let mut times: Vec<Duration> = (0..1000)
        .map(|i| {
            let text = edited(base, i);
            let t0 = Instant::now();
            server_work(&packs, &opts, &text);
            t0.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "| {name} | {} B | {:.3} ms | {:.3} ms | {:.3} ms |",
        base.len(),
        percentile(&times, 500).as_secs_f64() * 1e3,
        percentile(&times, 990).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}

fn send(stdin: &mut impl Write, msg: &serde_json::Value) {
    let body = msg.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
}

/// Reads messages until `stop` says so.
fn read_until(out: &mut impl BufRead, stop: impl Fn(&serde_json::Value) -> bool) {
    loop {
        let mut len = 0;
        loop {
            let mut line = String::new();
            assert!(out.read_line(&mut line).expect("read") > 0, "the server went away");
            let line = line.trim();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        out.read_exact(&mut body).expect("body");
        let msg: serde_json::Value = serde_json::from_slice(&body).expect("json");
        if stop(&msg) {
            return;
        }
    }
}

fn burst(base: &str) {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/lync-lint");
    if !bin.exists() {
        println!("burst: skipped (build target/release/lync-lint first)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("lync-lint-lsp-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".git")).expect("dir");
    let mut child = Command::new(bin)
        .arg("lsp")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let uri = format!("file://{}/env.lync.kdl", dir.display());
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": format!("file://{}", dir.display())}}),
    );
    read_until(&mut out, |m| m["id"] == 1);
    send(&mut stdin, &serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "kdl", "version": 0, "text": base}}}),
    );
    read_until(&mut out, |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 0);
    let t0 = Instant::now();
    for v in 1..=1000 {
        let text = edited(base, v);
        send(
            &mut stdin,
            &serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}}),
        );
    }
    stdin.flush().expect("flush");
    read_until(&mut out, |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1000);
    let total = t0.elapsed();
    println!(
        "burst: 1,000 changes of a {} B document, diagnostics of the last version after {:.1} ms ({:.3} ms per change, including the server's 30 ms pause before checking)",
        base.len(),
        total.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3 / 1000.0
    );
    send(&mut stdin, &serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    send(&mut stdin, &serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let largest = std::fs::read_dir(root.join("fixtures"))
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".lync.kdl"))
        .max_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .expect("a fixture");
    let fixture = std::fs::read_to_string(&largest).expect("fixture");
    let ten_kb = corpus::environment_of_size(3, 10 * 1024).text;
    println!("| document | size | median per change | p99 | max |");
    println!("|---|---:|---:|---:|---:|");
    per_change(&format!("`{}`", largest.file_name().unwrap_or_default().to_string_lossy()), &fixture);
    per_change("generated environment", &ten_kb);
    burst(&ten_kb);
}
