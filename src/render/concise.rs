//! Concise output (`--format concise`): one line per diagnostic, as compilers and ruff print
//! them, then the same summary as the human output.
//!
//! ```text
//! fixtures/hybrid.lync.kdl:18:5: advice persistent-chat/server `persistent` chat is enabled: ...
//! ```
//!
//! `FILE:LINE:COL: SEVERITY CODE MESSAGE`: the primary label's position (1-based, columns in
//! Unicode scalar values), the severity after configuration and target (`error`, `warning`,
//! `advice`), the code, and the message on one line. Waived findings are left out (the
//! summary counts them).

use std::fmt::Write as _;

use lync_lint_core::engine::FileReport;
use lync_lint_core::text::LineIndex;

use super::human::draw::printable;

/// The lines of one file (the style does not apply).
#[must_use]
pub fn lines(r: &FileReport, _style: super::human::Style) -> String {
    render_file(r)
}

/// The lines of one file.
#[must_use]
pub fn render_file(r: &FileReport) -> String {
    let idx = LineIndex::new(&r.file.text);
    let mut out = String::new();
    for d in r.diagnostics.iter().filter(|d| d.waived.is_none()) {
        let at = idx.primary_range(d).start;
        let message = d.message.replace(['\n', '\r'], " ");
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} {}",
            printable(&r.file.name),
            at.line,
            at.column,
            d.severity,
            d.code,
            printable(&message)
        );
    }
    out
}
