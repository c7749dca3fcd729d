//! The code lens (`textDocument/codeLens`) on the first line of an environment file: its
//! verdict, as the CLI's summary gives it (`online-ruled-out by 3 rules`, `online-viable`,
//! or `no verdict (2 errors to fix first)`).
//!
//! The lens carries its text as the title of a command with an empty id: editors show it
//! and running it does nothing. The document is checked again for the lens (a check takes
//! well under a millisecond for a usual file), so the lens is always of the text the editor
//! has.

use std::io::Write;

use serde_json::{Value, json};

use lync_lint_core::diag::{Severity, SourceFile};
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::Decision;

use super::Server;
use super::requests::Failure;
use super::workspace::{Kind, Workspace};

impl<W: Write> Server<W> {
    /// The verdict lens of an environment file; other documents have none.
    pub(super) fn code_lens(&self, p: &lsp_types::CodeLensParams) -> Result<Value, Failure> {
        let doc = self.doc(&p.text_document.uri)?;
        if doc.kind != Kind::Environment {
            return Ok(json!([]));
        }
        let name =
            doc.path.as_ref().map_or_else(|| p.text_document.uri.as_str().to_owned(), |p| p.display().to_string());
        Ok(Value::Array(lenses(&self.ws, &name, &doc.text)))
    }
}

/// The lenses of the environment file `text` named `name`: one, on line 1.
#[must_use]
pub fn lenses(ws: &Workspace, name: &str, text: &str) -> Vec<Value> {
    let report = lync_lint_core::engine::check(SourceFile::new(name, text), &ws.packs, &ws.options);
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    vec![json!({ "range": range, "command": { "title": title(&report, ws.packs.decision()), "command": "" } })]
}

/// The lens's text for one file's report: the verdict in the pack's words (`online-ruled-out
/// by 3 rules`, `online-viable`), then the hybrid sizing when it is known (SPEC §4.1).
#[must_use]
pub fn title(report: &FileReport, decision: Option<&Decision>) -> String {
    let (Some(verdict), Some(decision)) = (report.verdict, decision) else {
        let errors = report.diagnostics.iter().filter(|d| d.waived.is_none() && d.severity == Severity::Error).count();
        if errors == 0 {
            return "no verdict".to_owned();
        }
        return format!("no verdict ({} to fix first)", plural(errors, "error", "errors"));
    };
    let mut rules: Vec<&str> = report.ruled_out_by.iter().map(String::as_str).collect();
    rules.sort_unstable();
    rules.dedup();
    let mut title = verdict.name(decision).to_owned();
    if !rules.is_empty() {
        title = format!("{title} by {}", plural(rules.len(), "rule", "rules"));
    }
    if let Some(h) = &report.hybrid {
        title = format!("{title}; {}", crate::render::human::hybrid_line(h, decision));
    }
    title
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
