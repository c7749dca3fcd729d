//! Machine-readable results of `lync-lint test`: JSON and `JUnit` XML.
//!
//! # JSON (`--format json`)
//!
//! ```text
//! { "version": 1,
//!   "packs":    [ { "name", "version", "origin" } ],            // the packs under test
//!   "tests":    [ { "name", "file", "line", "kind": "test" | "example", "passed",
//!                   "failures": [ { "message", "line", "column",
//!                                   "produced": [ { "code", "severity", "message", "line", "env_line" } ] } ] } ],
//!   "coverage": { "rules", "complete", "never_fired": [ID], "never_quiet": [ID] },
//!   "summary":  { "passed", "failed", "uncovered" } }
//! ```
//!
//! Lines and columns are 1-based (columns count Unicode scalar values) in `file`; `env_line`
//! counts from the line after `env {` (as `fires line=` does), `null` for an example.
//! `complete` is `false` when `--filter` ran only some tests.
//!
//! # `JUnit` (`--format junit`)
//!
//! One `testsuite` per test file (and per policy file for examples), one `testcase` per
//! test, a `failure` per failed test listing its failed expectations and the diagnostics
//! produced. Unless filtered, a `coverage` suite has two cases per rule under test ("fires in
//! a test", "stays quiet in a test"): failures with `--require-coverage`, skipped otherwise.

use std::fmt::Write as _;

use serde_json::{Value, json};

use lync_lint_core::diag::Diagnostic;
use lync_lint_core::pack::PackInfo;
use lync_lint_core::packtest::{Failure, Outcome};
use lync_lint_core::text::LineIndex;

use crate::render::junit;

/// 1-based line and column (in Unicode scalar values) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let p = LineIndex::new(text).position(offset);
    (p.line, p.column)
}

/// The diagnostics produced for a failure's environment, each with its lines.
fn produced(f: &Failure) -> Vec<(&Diagnostic, usize, Option<usize>)> {
    f.report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, _) = line_col(&f.report.file.text, d.primary_span().start);
            let env = (f.env_line > 0).then(|| line.saturating_sub(f.env_line));
            (d, line, env)
        })
        .collect()
}

/// One line per produced diagnostic: `error enterprise-voice/call-park (env line 2): message`.
#[must_use]
pub fn produced_lines(f: &Failure) -> Vec<String> {
    produced(f)
        .into_iter()
        .map(|(d, line, env)| {
            let at = env.map_or_else(|| format!("line {line}"), |e| format!("env line {e}"));
            let waived = if d.waived.is_some() { ", waived" } else { "" };
            format!("{} {} ({at}{waived}): {}", d.severity, d.code, d.message)
        })
        .collect()
}

/// The JSON document.
#[must_use]
pub fn json(outcome: &Outcome, packs: &[&PackInfo]) -> Value {
    let tests: Vec<Value> = outcome
        .results
        .iter()
        .map(|r| {
            let failures: Vec<Value> = r
                .failures
                .iter()
                .map(|f| {
                    let (line, column) = line_col(&f.file.text, f.diagnostic.primary_span().start);
                    let produced: Vec<Value> = produced(f)
                        .into_iter()
                        .map(|(d, line, env)| {
                            json!({ "code": d.code, "severity": d.severity.as_str(), "message": d.message,
                                    "line": line, "env_line": env })
                        })
                        .collect();
                    json!({ "message": f.diagnostic.message, "line": line, "column": column, "produced": produced })
                })
                .collect();
            json!({
                "name": r.name,
                "file": r.file.name,
                "line": line_col(&r.file.text, r.span.start).0,
                "kind": if r.example { "example" } else { "test" },
                "passed": r.failures.is_empty(),
                "failures": failures,
            })
        })
        .collect();
    let packs: Vec<Value> =
        packs.iter().map(|p| json!({ "name": p.name, "version": p.version, "origin": p.origin })).collect();
    json!({
        "version": 1,
        "packs": packs,
        "tests": tests,
        "coverage": {
            "rules": outcome.rules.len(),
            "complete": !outcome.filtered,
            "never_fired": outcome.never_fired,
            "never_quiet": outcome.never_quiet,
        },
        "summary": {
            "passed": outcome.passed,
            "failed": outcome.failed(),
            "uncovered": uncovered(outcome),
        },
    })
}

