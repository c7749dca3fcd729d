//! `JUnit` XML output (`--format junit`), for GitLab CI, Jenkins and other test reporters.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="lync-lint" tests="31" failures="4" errors="0">
//!   <testsuite name="fixtures/multinational.lync.kdl" tests="29" failures="4" errors="0" skipped="0">
//!     <testcase name="multi-regional/regional-servers" classname="fixtures/multinational.lync.kdl">
//!       <failure message="datacenters in 3 countries ..." type="multi-regional/regional-servers">fixtures/multinational.lync.kdl:7:1: datacenters in 3 countries ...
//! help: ...</failure>
//!     </testcase>
//!     <testcase name="scale/users" classname="fixtures/multinational.lync.kdl"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One `testsuite` per file. A file that was evaluated has one `testcase` per loaded policy
//! (named by rule id): an error finding is a `failure`; a warning or advice finding passes and
//! carries its text in `system-out`; a waived finding is `skipped`, with the waiver's reason.
//! Other diagnostics on such a file (`deployment::*`, `waiver::*`) are test cases of their own,
//! named by code, failing when they are errors. A file with syntax or schema errors had no
//! rule evaluated: each diagnostic is a test case named `CODE at LINE:COLUMN` with an `error`
//! element. Only standard elements and attributes are used; text is escaped and characters
//! XML 1.0 forbids are dropped.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::stream::{End, Spill};

use lync_lint_core::diag::{Diagnostic, Severity};
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::PackSet;
use lync_lint_core::text::LineIndex;

/// What became of one test case.
enum Outcome<'a> {
    Pass,
    /// A waived finding: `skipped`, with the waiver's reason.
    Skipped(String),
    /// A finding that does not fail the build (warning, advice).
    Output(String),
    Failure(&'a Diagnostic, String),
    Error(&'a Diagnostic, String),
}

struct Case<'a> {
    name: String,
    outcome: Outcome<'a>,
}

/// The `JUnit` document for one run.
#[must_use]
pub fn render(reports: &[FileReport], packs: &PackSet) -> String {
    super::stream::render_all(&mut Writer::new(packs), reports, None)
}

/// The streaming `JUnit` writer: each file's `testsuite` goes to a [`Spill`] as it comes; the
/// root element, whose counts need every suite, is written at the end, then the suites.
pub struct Writer<'a> {
    packs: &'a PackSet,
    suites: Spill,
    tests: usize,
    failures: usize,
    errors: usize,
}

impl<'a> Writer<'a> {
    /// A writer for a run with `packs`.
    #[must_use]
    pub fn new(packs: &'a PackSet) -> Self {
        Self { packs, suites: Spill::default(), tests: 0, failures: 0, errors: 0 }
    }
}

impl super::stream::Writer for Writer<'_> {
    /// The file's `testsuite`, after a first line with its counts of tests, failures and
    /// errors (for the root element), made on the worker that checked the file.
    fn part(&self, r: &FileReport) -> Option<String> {
        let cases = cases(r, self.packs);
        let counts = SuiteCounts::of(&cases);
        let mut part = format!("{} {} {}\n", cases.len(), counts.failures, counts.errors);
        suite(&mut part, &r.file.name, &cases, &counts);
        Some(part)
    }

    fn file(&mut self, _out: &mut dyn Write, r: &FileReport, part: Option<String>) -> io::Result<()> {
        let part = part.unwrap_or_else(|| self.part(r).unwrap_or_default());
        // The first line is `part`'s own: three counts.
        let (counts, suite) = part.split_once('\n').expect("a part starts with its counts");
        let mut counts = counts.split(' ').map(|n| n.parse::<usize>().expect("a count"));
        let mut next = || counts.next().expect("three counts");
        self.tests += next();
        self.failures += next();
        self.errors += next();
        self.suites.push(suite)
    }

    fn finish(&mut self, out: &mut dyn Write, _end: &End<'_>) -> io::Result<()> {
        out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        writeln!(
            out,
            "<testsuites name=\"lync-lint\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            self.tests, self.failures, self.errors
        )?;
        self.suites.copy_to(out)?;
        out.write_all(b"</testsuites>\n")
    }
}

