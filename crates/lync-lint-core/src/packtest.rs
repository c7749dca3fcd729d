//! Policy tests (SPEC §9): `test` nodes in a pack's `*.test.kdl` files, each with an inline
//! environment and expectations (`fires`, `quiet`, `verdict`, `target`).
//!
//! This module runs them (`decode` turns test files into [`PackTest`]s), checks that every
//! policy's `example` fires its own rule, and computes rule coverage: the rules of the packs
//! under test that no test makes fire, and those that no test keeps quiet. It reports through
//! plain data; `report` writes that data as JSON or `JUnit`, the CLI draws the human output.

mod decode;

use std::collections::BTreeSet;
use std::sync::Arc;

pub use decode::load;

use crate::diag::{Diagnostic, FileDiagnostics, SourceFile};
use crate::doc::{Document, Span};
use crate::engine::{CheckOptions, FileReport, check, check_doc};
use crate::pack::PackSet;
use crate::policy::Policy;
use crate::read::Reader;

/// One expectation of a test.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// `fires "RULE-ID"`: the rule must have an unwaived finding.
    Fires {
        /// The rule id.
        rule: String,
        /// `line=`: the environment line (1-based, counted from the line after `env {`) the
        /// finding's primary label must start on; `None` for any line.
        line: Option<usize>,
        /// The rule id's span in the test file, where a failure points.
        span: Span,
    },
    /// `quiet "RULE-ID"`: the rule must have no unwaived finding.
    Quiet {
        /// The rule id.
        rule: String,
        /// The rule id's span in the test file, where a failure points.
        span: Span,
    },
    /// `verdict "..."`: the file's verdict must be this one.
    Verdict {
        /// The expected verdict: `online-ruled-out` or `online-viable`.
        verdict: String,
        /// The verdict's span in the test file, where a failure points.
        span: Span,
    },
}

/// A decoded test.
#[derive(Debug, Clone)]
pub struct PackTest {
    /// The test's name (`test "NAME"`), unique in its file.
    pub name: String,
    /// The test file it is in.
    pub file: Arc<SourceFile>,
    /// The whole `test` node.
    pub span: Span,
    /// The span of the test's name.
    pub name_span: Span,
    /// The environment: the nodes of the `env` block, with spans into the test file.
    pub env: Document,
    /// The line of `env {` in the test file (1-based); env lines count from the next one.
    pub env_line: usize,
    /// The `target` field: the environment is checked as if this target were chosen,
    /// whatever its own `deployment { target }` says; `None` leaves the environment's own.
    pub target: Option<String>,
    /// The expectations, in source order; never empty.
    pub expects: Vec<Expect>,
}

/// A failed expectation, with what was produced instead.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The name of the test, or `RULE-ID (example)` for a policy's `example`.
    pub test: String,
    /// The file the failed expectation points into (a test file, or a policy file for an
    /// `example`).
    pub file: Arc<SourceFile>,
    /// The failed expectation, as a diagnostic into `file`.
    pub diagnostic: Diagnostic,
    /// What checking the environment produced (its own file is `report.file`).
    pub report: FileReport,
    /// The line of `env {` in `report.file` (0 when the environment is a file of its own).
    pub env_line: usize,
}

/// A test or an example that ran.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// The name of the test, or `RULE-ID (example)` for a policy's `example`.
    pub name: String,
    /// The test file, or the policy file for an `example`.
    pub file: Arc<SourceFile>,
    /// The test node (or the policy's `example` field).
    pub span: Span,
    /// `true` for a policy's `example`, `false` for a `test` node.
    pub example: bool,
    /// The failed expectations; empty when it passed.
    pub failures: Vec<Failure>,
}

/// The result of running tests.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The number of tests and examples without a failure.
    pub passed: usize,
    /// The failures of every test and example, in the order of `results`.
    pub failures: Vec<Failure>,
    /// The rules under test that no test makes fire, in load order.
    pub never_fired: Vec<String>,
    /// The rules under test that no test keeps quiet, in load order.
    pub never_quiet: Vec<String>,
    /// Every test and example that ran, in order.
    pub results: Vec<TestResult>,
    /// The rules coverage was computed for (those of the packs under test).
    pub rules: Vec<String>,
    /// Only the tests matching a filter ran: coverage is partial.
    pub filtered: bool,
}

