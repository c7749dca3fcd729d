//! Code actions for the diagnostics of a document:
//!
//! - a finding of a waivable rule: insert `waiver "RULE" reason="TODO: why" expires="DATE"`
//!   at the end of the file, DATE being today plus 90 days (the reason is for the user);
//! - a diagnostic with a safe fix (SPEC §7.1, `lync_lint_core::fix`, the fixes `check --fix`
//!   applies): that fix; a KDL v1 file's syntax error: the rewrite to KDL v2;
//! - `source.fixAll.lync-lint` ([`fix_all`]): every safe fix of the document, until none is
//!   left, as `check --fix` does.

use std::collections::HashMap;
use std::str::FromStr;

use jiff::ToSpan;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, Uri, WorkspaceEdit};

use super::convert::{self, Lines};
use lync_lint_core::diag::{Diagnostic, Edit};
use lync_lint_core::doc::Span;
use lync_lint_core::pack::PackSet;

/// The kind of the code action that applies every safe fix: a `source.fixAll` action, as
/// editors run on save (`editor.codeActionsOnSave`, Neovim's `code_action({ only = ... })`).
pub const FIX_ALL: &str = "source.fixAll.lync-lint";

/// How long a waiver inserted by the quick fix holds.
pub const WAIVER_DAYS: i32 = 90;

/// The quick fixes for the diagnostics whose primary span meets `range`.
#[must_use]
pub fn actions(
    packs: &PackSet,
    uri: &str,
    text: &str,
    diagnostics: &[Diagnostic],
    range: Span,
    lines: &Lines<'_>,
) -> Vec<CodeActionOrCommand> {
    let Ok(uri) = Uri::from_str(uri) else { return Vec::new() };
    let mut out = Vec::new();
    let mut waived: Vec<&str> = Vec::new();
    let mut v1: Option<Vec<TextEdit>> = None;
    for d in diagnostics {
        let span = d.primary_span();
        if span.start > range.end || range.start > span.end {
            continue;
        }
        let lsp = convert::diagnostic(d, lines, &uri);
        if let Some(fix) = &d.fix {
            let edits = text_edits(lines, &lync_lint_core::fix::normalized(text, &fix.edits));
            out.push(action(fix.title.clone(), &uri, edits, lsp.clone(), true));
        } else if d.code == lync_lint_core::codes::KDL_SYNTAX {
            // One rewrite for the whole file, made once however many syntax errors it has.
            let edits = v1.get_or_insert_with(|| {
                let edits = lync_lint_core::fix::fixes_for(text, std::slice::from_ref(d));
                text_edits(lines, &lync_lint_core::fix::normalized(text, &edits))
            });
            if !edits.is_empty() {
                out.push(action("Rewrite as KDL v2".to_owned(), &uri, edits.clone(), lsp.clone(), true));
            }
        }
        let waivable = d.is_finding && packs.policy(&d.code).is_some_and(|p| p.waivable);
        if waivable && !waived.contains(&d.code.as_str()) {
            waived.push(&d.code);
            let expires = expiry();
            let line = format!("waiver \"{}\" reason=\"TODO: why\" expires=\"{expires}\"\n", d.code);
            let new_text = if text.is_empty() || text.ends_with('\n') { line } else { format!("\n{line}") };
            let end = lines.end();
            let title = format!("Waive `{}` in this file until {expires}", d.code);
            let edit = TextEdit::new(lsp_types::Range::new(end, end), new_text);
            out.push(action(title, &uri, vec![edit], lsp, false));
        }
    }
    out
}

// `WorkspaceEdit::changes` is keyed by `Uri`, which clippy deems mutable; it is not mutated.
#[allow(clippy::mutable_key_type)]
fn action(
    title: String,
    uri: &Uri,
    edits: Vec<TextEdit>,
    d: lsp_types::Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    let changes = HashMap::from([(uri.clone(), edits)]);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d]),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

fn text_edits(lines: &Lines<'_>, edits: &[Edit]) -> Vec<TextEdit> {
    edits.iter().map(|e| TextEdit::new(lines.range(e.span), e.text.clone())).collect()
}

/// The `source.fixAll` action: every safe fix of `text` (whose check gave `diagnostics`),
/// applied until none is left, `check` checking each round's text; `None` when there is no
/// fix. Its edits replace only the lines that change.
#[must_use]
// `WorkspaceEdit::changes` is keyed by `Uri`, which clippy deems mutable; it is not mutated.
#[allow(clippy::mutable_key_type)]
pub fn fix_all(
    uri: &str,
    text: &str,
    diagnostics: &[Diagnostic],
    lines: &Lines<'_>,
    check: impl FnMut(&str) -> Vec<Diagnostic>,
) -> Option<CodeActionOrCommand> {
    let uri = Uri::from_str(uri).ok()?;
    let fixed = lync_lint_core::fix::fix_until_stable(text, diagnostics, check);
    if fixed.fixes == 0 {
        return None;
    }
    let edits = text_edits(lines, &line_edits(text, &fixed.text));
    let title = if fixed.fixes == 1 {
        "Fix 1 problem (lync-lint safe fixes)".to_owned()
    } else {
        format!("Fix all {} problems (lync-lint safe fixes)", fixed.fixes)
    };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(uri, edits)])), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    }))
}

/// Edits from `old` to `new` that replace whole lines, only those that differ.
fn line_edits(old: &str, new: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut starts = Vec::with_capacity(diff.old_slices().len() + 1);
    let mut at = 0;
    starts.push(0);
    for line in diff.old_slices() {
        at += line.len();
        starts.push(at);
    }
    diff.ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (o, n) = (op.old_range(), op.new_range());
            Edit::new(Span::new(starts[o.start], starts[o.end]), diff.new_slices()[n].concat())
        })
        .collect()
}

/// Today plus [`WAIVER_DAYS`], as `YYYY-MM-DD`.
#[must_use]
pub fn expiry() -> String {
    let today = crate::settings::today_date();
    today
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.checked_add(WAIVER_DAYS.days()).ok())
        .map_or(today, |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_edits_rebuild_the_new_text_and_keep_equal_lines() {
        let old = "a\r\nb\nc\nd";
        let new = "a\r\nB\nc\nd\ne\n";
        let edits = line_edits(old, new);
        assert_eq!(lync_lint_core::fix::apply(old, &edits), new);
        assert!(edits.iter().all(|e| e.span.start >= 3), "the first line is not touched: {edits:?}");
        assert_eq!(line_edits(old, old), []);
    }

    #[test]
    fn ninety_days_ahead() {
        let date = expiry();
        assert!(lync_lint_core::vocab::is_date(&date), "{date}");
        assert!(date > crate::settings::today_date());
    }
}
