//! Code actions (quick fixes) for the diagnostics of a document:
//!
//! - a finding of a waivable rule: insert `waiver "RULE" reason="TODO: why" expires="DATE"`
//!   at the end of the file, DATE being today plus 90 days (the reason is for the user);
//! - a diagnostic whose help says ``did you mean `x`?``: replace the misspelled token.

use std::collections::HashMap;
use std::str::FromStr;

use jiff::ToSpan;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, Uri, WorkspaceEdit};

use super::convert::{self, Lines};
use lync_lint_core::diag::Diagnostic;
use lync_lint_core::doc::Span;
use lync_lint_core::pack::PackSet;

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
    for d in diagnostics {
        let span = d.primary_span();
        if span.start > range.end || range.start > span.end {
            continue;
        }
        let lsp = convert::diagnostic(d, lines, &uri);
        if let Some(fix) = did_you_mean_fix(d, text) {
            let title = format!("Replace with `{fix}`");
            out.push(action(title, &uri, TextEdit::new(lines.range(span), fix), lsp.clone(), true));
        }
        let waivable = d.is_finding && packs.policy(&d.code).is_some_and(|p| p.waivable);
        if waivable && !waived.contains(&d.code.as_str()) {
            waived.push(&d.code);
            let expires = expiry();
            let line = format!("waiver \"{}\" reason=\"TODO: why\" expires=\"{expires}\"\n", d.code);
            let new_text = if text.is_empty() || text.ends_with('\n') { line } else { format!("\n{line}") };
            let end = lines.end();
            let title = format!("Waive `{}` in this file until {expires}", d.code);
            out.push(action(title, &uri, TextEdit::new(lsp_types::Range::new(end, end), new_text), lsp, false));
        }
    }
    out
}

// `WorkspaceEdit::changes` is keyed by `Uri`, which clippy deems mutable; it is not mutated.
#[allow(clippy::mutable_key_type)]
fn action(title: String, uri: &Uri, edit: TextEdit, d: lsp_types::Diagnostic, preferred: bool) -> CodeActionOrCommand {
    let changes = HashMap::from([(uri.clone(), vec![edit])]);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d]),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

/// The replacement a ``did you mean `x`?`` help suggests, quoted like the token it replaces.
#[must_use]
pub fn did_you_mean_fix(d: &Diagnostic, text: &str) -> Option<String> {
    let help = d.help.as_deref()?;
    let (_, rest) = help.split_once("did you mean `")?;
    let (suggestion, _) = rest.split_once("`?")?;
    let span = d.primary_span();
    let original = text.get(span.start..span.end)?;
    if original.is_empty() || suggestion.is_empty() {
        return None;
    }
    Some(if original.starts_with('"') && !suggestion.starts_with('"') {
        format!("\"{suggestion}\"")
    } else {
        suggestion.to_owned()
    })
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
    fn suggestions_keep_quotes() {
        let text = "policies \"ful\"\nx contry=1";
        let d = Diagnostic::error("schema::value", "m")
            .with_label(Span::new(9, 14), "l")
            .with_help("did you mean `\"full\"`?");
        assert_eq!(did_you_mean_fix(&d, text).as_deref(), Some("\"full\""));
        let rule = Diagnostic::error("waiver::unknown-rule", "m")
            .with_label(Span::new(9, 14), "l")
            .with_help("did you mean `a/b`?");
        assert_eq!(did_you_mean_fix(&rule, text).as_deref(), Some("\"a/b\""));
        let prop = Diagnostic::error("schema::unknown-property", "m")
            .with_label(Span::new(17, 23), "l")
            .with_help("did you mean `country`?");
        assert_eq!(did_you_mean_fix(&prop, text).as_deref(), Some("country"));
        let none = Diagnostic::error("x", "m").with_label(Span::new(90, 99), "l").with_help("did you mean `y`?");
        assert_eq!(did_you_mean_fix(&none, text), None);
    }

    #[test]
    fn ninety_days_ahead() {
        let date = expiry();
        assert!(lync_lint_core::vocab::is_date(&date), "{date}");
        assert!(date > crate::settings::today_date());
    }
}
