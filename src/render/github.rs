//! GitHub Actions output (`--format github`): one workflow command per diagnostic (waived
//! findings left out), which GitHub shows as an annotation on the file and line, then the
//! plain-text summary (which counts the waived findings).
//!
//! ```text
//! ::error file=fixtures/multinational.lync.kdl,line=7,col=1,endLine=7,endColumn=82,title=multi-regional/regional-servers::datacenters in 3 countries ...%0Ahelp: With datacenters ...
//! ::warning file=...,title=deployment::online-viable::nothing in this environment rules Lync Online out
//! ::notice file=...                      (advice)
//! checked 1 file: 4 errors, 0 warnings, 0 advice
//!   fixtures/multinational.lync.kdl: online-ruled-out by ...
//! ```
//!
//! `line`/`col` are the primary label's start, `endLine`/`endColumn` one past its last
//! character, 1-based, columns in Unicode scalar values (line 1, column 1 for diagnostics
//! about the whole file). The message is the diagnostic's message, then `help: ...` on a new
//! line when there is help. Escaping follows the runner (`actions/toolkit`, `command.ts`):
//! in the message `%` `\r` `\n` become `%25` `%0D` `%0A`; in properties `:` and `,` also
//! become `%3A` and `%2C`.

use std::fmt::Write as _;

use lync_lint_core::diag::{Diagnostic, Severity};
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::PackSet;
use lync_lint_core::text::LineIndex;

/// Every diagnostic as a workflow command, then the summary.
#[must_use]
pub fn render(reports: &[FileReport], packs: &PackSet) -> String {
    let mut w = writer(packs);
    super::stream::render_all(&mut w, reports, None)
}

/// The streaming writer: each file's commands as they come, then the summary (uncoloured).
#[must_use]
pub fn writer(packs: &PackSet) -> super::human::LinesWriter<'_> {
    let style = super::human::Style { color: false, narrate: false, width: None };
    super::human::LinesWriter::new(packs.decision(), file_commands, style, Some(false))
}

/// One file's workflow commands, a line each.
#[must_use]
pub fn file_commands(r: &FileReport, _style: super::human::Style) -> String {
    let idx = LineIndex::new(&r.file.text);
    let mut out = String::new();
    for d in r.diagnostics.iter().filter(|d| d.waived.is_none()) {
        out.push_str(&command(&r.file.name, &idx, d));
        out.push('\n');
    }
    out
}

/// One workflow command, without the line ending.
#[must_use]
pub fn command(path: &str, idx: &LineIndex<'_>, d: &Diagnostic) -> String {
    let name = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "notice",
    };
    let range = idx.primary_range(d);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    format!(
        "::{name} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(path),
        range.start.line,
        range.start.column,
        range.end.line,
        range.end.column,
        escape_property(&d.code),
        escape_data(&message),
    )
}

/// Escapes a command's message.
#[must_use]
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property's value.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lync_lint_core::doc::Span;

    #[test]
    fn data_escaping() {
        assert_eq!(escape_data("100% sure\r\nnext: a,b"), "100%25 sure%0D%0Anext: a,b");
        assert_eq!(escape_data("%0A"), "%250A", "an escape in the input is not decoded");
    }

    #[test]
    fn property_escaping() {
        assert_eq!(escape_property("kdl::syntax"), "kdl%3A%3Asyntax");
        assert_eq!(escape_property("a,b%\n"), "a%2Cb%25%0A");
    }

    #[test]
    fn one_command() {
        let text = "site \"Zürich\"\n  x 1\n";
        let idx = LineIndex::new(text);
        let start = text.find('x').unwrap_or_default();
        let d = Diagnostic::warning("a/b", "50% off\nnow").with_label(Span::new(start, start + 3), "here");
        assert_eq!(
            command("dir/f,1.kdl", &idx, &d),
            "::warning file=dir/f%2C1.kdl,line=2,col=3,endLine=2,endColumn=6,title=a/b::50%25 off%0Anow"
        );
        let whole = Diagnostic::error("source::encoding", "bad");
        assert_eq!(
            command("f", &idx, &whole),
            "::error file=f,line=1,col=1,endLine=1,endColumn=1,title=source%3A%3Aencoding::bad"
        );
    }
}
