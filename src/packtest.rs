//! Policy tests (SPEC §9): `test` nodes in a pack's `*.test.kdl` files, each with an inline
//! environment and expectations (`fires`, `quiet`, `verdict`, `target`).
//!
//! This module decodes and runs them and computes rule coverage; it reports through plain
//! data so the CLI and `cargo test` can both present the results.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::diag::{Diagnostic, SourceFile, did_you_mean};
use crate::doc::{Document, Node, Span};
use crate::engine::{CheckOptions, FileReport, Target, check_doc};
use crate::pack::PackSet;
use crate::pack::read::Reader;

/// One expectation of a test.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    Fires { rule: String, line: Option<usize>, span: Span },
    Quiet { rule: String, span: Span },
    Verdict { verdict: String, span: Span },
}

/// A decoded test.
#[derive(Debug, Clone)]
pub struct PackTest {
    pub name: String,
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub env: Document,
    /// The line of `env {` in the test file (1-based); env lines count from the next one.
    pub env_line: usize,
    pub target: Option<Target>,
    pub expects: Vec<Expect>,
}

/// A failed expectation, with what was produced instead.
#[derive(Debug, Clone)]
pub struct Failure {
    pub test: String,
    pub file: Arc<SourceFile>,
    /// The failed expectation, as a diagnostic into the test file.
    pub diagnostic: Diagnostic,
    pub report: FileReport,
}

/// The result of running tests.
#[derive(Debug, Default)]
pub struct Outcome {
    pub passed: usize,
    pub failures: Vec<Failure>,
    /// Rules that no test makes fire / keeps quiet.
    pub never_fired: Vec<String>,
    pub never_quiet: Vec<String>,
}