fn cases<'a>(r: &'a FileReport, packs: &PackSet) -> Vec<Case<'a>> {
    let idx = LineIndex::new(&r.file.text);
    let text = |d: &Diagnostic| failure_text(&r.file.name, &idx, d);
    if r.verdict.is_none() {
        return r
            .diagnostics
            .iter()
            .map(|d| {
                let p = idx.primary_range(d).start;
                let outcome =
                    if d.severity == Severity::Error { Outcome::Error(d, text(d)) } else { Outcome::Output(text(d)) };
                Case { name: format!("{} at {}:{}", d.code, p.line, p.column), outcome }
            })
            .collect();
    }
    let outcome = |d: &'a Diagnostic| match (&d.waived, d.severity) {
        (Some(w), _) => Outcome::Skipped(format!("waived: {}", w.reason)),
        (None, Severity::Error) => Outcome::Failure(d, text(d)),
        (None, Severity::Warning | Severity::Advice) => Outcome::Output(text(d)),
    };
    let mut out: Vec<Case<'a>> = packs
        .policies
        .iter()
        .map(|p| {
            let finding = r.diagnostics.iter().find(|d| d.is_finding && d.code == p.id);
            Case { name: p.id.to_string(), outcome: finding.map_or(Outcome::Pass, outcome) }
        })
        .collect();
    let known = |d: &Diagnostic| d.is_finding && packs.policy(&d.code).is_some();
    out.extend(r.diagnostics.iter().filter(|d| !known(d)).map(|d| Case { name: d.code.clone(), outcome: outcome(d) }));
    out
}

/// `file:line:col: message`, then `help: ...`.
fn failure_text(path: &str, idx: &LineIndex<'_>, d: &Diagnostic) -> String {
    let p = idx.primary_range(d).start;
    let mut s = format!("{path}:{}:{}: {}: {}", p.line, p.column, d.severity, d.message);
    if let Some(help) = &d.help {
        let _ = write!(s, "\nhelp: {help}");
    }
    if let Some(url) = &d.url {
        let _ = write!(s, "\nsee: {url}");
    }
    s
}

/// A suite's counts of failed, erring and skipped test cases.
struct SuiteCounts {
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl SuiteCounts {
    fn of(cases: &[Case<'_>]) -> Self {
        let count = |f: fn(&Outcome<'_>) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
        Self {
            failures: count(|o| matches!(o, Outcome::Failure(..))),
            errors: count(|o| matches!(o, Outcome::Error(..))),
            skipped: count(|o| matches!(o, Outcome::Skipped(..))),
        }
    }
}

/// Appends the suite `name` of `cases`, whose counts are `counts`, to `out`.
fn suite(out: &mut String, name: &str, cases: &[Case<'_>], counts: &SuiteCounts) {
    let SuiteCounts { failures, errors, skipped } = counts;
    let name = attr(name);
    let _ = writeln!(
        out,
        "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">",
        cases.len()
    );
    for c in cases {
        let head = format!("    <testcase name=\"{}\" classname=\"{name}\"", attr(&c.name));
        let _ = match &c.outcome {
            Outcome::Pass => writeln!(out, "{head}/>"),
            Outcome::Skipped(why) => {
                writeln!(out, "{head}>\n      <skipped message=\"{}\"/>\n    </testcase>", attr(why))
            }
            Outcome::Output(t) => writeln!(out, "{head}>\n      <system-out>{}</system-out>\n    </testcase>", text(t)),
            Outcome::Failure(d, t) => writeln!(out, "{head}>\n      {}\n    </testcase>", element("failure", d, t)),
            Outcome::Error(d, t) => writeln!(out, "{head}>\n      {}\n    </testcase>", element("error", d, t)),
        };
    }
    out.push_str("  </testsuite>\n");
}

fn element(tag: &str, d: &Diagnostic, body: &str) -> String {
    format!("<{tag} message=\"{}\" type=\"{}\">{}</{tag}>", attr(&d.message), attr(&d.code), text(body))
}

/// Whether XML 1.0 allows `c` at all (`Char` production; Rust chars are never surrogates).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes character data.
#[must_use]
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value (quotes, and whitespace that attribute normalization would eat).
#[must_use]
pub fn attr(s: &str) -> String {
    escape(s, true)
}

/// Drops what XML 1.0 forbids and escapes markup; in attributes also quotes and whitespace.
fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(text("a<b & c>d \"q\""), "a&lt;b &amp; c&gt;d \"q\"");
        assert_eq!(attr("a\"b'c\nd<&"), "a&quot;b&apos;c&#10;d&lt;&amp;");
    }

    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(text("a\u{0}b\u{1b}c\u{FFFE}d\u{FFFF}"), "abcd");
        assert_eq!(text("tab\tnl\ncr\r🚀é"), "tab\tnl\ncr\r🚀é");
        assert_eq!(attr("\u{8}x"), "x");
    }
}