/// The number of rules with a coverage gap (0 when coverage is partial).
#[must_use]
pub fn uncovered(outcome: &Outcome) -> usize {
    if outcome.filtered {
        return 0;
    }
    let mut ids: Vec<&String> = outcome.never_fired.iter().chain(&outcome.never_quiet).collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

/// The `JUnit` XML document.
#[must_use]
pub fn junit(outcome: &Outcome, require_coverage: bool) -> String {
    let mut files: Vec<&str> = Vec::new();
    for r in &outcome.results {
        if !files.contains(&r.file.name.as_str()) {
            files.push(&r.file.name);
        }
    }
    let coverage = if outcome.filtered { String::new() } else { coverage_suite(outcome, require_coverage) };
    let gaps = if require_coverage { uncovered_cases(outcome) } else { 0 };
    let cases = outcome.results.len() + if outcome.filtered { 0 } else { 2 * outcome.rules.len() };
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ =
        writeln!(s, "<testsuites name=\"lync-lint test\" tests=\"{cases}\" failures=\"{}\">", outcome.failed() + gaps);
    for file in files {
        let results: Vec<_> = outcome.results.iter().filter(|r| r.file.name == file).collect();
        let failed = results.iter().filter(|r| !r.failures.is_empty()).count();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">",
            junit::attr(file),
            results.len()
        );
        for r in results {
            let line = line_col(&r.file.text, r.span.start).0;
            let _ = write!(
                s,
                "    <testcase classname=\"{0}\" name=\"{1}\" file=\"{0}\" line=\"{line}\"",
                junit::attr(file),
                junit::attr(&r.name)
            );
            if r.failures.is_empty() {
                s.push_str("/>\n");
                continue;
            }
            let first = r.failures.first().map_or("", |f| f.diagnostic.message.as_str());
            let _ = write!(s, ">\n      <failure type=\"test::failed\" message=\"{}\">", junit::attr(first));
            for f in &r.failures {
                let (l, c) = line_col(&f.file.text, f.diagnostic.primary_span().start);
                let _ = writeln!(s, "{}:{l}:{c}: {}", junit::attr(&f.file.name), junit::attr(&f.diagnostic.message));
                for p in produced_lines(f) {
                    let _ = writeln!(s, "  produced: {}", junit::text(&p));
                }
            }
            s.push_str("</failure>\n    </testcase>\n");
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str(&coverage);
    s.push_str("</testsuites>\n");
    s
}

fn uncovered_cases(outcome: &Outcome) -> usize {
    if outcome.filtered { 0 } else { outcome.never_fired.len() + outcome.never_quiet.len() }
}

fn coverage_suite(outcome: &Outcome, require: bool) -> String {
    let failures = if require { uncovered_cases(outcome) } else { 0 };
    let mut s =
        format!("  <testsuite name=\"coverage\" tests=\"{}\" failures=\"{failures}\">\n", 2 * outcome.rules.len());
    for rule in &outcome.rules {
        for (what, missing) in
            [("fires in a test", &outcome.never_fired), ("stays quiet in a test", &outcome.never_quiet)]
        {
            let _ = write!(s, "    <testcase classname=\"coverage\" name=\"{} {what}\"", junit::attr(rule));
            if !missing.contains(rule) {
                s.push_str("/>\n");
            } else if require {
                let _ =
                    writeln!(s, "><failure type=\"test::coverage\" message=\"no test where it {what}\"/></testcase>");
            } else {
                let _ = writeln!(s, "><skipped message=\"no test where it {what}\"/></testcase>");
            }
        }
    }
    s.push_str("  </testsuite>\n");
    s
}