impl Outcome {
    /// The number of tests and examples with at least one failure.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.failures.is_empty()).count()
    }
}

/// Which tests to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The packs under test (indices into [`PackSet::packs`]); `None` is every loaded pack.
    /// Only their tests and examples run, and coverage counts only their rules.
    pub packs: Option<Vec<usize>>,
    /// Run only the tests (and examples) whose name contains this text.
    pub filter: Option<String>,
    /// How each test's environment is checked: today's date and how syntax errors are
    /// explained (a test's own `target` wins over the one given here).
    pub check: CheckOptions,
}

impl RunOptions {
    fn selects(&self, pack: Option<usize>) -> bool {
        self.packs.as_ref().is_none_or(|sel| pack.is_some_and(|p| sel.contains(&p)))
    }

    fn matches(&self, name: &str) -> bool {
        self.filter.as_ref().is_none_or(|f| name.contains(f.as_str()))
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    crate::text::LineIndex::new(text).position(offset).line
}

/// Runs one test with `options` (today's date, how syntax errors are explained; the test's
/// own `target` wins); the failed expectations.
#[must_use]
pub fn run(t: &PackTest, packs: &PackSet, options: &CheckOptions) -> Vec<Failure> {
    let options = CheckOptions { target: t.target.clone(), ..options.clone() };
    let report = check_doc(t.file.clone(), &t.env, packs, &options);
    let fail = |message: String, span: Span, label: String| Failure {
        test: t.name.clone(),
        file: t.file.clone(),
        diagnostic: Diagnostic::error("test::failed", message).with_label(span, label),
        report: report.clone(),
        env_line: t.env_line,
    };
    if report.verdict.is_none() {
        let label = "its env block has errors".to_owned();
        return vec![fail(format!("test `{}`: the environment is not valid", t.name), t.span, label)];
    }
    let mut failures = Vec::new();
    for e in &t.expects {
        if let Some((message, span, label)) = check_expect(e, &report, t, packs) {
            failures.push(fail(message, span, label));
        }
    }
    failures
}

/// The unwaived finding of `rule` in `report`.
fn finding<'r>(report: &'r FileReport, rule: &str) -> Option<&'r Diagnostic> {
    report.diagnostics.iter().find(|d| d.is_finding && d.code == rule && d.waived.is_none())
}

/// `None` when the expectation holds; else the failure's message, span and label.
fn check_expect(e: &Expect, report: &FileReport, t: &PackTest, packs: &PackSet) -> Option<(String, Span, String)> {
    match e {
        Expect::Fires { rule, line, span } => {
            let Some(d) = finding(report, rule) else {
                return Some((format!("`{rule}` did not fire"), *span, "expected to fire".to_owned()));
            };
            let got = line_of(&t.file.text, d.primary_span().start).saturating_sub(t.env_line);
            line.filter(|want| *want != got).map(|want| {
                (
                    format!("`{rule}` fired on env line {got}, not line {want}"),
                    *span,
                    format!("expected on env line {want}"),
                )
            })
        }
        Expect::Quiet { rule, span } => finding(report, rule)
            .map(|_| (format!("`{rule}` fired but should stay quiet"), *span, "expected to stay quiet".to_owned())),
        Expect::Verdict { verdict, span } => {
            let got = report.verdict.zip(packs.decision()).map_or("none", |(v, d)| v.name(d));
            (got != verdict)
                .then(|| (format!("verdict is `{got}`, not `{verdict}`"), *span, "expected verdict".to_owned()))
        }
    }
}