/// 1-based line of a byte offset.
#[must_use]
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// Decodes the tests of one test file; mistakes are reported with spans.
pub fn load(file: &Arc<SourceFile>, packs: &PackSet, r: &mut Reader) -> Vec<PackTest> {
    let doc = match crate::parse::parse(&file.text) {
        Ok(d) => d,
        Err(errs) => {
            r.diagnostics.extend(errs.into_iter().map(crate::engine::syntax_diagnostic));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for node in &doc.nodes {
        if node.name.value != "test" {
            r.unknown_child(node, "a test file", &["test"]);
            continue;
        }
        if let Some(t) = load_test(file, node, packs, r) {
            out.push(t);
        }
    }
    out
}

fn rule_name(n: &Node, packs: &PackSet, r: &mut Reader) -> Option<(String, Span)> {
    let (rule, span) = r.string_arg(n, "a rule id")?;
    if packs.policy(&rule).is_none() {
        let help =
            did_you_mean(&rule, packs.policies.iter().map(|p| p.id.as_str())).map(|s| format!("did you mean `{s}`?"));
        r.error_help("unknown-rule", format!("unknown rule `{rule}`"), span, "no such rule", help);
        return None;
    }
    Some((rule, span))
}

fn load_test(file: &Arc<SourceFile>, node: &Node, packs: &PackSet, r: &mut Reader) -> Option<PackTest> {
    r.allow_props(node, &[]);
    let (name, _) = r.string_arg(node, "a test name")?;
    let mut env = None;
    let mut target = None;
    let mut expects = Vec::new();
    for f in node.children() {
        match f.name.value.as_str() {
            "env" => {
                r.allow_props(f, &[]);
                env = Some((Document { nodes: f.children().to_vec() }, line_of(&file.text, f.span.start)));
            }
            "fires" => {
                r.allow_props(f, &["line"]);
                let line = f.prop("line").and_then(|e| r.expect_int(e, "`line`")).and_then(|l| usize::try_from(l).ok());
                if let Some((rule, span)) = rule_name(f, packs, r) {
                    expects.push(Expect::Fires { rule, line, span });
                }
            }
            "quiet" => {
                r.allow_props(f, &[]);
                if let Some((rule, span)) = rule_name(f, packs, r) {
                    expects.push(Expect::Quiet { rule, span });
                }
            }
            "verdict" => {
                r.allow_props(f, &[]);
                if let Some((verdict, span)) = r.string_arg(f, "a verdict") {
                    if verdict == "online-ruled-out" || verdict == "online-viable" {
                        expects.push(Expect::Verdict { verdict, span });
                    } else {
                        r.error(
                            "value",
                            format!("unknown verdict `{verdict}`"),
                            span,
                            "expected `online-ruled-out` or `online-viable`",
                        );
                    }
                }
            }
            "target" => {
                r.allow_props(f, &[]);
                if let Some((t, span)) = r.string_arg(f, "a target") {
                    target = Target::parse(&t);
                    if target.is_none() {
                        r.error(
                            "value",
                            format!("unknown target `{t}`"),
                            span,
                            "expected `online`, `on-premises` or `hybrid`",
                        );
                    }
                }
            }
            _ => r.unknown_child(f, "test", &["env", "fires", "quiet", "verdict", "target"]),
        }
    }
    let Some((env, env_line)) = env else {
        r.error("missing-field", format!("test `{name}` has no `env` block"), node.name.span, "add `env { ... }`");
        return None;
    };
    Some(PackTest { name, file: file.clone(), span: node.span, env, env_line, target, expects })
}

/// Runs one test; the failed expectations.
#[must_use]
pub fn run(t: &PackTest, packs: &PackSet) -> Vec<Failure> {
    let report = check_doc(t.file.clone(), &t.env, packs, &CheckOptions { target: t.target });
    let finding = |rule: &str| report.diagnostics.iter().find(|d| d.is_finding && d.code == rule);
    let fail = |message: String, span: Span, label: &str| Failure {
        test: t.name.clone(),
        file: t.file.clone(),
        diagnostic: Diagnostic::error("test::failed", message).with_label(span, label),
        report: report.clone(),
    };
    let mut failures = Vec::new();
    if report.verdict.is_none() {
        let span = t.span;
        failures.push(fail(
            format!("test `{}`: the environment is not valid", t.name),
            span,
            "its env block has errors",
        ));
        return failures;
    }
    for e in &t.expects {
        match e {
            Expect::Fires { rule, line, span } => match finding(rule) {
                None => failures.push(fail(format!("`{rule}` did not fire"), *span, "expected to fire")),
                Some(d) => {
                    let got = line_of(&t.file.text, d.primary_span().start).saturating_sub(t.env_line);
                    if let Some(want) = line
                        && *want != got
                    {
                        failures.push(fail(
                            format!("`{rule}` fired on env line {got}, not line {want}"),
                            *span,
                            "expected line",
                        ));
                    }
                }
            },
            Expect::Quiet { rule, span } => {
                if finding(rule).is_some() {
                    failures.push(fail(format!("`{rule}` fired but should stay quiet"), *span, "expected quiet"));
                }
            }
            Expect::Verdict { verdict, span } => {
                let got = report.verdict.map_or("none", |v| v.as_str());
                if got != verdict {
                    failures.push(fail(format!("verdict is `{got}`, not `{verdict}`"), *span, "expected verdict"));
                }
            }
        }
    }
    failures
}

/// Runs every test of the loaded packs and computes coverage.
///
/// # Errors
/// The diagnostics of broken test files.
pub fn run_all(packs: &PackSet) -> Result<Outcome, Vec<crate::diag::FileDiagnostics>> {
    let mut errors = Vec::new();
    let mut tests = Vec::new();
    for file in &packs.tests {
        let mut r = Reader::new("test");
        tests.extend(load(file, packs, &mut r));
        if r.has_errors() {
            errors.push(crate::diag::FileDiagnostics { file: file.clone(), diagnostics: r.diagnostics });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Outcome::default();
    let mut fired = BTreeSet::new();
    let mut quiet = BTreeSet::new();
    for t in &tests {
        let failures = run(t, packs);
        if failures.is_empty() {
            out.passed += 1;
            for e in &t.expects {
                match e {
                    Expect::Fires { rule, .. } => fired.insert(rule.clone()),
                    Expect::Quiet { rule, .. } => quiet.insert(rule.clone()),
                    Expect::Verdict { .. } => false,
                };
            }
        }
        out.failures.extend(failures);
    }
    for p in &packs.policies {
        if !fired.contains(&p.id) {
            out.never_fired.push(p.id.clone());
        }
        if !quiet.contains(&p.id) {
            out.never_quiet.push(p.id.clone());
        }
    }
    Ok(out)
}
