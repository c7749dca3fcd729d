//! Waivers (SPEC §5): `waiver "RULE-ID" reason="..." expires="YYYY-MM-DD"` at the top level of
//! an environment file suppresses that rule's finding in that file.
//!
//! Waivers are an engine feature, not a pack's: their vocabulary is declared here
//! (`waiver.kdl`) and known in every file. This module turns waiver nodes into suppressions
//! and `waiver::*` diagnostics; it never decides severities or verdicts.

use std::sync::LazyLock;

use crate::diag::{Diagnostic, did_you_mean};
use crate::doc::{Document, Node, Span, Value};
use crate::pack::PackSet;
use crate::vocab::{NodeDecl, Vocabulary};

/// The engine's vocabulary (the `waiver` node).
pub static CORE: LazyLock<Vocabulary> = LazyLock::new(|| {
    let text = include_str!("waiver.kdl");
    let doc = crate::parse::parse(text).unwrap_or_default();
    let mut r = crate::pack::read::Reader::new("vocabulary");
    crate::vocab::load(&doc, &mut r)
});

/// The engine's top-level declarations, known in every file.
#[must_use]
pub fn core_decls() -> &'static [NodeDecl] {
    &CORE.nodes
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Waived {
    pub reason: String,
    pub expires: Option<String>,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    /// The waiver node, in the same file.
    pub span: Span,
}

fn prop_str(node: &Node, name: &str) -> Option<String> {
    node.prop(name).and_then(|e| match &e.value {
        Value::String(s) => Some(s.clone()),
        _ => None,
    })
}

/// Applies the file's waivers to its findings and adds the `waiver::*` diagnostics.
/// `today` is `YYYY-MM-DD`, or empty for the local date (looked up only when a waiver has an
/// expiry date, since reading the time zone costs more than checking a small file).
pub fn apply(doc: &Document, diags: &mut Vec<Diagnostic>, packs: &PackSet, today: &str) {
    let mut extra = Vec::new();
    for node in doc.nodes.iter().filter(|n| n.name.value == "waiver") {
        let Some(rule_entry) = node.arg(0) else { continue };
        let Value::String(rule) = &rule_entry.value else { continue };
        let rule_span = rule_entry.value_span;
        let reason = prop_str(node, "reason").unwrap_or_default();
        if reason.trim().is_empty() {
            let span = node.prop("reason").map_or(node.name.span, |e| e.value_span);
            extra.push(
                Diagnostic::error("waiver::missing-reason", format!("the waiver of `{rule}` gives no reason"))
                    .with_label(span, "empty reason")
                    .with_help("say why the finding does not apply or is accepted, so reviewers can judge it"),
            );
            continue;
        }
        let Some(policy) = packs.policy(rule) else {
            let help = did_you_mean(rule, packs.policies.iter().map(|p| p.id.as_str()))
                .map_or_else(|| "`lync-lint rules` lists the rule ids".to_owned(), |s| format!("did you mean `{s}`?"));
            extra.push(
                Diagnostic::error("waiver::unknown-rule", format!("the waiver names an unknown rule `{rule}`"))
                    .with_label(rule_span, "no such rule")
                    .with_help(help),
            );
            continue;
        };
        if !policy.waivable {
            extra.push(
                Diagnostic::error("waiver::not-waivable", format!("rule `{rule}` cannot be waived"))
                    .with_label(rule_span, "not waivable")
                    .with_help("the policy says `waivable #false`; change the environment instead"),
            );
            continue;
        }
        let expires = prop_str(node, "expires");
        let today = if today.is_empty() && expires.is_some() { local_today() } else { today };
        if let Some(date) = expires.as_deref().filter(|d| *d < today) {
            let span = node.prop("expires").map_or(node.name.span, |e| e.value_span);
            extra.push(
                Diagnostic::error("waiver::expired", format!("the waiver of `{rule}` expired on {date}"))
                    .with_label(span, format!("expired (today is {today})"))
                    .with_help("the finding is back: fix the need, or renew the waiver with a new reason and date"),
            );
            continue;
        }
        let waived = Waived {
            reason,
            expires,
            owner: prop_str(node, "owner"),
            ticket: prop_str(node, "ticket"),
            span: node.head_span(),
        };
        match diags.iter_mut().find(|d| d.is_finding && d.code == *rule && d.waived.is_none()) {
            Some(finding) => finding.waived = Some(Box::new(waived)),
            None => extra.push(
                Diagnostic::warning("waiver::unused", format!("the waiver of `{rule}` suppresses nothing"))
                    .with_label(node.head_span(), "nothing to waive")
                    .with_help("the rule does not fire in this file any more: remove the waiver"),
            ),
        }
    }
    diags.extend(extra);
}

/// The local date, computed once per process.
fn local_today() -> &'static str {
    static TODAY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TODAY.get_or_init(|| jiff::ZonedDateTime::now().date().to_string())
}

/// Today's date for [`apply`]: `LYNC_LINT_TODAY` when set (for tests), else empty, which
/// [`apply`] reads as the local date.
///
/// # Errors
/// When `LYNC_LINT_TODAY` is not a valid date.
pub fn today() -> Result<String, String> {
    match std::env::var("LYNC_LINT_TODAY") {
        Ok(d) if crate::schema::is_date(&d) => Ok(d),
        Ok(d) => Err(format!("LYNC_LINT_TODAY=`{d}` is not a date (`YYYY-MM-DD`)")),
        Err(_) => Ok(String::new()),
    }
}

/// Today's date, always a real date (for waiver quick fixes).
#[must_use]
pub fn today_date() -> String {
    match today() {
        Ok(d) if !d.is_empty() => d,
        _ => local_today().to_owned(),
    }
}
