//! Waivers (SPEC §5): `waiver "RULE-ID" reason="..." expires="YYYY-MM-DD"` at the top level of
//! an environment file suppresses that rule's finding in that file.
//!
//! Waivers are an engine feature, not a pack's: their vocabulary is declared here
//! (`waiver.kdl`) and known in every file. This module turns waiver nodes into suppressions
//! and `waiver::*` diagnostics; it never decides severities or verdicts.

use crate::diag::{Diagnostic, Waived, did_you_mean};
use crate::doc::{Document, Node, Value};
use crate::pack::PackSet;

fn prop_str(node: &Node, name: &str) -> Option<String> {
    node.prop(name).and_then(|e| match &e.value {
        Value::String(s) => Some(s.clone()),
        _ => None,
    })
}

/// Applies the file's waivers to its findings and adds the `waiver::*` diagnostics.
/// `today` gives the date expiry is compared with, asked only when a waiver has an
/// expiry date, since reading the time zone costs more than checking a small file).
///
/// `running` says whether a rule ran in this check: a waiver of a rule that did not run (set
/// to `off`, or not selected) suppresses nothing, and is not reported as unused.
pub fn apply(
    doc: &Document,
    diags: &mut Vec<Diagnostic>,
    packs: &PackSet,
    today: &Today,
    running: &dyn Fn(&str) -> bool,
) {
    let mut extra = Vec::new();
    for node in doc.nodes.iter().filter(|n| n.name.value == "waiver") {
        let Some(rule_entry) = node.arg(0) else { continue };
        let Value::String(rule) = &rule_entry.value else { continue };
        let rule_span = rule_entry.value_span;
        let reason = prop_str(node, "reason").unwrap_or_default();
        if reason.trim().is_empty() {
            let span = node.prop("reason").map_or(node.name.span, |e| e.value_span);
            extra.push(
                Diagnostic::error(
                    crate::codes::WAIVER_MISSING_REASON,
                    format!("the waiver of `{rule}` gives no reason"),
                )
                .with_label(span, "empty reason")
                .with_help("say why the finding does not apply or is accepted, so reviewers can judge it"),
            );
            continue;
        }
        let Some(policy) = packs.policy(rule) else {
            let help = did_you_mean(rule, packs.policies.iter().map(|p| p.id.as_str()))
                .map_or_else(|| "`lync-lint rules` lists the rule ids".to_owned(), |s| format!("did you mean `{s}`?"));
            extra.push(
                Diagnostic::error(
                    crate::codes::WAIVER_UNKNOWN_RULE,
                    format!("the waiver names an unknown rule `{rule}`"),
                )
                .with_label(rule_span, "no such rule")
                .with_help(help),
            );
            continue;
        };
        if !policy.waivable {
            extra.push(
                Diagnostic::error(crate::codes::WAIVER_NOT_WAIVABLE, format!("rule `{rule}` cannot be waived"))
                    .with_label(rule_span, "not waivable")
                    .with_help("the policy says `waivable #false`; change the environment instead"),
            );
            continue;
        }
        let expires = prop_str(node, "expires");
        let today = if expires.is_some() { today.get() } else { String::new() };
        if let Some(date) = expires.as_deref().filter(|d| **d < *today) {
            let span = node.prop("expires").map_or(node.name.span, |e| e.value_span);
            extra.push(
                Diagnostic::error(crate::codes::WAIVER_EXPIRED, format!("the waiver of `{rule}` expired on {date}"))
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
            None if !running(rule) => {}
            None => extra.push(
                Diagnostic::warning(crate::codes::WAIVER_UNUSED, format!("the waiver of `{rule}` suppresses nothing"))
                    .with_label(node.head_span(), "nothing to waive")
                    .with_help("the rule does not fire in this file any more: remove the waiver"),
            ),
        }
    }
    diags.extend(extra);
}

/// Today's date (`YYYY-MM-DD`) for waiver expiry. The core reads no clock: the caller says
/// what today is, either as a date or as a function asked only when a waiver has an expiry
/// date (reading the time zone costs more than checking a small file).
#[derive(Clone)]
pub struct Today(TodaySource);

#[derive(Clone)]
enum TodaySource {
    Date(String),
    Clock(fn() -> String),
}

impl Today {
    /// A fixed date, `YYYY-MM-DD`.
    #[must_use]
    pub fn date(date: impl Into<String>) -> Self {
        Self(TodaySource::Date(date.into()))
    }

    /// A date asked of `clock` when it is needed.
    #[must_use]
    pub fn clock(clock: fn() -> String) -> Self {
        Self(TodaySource::Clock(clock))
    }

    /// The date.
    #[must_use]
    pub fn get(&self) -> String {
        match &self.0 {
            TodaySource::Date(d) => d.clone(),
            TodaySource::Clock(f) => f(),
        }
    }
}

impl Default for Today {
    /// A date before every expiry: no waiver expires.
    fn default() -> Self {
        Self::date("0000-01-01")
    }
}

impl std::fmt::Debug for Today {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            TodaySource::Date(d) => write!(f, "Today({d})"),
            TodaySource::Clock(_) => f.write_str("Today(clock)"),
        }
    }
}