/// Checks that a policy's `example` is a valid environment that makes the policy fire.
#[must_use]
pub fn run_example(p: &Policy, packs: &PackSet, options: &CheckOptions) -> Option<TestResult> {
    let example = p.example.as_deref()?;
    let policy_file = packs.files.get(p.file)?;
    let env = SourceFile::new(format!("{} (example of `{}`)", policy_file.name, p.id), example);
    let report = check(env, packs, options);
    let message = if report.verdict.is_none() {
        Some(format!("the example of `{}` is not a valid environment", p.id))
    } else if finding(&report, &p.id).is_none() {
        Some(format!("the example of `{}` does not make it fire", p.id))
    } else {
        None
    };
    let span = p.example_span.unwrap_or(p.id_span);
    let name = format!("{} (example)", p.id);
    let failures = message
        .map(|m| Failure {
            test: name.clone(),
            file: policy_file.clone(),
            diagnostic: Diagnostic::error("test::failed", m).with_label(span, "this example"),
            report,
            env_line: 0,
        })
        .into_iter()
        .collect();
    Some(TestResult { name, file: policy_file.clone(), span, example: true, failures })
}

/// Runs every test and example of every loaded pack and computes coverage.
///
/// # Errors
/// The diagnostics of broken test files.
pub fn run_all(packs: &PackSet) -> Result<Outcome, Vec<FileDiagnostics>> {
    run_selected(packs, &RunOptions::default())
}

/// Runs the tests and examples `opts` selects and computes coverage for the packs under test.
///
/// # Errors
/// The diagnostics of broken test files (of the packs under test).
pub fn run_selected(packs: &PackSet, opts: &RunOptions) -> Result<Outcome, Vec<FileDiagnostics>> {
    let (tests, errors) = decode_selected(packs, opts);
    if !errors.is_empty() {
        return Err(errors);
    }
    let under_test: Vec<&Policy> = packs.policies.iter().filter(|p| opts.selects(packs.pack_of(p))).collect();
    let mut out = Outcome {
        rules: under_test.iter().map(|p| p.id.to_string()).collect(),
        filtered: opts.filter.is_some(),
        ..Outcome::default()
    };
    let mut fired = BTreeSet::new();
    let mut quiet = BTreeSet::new();
    for t in tests.iter().filter(|t| opts.matches(&t.name)) {
        let failures = run(t, packs, &opts.check);
        // Coverage counts the rule expectations that held.
        for e in &t.expects {
            let failed = failures.iter().any(|f| f.diagnostic.primary_span() == expect_span(e));
            match e {
                Expect::Fires { rule, .. } if !failed => fired.insert(rule.clone()),
                Expect::Quiet { rule, .. } if !failed => quiet.insert(rule.clone()),
                _ => false,
            };
        }
        out.results.push(TestResult {
            name: t.name.clone(),
            file: t.file.clone(),
            span: t.span,
            example: false,
            failures,
        });
    }
    for p in &under_test {
        if opts.matches(&format!("{} (example)", p.id)) {
            out.results.extend(run_example(p, packs, &opts.check));
        }
        if !fired.contains(p.id.as_str()) {
            out.never_fired.push(p.id.to_string());
        }
        if !quiet.contains(p.id.as_str()) {
            out.never_quiet.push(p.id.to_string());
        }
    }
    out.passed = out.results.iter().filter(|r| r.failures.is_empty()).count();
    out.failures = out.results.iter().flat_map(|r| r.failures.iter().cloned()).collect();
    Ok(out)
}

/// Decodes the test files of the packs `opts` selects: the tests, and the diagnostics of the
/// broken files. With a vocabulary that did not parse, unknown names in environments are not
/// reported (they would only repeat the vocabulary's error).
#[must_use]
pub fn decode_selected(packs: &PackSet, opts: &RunOptions) -> (Vec<PackTest>, Vec<FileDiagnostics>) {
    let mut errors = Vec::new();
    let mut tests = Vec::new();
    for (i, file) in packs.tests.iter().enumerate() {
        if !opts.selects(packs.test_packs.get(i).copied()) {
            continue;
        }
        let mut r = Reader::new("test");
        tests.extend(load(file, packs, opts.check.explain, &mut r));
        if packs.vocab_broken {
            r.diagnostics.retain(|d| !d.code.starts_with("schema::unknown-"));
        }
        if r.has_errors() {
            errors.push(FileDiagnostics { file: file.clone(), diagnostics: r.diagnostics });
        }
    }
    (tests, errors)
}

fn expect_span(e: &Expect) -> Span {
    match e {
        Expect::Fires { span, .. } | Expect::Quiet { span, .. } | Expect::Verdict { span, .. } => *span,
    }
}
