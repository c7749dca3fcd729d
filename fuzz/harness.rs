//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` (cargo-fuzz) and by
//! `tests/fuzz_replay.rs`, which replays every kept input (`fuzz/regressions/<target>/`) and
//! a seed sample in `cargo test`. Each body checks the invariants that hold for any input:
//! no panic, and every span (document, diagnostic, label) inside its file and on character
//! boundaries. Every rendering path runs on whatever the engine produced.

#![allow(dead_code)]

use std::path::Path;

use lync_lint::config::{Config, ConfigError};
use lync_lint::render::format::{Format, render};
use lync_lint::render::human::Style;
use lync_lint_core::diag::{Diagnostic, FileDiagnostics, SourceFile};
use lync_lint_core::doc::{Document, Node, Span};
use lync_lint_core::engine::{CheckOptions, FileReport};
use lync_lint_core::kql::Query;
use lync_lint_core::pack::{PackSet, PackSource};

const STYLE: Style = Style { color: false, narrate: false, width: Some(100) };

/// The built-in pack, loaded once per process.
fn builtin() -> &'static PackSet {
    static PACKS: std::sync::OnceLock<PackSet> = std::sync::OnceLock::new();
    PACKS.get_or_init(|| lync_lint::packs::load(&[lync_lint::packs::builtin()]).expect("the built-in pack loads"))
}

/// Why `span` is not a valid span of `text` (`what` names it), if it is not.
pub fn bad_span(text: &str, span: Span, what: &str) -> Option<String> {
    let ok = span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end);
    (!ok).then(|| format!("{what} {span:?} is not a span of the {}-byte text", text.len()))
}

fn span_ok(text: &str, span: Span, what: &str) {
    if let Some(problem) = bad_span(text, span, what) {
        panic!("{problem}");
    }
}

/// What is wrong with the spans of `doc`, parsed from `text`: each must be a span of the
/// text, and lie inside its container (the node span covers annotation, name, entries and
/// children; an entry's span covers its name, annotation and value).
pub fn document_problems(text: &str, doc: &Document) -> Vec<String> {
    let inside = |outer: Span, inner: Span| outer.start <= inner.start && inner.end <= outer.end;
    let mut out = Vec::new();
    let mut stack: Vec<(&Node, Option<Span>)> = doc.nodes.iter().map(|n| (n, None)).collect();
    while let Some((node, parent)) = stack.pop() {
        let name = &node.name.value;
        let mut spans = vec![("name", node.name.span)];
        spans.extend(node.ty.as_ref().map(|ty| ("type annotation", ty.span)));
        for e in &node.entries {
            spans.push(("entry", e.span()));
            for (what, sub) in [("value", Some(e.value_span())), ("property name", e.name.as_ref().map(|n| n.span))]
                .into_iter()
                .chain([("entry annotation", e.ty.as_ref().map(|t| t.span))])
            {
                let Some(sub) = sub else { continue };
                out.extend(bad_span(text, sub, &format!("`{name}`: {what}")));
                if !inside(e.span(), sub) {
                    out.push(format!("`{name}`: {what} {sub:?} outside its entry {:?}", e.span()));
                }
            }
        }
        out.extend(bad_span(text, node.span, &format!("`{name}`: node")));
        for (what, span) in &spans {
            out.extend(bad_span(text, *span, &format!("`{name}`: {what}")));
            if !inside(node.span, *span) {
                out.push(format!("`{name}`: {what} {span:?} outside the node {:?}", node.span));
            }
        }
        if let Some(p) = parent.filter(|p| !inside(*p, node.span)) {
            out.push(format!("`{name}`: node {:?} outside its parent {p:?}", node.span));
        }
        stack.extend(node.children.iter().flatten().map(|c| (c, Some(node.span))));
    }
    out
}

