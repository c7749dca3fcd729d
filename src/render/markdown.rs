//! Markdown output (`--format markdown`): a decision table per file, for pull-request
//! comments and `$GITHUB_STEP_SUMMARY`.
//!
//! ```markdown
//! ## lync-lint
//!
//! checked 1 file: 4 errors, 0 warnings, 0 advice
//!
//! ### `fixtures/multinational.lync.kdl`: online-ruled-out
//!
//! | need | rule | severity | line | verdict |
//! | --- | --- | --- | --- | --- |
//! | `regional-servers #true` | [`control/...`](https://...) | error | 13 | rules out Lync Online |
//! ```
//!
//! `need` is the source text of the finding's primary label (whitespace collapsed, cut at 60
//! characters, in a code span with `|` escaped); `rule` links to the rule's first source;
//! `severity` is after the target adjustment; `line` is 1-based; `verdict` is the row's
//! effect: `rules out Lync Online` for the rules that decided the file's verdict, `waived`
//! for waived findings, otherwise the severity (`error`, `warning`, `advice`). A file without
//! diagnostics gets one line, `no findings`, with the Lync Online workloads that serve its
//! needs.

use std::fmt::Write as _;

use lync_lint_core::diag::Diagnostic;
use lync_lint_core::engine::{FileReport, Verdict};
use lync_lint_core::pack::{Decision, PackSet};
use lync_lint_core::text::LineIndex;

use super::stream::{End, Spill};

/// The longest `need` shown, in characters.
const NEED_WIDTH: usize = 60;

/// The Markdown report for one run.
#[must_use]
pub fn render(reports: &[FileReport], packs: &PackSet) -> String {
    super::stream::render_all(&mut Writer::new(packs), reports, None)
}

/// The streaming Markdown writer: each file's section goes to a [`Spill`] as it comes; the
/// heading with the run's counts is written at the end, then the sections.
pub struct Writer<'a> {
    packs: &'a PackSet,
    sections: Spill,
}

impl<'a> Writer<'a> {
    /// A writer for a run with `packs`.
    #[must_use]
    pub fn new(packs: &'a PackSet) -> Self {
        Self { packs, sections: Spill::default() }
    }
}

impl super::stream::Writer for Writer<'_> {
    fn part(&self, r: &FileReport) -> Option<String> {
        let mut out = String::from("\n");
        file(&mut out, r, self.packs.decision());
        Some(out)
    }

    fn file(&mut self, _out: &mut dyn std::io::Write, r: &FileReport, part: Option<String>) -> std::io::Result<()> {
        let part = part.unwrap_or_else(|| self.part(r).unwrap_or_default());
        self.sections.push(&part)
    }

    fn finish(&mut self, out: &mut dyn std::io::Write, end: &End<'_>) -> std::io::Result<()> {
        let c = end.counts;
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut head = String::from("## lync-lint\n\n");
        let _ = write!(
            head,
            "checked {}: {}, {}, {} advice",
            plural(end.files, "file", "files"),
            plural(c.errors, "error", "errors"),
            plural(c.warnings, "warning", "warnings"),
            c.advice,
        );
        if c.waived > 0 {
            let _ = write!(head, ", {} waived", c.waived);
        }
        head.push('\n');
        out.write_all(head.as_bytes())?;
        self.sections.copy_to(out)
    }
}

fn file(out: &mut String, r: &FileReport, decision: Option<&Decision>) {
    let verdict = r.verdict.zip(decision).map_or("no verdict", |(v, d)| v.name(d));
    let option = decision.map_or("the option", |d| d.option_name.as_str());
    let _ = writeln!(out, "### {}: {verdict}\n", fenced(&r.file.name));
    if r.diagnostics.is_empty() {
        out.push_str("no findings");
        if !r.workloads.is_empty() {
            let _ = write!(out, ": {option} serves {}", r.workloads.join(", "));
        }
        out.push('\n');
        return;
    }
    let idx = LineIndex::new(&r.file.text);
    out.push_str("| need | rule | severity | line | verdict |\n| --- | --- | --- | --- | --- |\n");
    for d in &r.diagnostics {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            need(&idx, d),
            rule(d),
            d.severity,
            idx.primary_range(d).start.line,
            effect(r, d, option)
        );
    }
    if r.verdict == Some(Verdict::Viable) && !r.workloads.is_empty() {
        let _ = writeln!(out, "\n{option} serves {}", r.workloads.join(", "));
    }
    if let (Some(h), Some(d)) = (&r.hybrid, decision) {
        let _ = writeln!(out, "\n{}", super::human::hybrid_line(h, d));
    }
}

/// The primary label's source text, as a table-safe code span (empty when there is none).
fn need(idx: &LineIndex<'_>, d: &Diagnostic) -> String {
    let Some(label) = d.labels.first() else {
        return String::new();
    };
    let words: Vec<&str> = idx.slice(label.span).split_whitespace().collect();
    let mut text = words.join(" ");
    if text.chars().count() > NEED_WIDTH {
        text = text.chars().take(NEED_WIDTH - 1).chain(['…']).collect();
    }
    if text.is_empty() { String::new() } else { code(&text) }
}

fn rule(d: &Diagnostic) -> String {
    match &d.url {
        // `<...>` keeps the parentheses that TechNet URLs have; `<`, `>`, spaces and `|` are
        // encoded.
        Some(url) => {
            format!(
                "[{}](<{}>)",
                code(&d.code),
                url.replace('<', "%3C").replace('>', "%3E").replace(' ', "%20").replace('|', "%7C")
            )
        }
        None => code(&d.code),
    }
}

fn effect(r: &FileReport, d: &Diagnostic, option: &str) -> String {
    if d.waived.is_some() {
        "waived".to_owned()
    } else if d.is_finding && r.ruled_out_by.contains(&d.code) {
        format!("rules out {option}")
    } else {
        d.severity.as_str().to_owned()
    }
}

/// A code span that survives any content inside a table cell: the fence is longer than any
/// backtick run in `s`, and `|` is escaped (GFM splits cells before parsing code spans).
#[must_use]
pub fn code(s: &str) -> String {
    fenced(&s.replace('|', "\\|"))
}

/// A code span whose fence is longer than any backtick run in `s` (outside tables).
fn fenced(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
        assert_eq!(code("`y`"), "`` `y` ``");
    }
}