/// Every span of `doc` is right (see [`document_problems`]).
pub fn document_spans_ok(text: &str, doc: &Document) {
    let problems = document_problems(text, doc);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The diagnostics' label spans that are not spans of `text`.
pub fn label_problems(text: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .flat_map(|d| d.labels.iter().filter_map(move |l| bad_span(text, l.span, &format!("a `{}` label", d.code))))
        .collect()
}

fn diagnostics_ok(text: &str, diagnostics: &[Diagnostic]) {
    let problems = label_problems(text, diagnostics);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Renders every file's diagnostics in the human format (as `check` does for broken packs
/// and configs).
fn render_problems(files: &[FileDiagnostics]) {
    for f in files {
        diagnostics_ok(&f.file.text, &f.diagnostics);
        for d in &f.diagnostics {
            let _ = lync_lint::render::human::render_diagnostic(&f.file, d, STYLE);
        }
    }
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The KDL parser: a document's spans, or errors with spans.
pub fn parse(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match lync_lint::syntax::parse(text) {
        Ok(doc) => document_spans_ok(text, &doc),
        Err(errors) => {
            assert!(!errors.is_empty(), "a rejected document has at least one error");
            for e in &errors {
                span_ok(text, e.span, "syntax error");
            }
        }
    }
}

/// KQL: the first line is a query, the rest a document to run it on.
pub fn kql(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let (query, rest) = text.split_once('\n').unwrap_or((text, ""));
    match Query::parse(query) {
        Ok(q) => {
            for (_, span) in q.node_names().into_iter().chain(q.prop_names()) {
                span_ok(query, span, "query name");
            }
            if let Ok(doc) = lync_lint_core::parse::parse(rest) {
                let found = q.select(&doc);
                assert!(found.len() <= count_nodes(&doc), "a selection has no more nodes than the document");
            }
        }
        Err(e) => span_ok(query, e.span, "KQL error"),
    }
}

fn count_nodes(doc: &Document) -> usize {
    let mut stack: Vec<_> = doc.nodes.iter().collect();
    let mut n = 0;
    while let Some(node) = stack.pop() {
        n += 1;
        stack.extend(node.children.iter().flatten());
    }
    n
}

/// Policy-pack loading: the first byte picks the role of the rest in a user pack next to the
/// built-in one (a policy file, the vocabulary, a test file or `pack.kdl`); a pack that
/// loads checks a fixture and runs its tests.
pub fn pack(data: &[u8]) {
    let Some((&role, rest)) = data.split_first() else { return };
    let Some(text) = text(rest) else { return };
    let info = "pack \"fuzz\" {\n    version \"0.1.0\"\n}\n".to_owned();
    let mut files = vec![("fuzz/pack.kdl".to_owned(), info)];
    let name = match role % 4 {
        0 => "fuzz/rules/fuzz.kdl",
        1 => "fuzz/vocabulary.kdl",
        2 => "fuzz/tests/fuzz.test.kdl",
        _ => "fuzz/pack.kdl",
    };
    files.retain(|(n, _)| n != name);
    files.push((name.to_owned(), text.to_owned()));
    files.sort();
    let sources = [lync_lint::packs::builtin(), PackSource::new("fuzz".to_owned(), files)];
    let (packs, errors) = lync_lint::packs::load_partial(&sources);
    render_problems(&errors);
    // Only the fuzzed pack's tests: the built-in ones run in `cargo test`.
    let only_fuzz = lync_lint_core::packtest::RunOptions { packs: Some(vec![1]), filter: None, check: options() };
    let (tests, errors) = lync_lint_core::packtest::decode_selected(&packs, &only_fuzz);
    render_problems(&errors);
    for t in &tests {
        let _ = lync_lint_core::packtest::run(t, &packs, &options());
    }
    let fixture = "needs {\n    voice {\n        call-park #true\n    }\n}\n";
    render_all(&[check_text(fixture, &packs)], &packs);
}

/// Config loading: a config that loads has its rule settings checked against the pack.
pub fn config(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match Config::from_text(Path::new("lync-lint.kdl"), text.to_owned()) {
        Ok(config) => {
            let settings = lync_lint::settings::Settings::resolve(config, &lync_lint::settings::Flags::default());
            if let Err(lync_lint::settings::SettingsError::Config(problems)) = settings.check(builtin()) {
                render_problems(&[problems]);
            }
        }
        Err(ConfigError::Invalid(problems)) => render_problems(&[problems]),
        Err(ConfigError::Read(_)) => panic!("from_text reads no file"),
    }
}

fn check_text(text: &str, packs: &PackSet) -> FileReport {
    let file = SourceFile::new("fuzz.lync.kdl", text);
    lync_lint_core::engine::check(file, packs, &options())
}

fn options() -> CheckOptions {
    CheckOptions {
        today: lync_lint_core::waiver::Today::date("2026-01-01"),
        explain: lync_lint::syntax::explain,
        ..CheckOptions::default()
    }
}

fn render_all(reports: &[FileReport], packs: &PackSet) {
    for r in reports {
        diagnostics_ok(&r.file.text, &r.diagnostics);
    }
    for name in Format::NAMES {
        let format = Format::parse(name).expect("a format");
        let out = render(format, reports, packs, None, false, STYLE);
        if matches!(format, Format::Json | Format::Sarif | Format::Gitlab) {
            let _: serde_json::Value = serde_json::from_str(&out).expect("the JSON output is JSON");
        }
    }
}

/// The whole pipeline on one environment file's bytes: decoding, parsing, validation,
/// policies, waivers, and every output format.
pub fn check(data: &[u8]) {
    let packs = builtin();
    let report = match lync_lint_core::source::decode("fuzz.lync.kdl", data.to_vec()) {
        Ok(file) => lync_lint_core::engine::check(file, packs, &options()),
        Err(bad) => FileReport::unknown(bad.0, vec![bad.1]),
    };
    render_all(&[report], packs);
}
