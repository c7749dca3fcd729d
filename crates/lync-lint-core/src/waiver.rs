//! Waivers (SPEC §5): `waiver "RULE-ID" reason="..." expires="YYYY-MM-DD"` at the top level of
//! an environment file suppresses that rule's finding in that file.
//!
//! Waivers are an engine feature, not a pack's: their vocabulary is declared here
//! (`waiver.kdl`) and known in every file. This module turns waiver nodes into suppressions
//! and `waiver::*` diagnostics; it never decides severities or verdicts.

use crate::diag::{Diagnostic, Waived, did_you_mean};
use crate::doc::{Document, Entry, Node, Value};
use crate::pack::PackSet;

fn prop_str(node: &Node, name: &str) -> Option<String> {
    node.prop(name).and_then(|e| e.value.as_str()).map(str::to_owned)
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
        let rule_span = rule_entry.value_span();
        let reason = prop_str(node, "reason").unwrap_or_default();
        if reason.trim().is_empty() {
            let span = node.prop("reason").map_or(node.name.span, Entry::value_span);
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
            let span = node.prop("expires").map_or(node.name.span, Entry::value_span);
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

#[cfg(test)]
mod tests {
    use super::{Today, apply};
    use crate::diag::{Diagnostic, Severity};
    use crate::engine::tests::{check_with, checked, codes, packs};
    use crate::engine::{CheckOptions, Verdict};

    /// A finding of `rule`, as the engine makes them.
    fn finding(rule: &str) -> Diagnostic {
        Diagnostic { is_finding: true, ..Diagnostic::error(rule, "m") }
    }

    /// The diagnostics after applying the waivers of `text` to `diags` (`running`: every rule).
    fn applied(
        text: &str,
        mut diags: Vec<Diagnostic>,
        today: &Today,
        running: &dyn Fn(&str) -> bool,
    ) -> Vec<Diagnostic> {
        let doc = crate::parse::parse(text).expect("parses");
        apply(&doc, &mut diags, &packs(), today, running);
        diags
    }

    fn waived(text: &str, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        applied(text, diags, &Today::default(), &|_| true)
    }

    fn code_list(diags: &[Diagnostic]) -> Vec<&str> {
        diags.iter().map(|d| d.code.as_str()).collect()
    }

    /// The engine declares `waiver` itself: a file checked with a user pack alone (whose
    /// vocabulary has no `waiver`, and no built-in pack) may waive a finding.
    #[test]
    fn a_waiver_is_known_with_a_user_pack_and_no_builtin_pack() {
        let packs = packs();
        assert!(packs.vocab.top("waiver").is_none(), "the test pack does not declare `waiver`");
        let text = "voice {\n    pbx \"Avaya\"\n}\nwaiver \"t/pbx\" reason=\"the PBX stays for a year\"\n";
        let r = check_with(&packs, &CheckOptions::default(), text);
        assert_eq!(codes(&r), ["t/pbx"], "{:#?}", r.diagnostics);
        assert_eq!(r.verdict, Some(Verdict::Viable));
        let w = r.diagnostics[0].waived.as_ref().expect("waived");
        assert_eq!(w.reason, "the PBX stays for a year");
        // Its vocabulary is checked like any other: `reason=` is required, `expires=` a date.
        assert_eq!(codes(&checked("waiver \"t/pbx\"\n")), ["schema::arity"]);
        assert_eq!(codes(&checked("waiver \"t/pbx\" reason=\"r\" expires=\"soon\"\n")), ["schema::value"]);
        assert_eq!(
            codes(&checked("waiver \"t/pbx\" reason=\"r\" expiry=\"2030-01-01\"\n")),
            ["schema::unknown-property"]
        );
        // Only at the top level.
        assert_eq!(codes(&checked("voice {\n    waiver \"t/pbx\" reason=\"r\"\n}\n")), ["schema::unknown-node"]);
    }

    #[test]
    fn a_waiver_suppresses_its_rule_with_what_it_says() {
        let text =
            "site \"a\"\nwaiver \"t/pbx\" reason=\"accepted\" expires=\"2030-01-01\" owner=\"me\" ticket=\"T-1\"\n";
        let out = waived(text, vec![finding("t/park"), finding("t/pbx")]);
        assert_eq!(code_list(&out), ["t/park", "t/pbx"]);
        assert!(out[0].waived.is_none(), "another rule's finding is not waived");
        let w = out[1].waived.as_ref().expect("waived");
        assert_eq!(w.reason, "accepted");
        assert_eq!(w.expires.as_deref(), Some("2030-01-01"));
        assert_eq!((w.owner.as_deref(), w.ticket.as_deref()), (Some("me"), Some("T-1")));
        assert_eq!(&text[w.span.start..w.span.end], &text[9..text.len() - 1], "the waiver's head");
        let out = waived("waiver \"t/pbx\" reason=\"accepted\" owner=1\n", vec![finding("t/pbx")]);
        let w = out[0].waived.as_ref().expect("waived");
        assert_eq!((w.expires.as_deref(), w.owner.as_deref(), w.ticket.as_deref()), (None, None, None));
    }

    #[test]
    fn only_unwaived_findings_of_the_rule_are_waived_one_per_waiver() {
        let not_a_finding = Diagnostic::error("t/pbx", "not a finding");
        let text = "waiver \"t/pbx\" reason=\"one\"\n";
        let out = waived(text, vec![not_a_finding.clone(), finding("t/pbx"), finding("t/pbx")]);
        let waived_ones: Vec<bool> = out.iter().map(|d| d.waived.is_some()).collect();
        assert_eq!(waived_ones, [false, true, false]);
        let two = "waiver \"t/pbx\" reason=\"one\"\nwaiver \"t/pbx\" reason=\"two\"\n";
        let out = waived(two, vec![finding("t/pbx"), finding("t/pbx")]);
        assert_eq!(
            out.iter().map(|d| d.waived.as_ref().map(|w| w.reason.as_str())).collect::<Vec<_>>(),
            [Some("one"), Some("two")]
        );
        let out = waived(text, vec![not_a_finding]);
        assert_eq!(code_list(&out), ["t/pbx", "waiver::unused"]);
    }

    #[test]
    fn a_waiver_that_suppresses_nothing_is_a_warning_unless_its_rule_did_not_run() {
        let text = "waiver \"t/pbx\" reason=\"old\"\n";
        let out = waived(text, vec![finding("t/park")]);
        assert_eq!(code_list(&out), ["t/park", "waiver::unused"]);
        let unused = &out[1];
        assert_eq!(unused.severity, Severity::Warning);
        assert_eq!(unused.message, "the waiver of `t/pbx` suppresses nothing");
        assert_eq!(&text[unused.labels[0].span.start..unused.labels[0].span.end], "waiver \"t/pbx\" reason=\"old\"");
        let not_running = applied(text, vec![finding("t/park")], &Today::default(), &|rule| rule != "t/pbx");
        assert_eq!(code_list(&not_running), ["t/park"]);
        let others_not_running = applied(text, vec![], &Today::default(), &|rule| rule == "t/pbx");
        assert_eq!(code_list(&others_not_running), ["waiver::unused"]);
    }

    #[test]
    fn a_waiver_needs_a_reason() {
        for text in [
            "waiver \"t/pbx\" reason=\"\"\n",
            "waiver \"t/pbx\" reason=\"  \"\n",
            "waiver \"t/pbx\" reason=1\n",
            "waiver \"t/pbx\"\n",
        ] {
            let out = waived(text, vec![finding("t/pbx")]);
            assert_eq!(code_list(&out), ["t/pbx", "waiver::missing-reason"], "{text}");
            assert!(out[0].waived.is_none(), "{text}");
            assert_eq!(out[1].severity, Severity::Error);
            assert_eq!(out[1].message, "the waiver of `t/pbx` gives no reason");
        }
        let text = "waiver \"t/pbx\" reason=\" \"\n";
        let span = waived(text, vec![]).remove(0).labels[0].span;
        assert_eq!(&text[span.start..span.end], "\" \"", "on the empty reason");
        let text = "waiver \"t/pbx\"\n";
        let span = waived(text, vec![]).remove(0).labels[0].span;
        assert_eq!(&text[span.start..span.end], "waiver", "on the name without one");
    }

    #[test]
    fn a_waiver_of_an_unknown_rule_suggests_one() {
        let out = waived("waiver \"t/pbz\" reason=\"r\"\n", vec![finding("t/pbx")]);
        assert_eq!(code_list(&out), ["t/pbx", "waiver::unknown-rule"]);
        assert!(out[0].waived.is_none());
        assert_eq!(out[1].message, "the waiver names an unknown rule `t/pbz`");
        assert_eq!(out[1].help.as_deref(), Some("did you mean `t/pbx`?"));
        let out = waived("waiver \"zzzzzzzz\" reason=\"r\"\n", vec![]);
        assert_eq!(out[0].help.as_deref(), Some("`lync-lint rules` lists the rule ids"));
    }

    #[test]
    fn a_rule_that_is_not_waivable_cannot_be_waived() {
        let out = waived("waiver \"t/locked\" reason=\"r\"\n", vec![finding("t/locked")]);
        assert_eq!(code_list(&out), ["t/locked", "waiver::not-waivable"]);
        assert!(out[0].waived.is_none());
        assert_eq!(out[1].message, "rule `t/locked` cannot be waived");
    }

    #[test]
    fn a_waiver_expires_after_its_last_day() {
        let text = "waiver \"t/pbx\" reason=\"r\" expires=\"2024-06-30\"\n";
        for (today, expired) in
            [("2024-06-29", false), ("2024-06-30", false), ("2024-07-01", true), ("2025-01-01", true)]
        {
            let out = applied(text, vec![finding("t/pbx")], &Today::date(today), &|_| true);
            assert_eq!(out[0].waived.is_none(), expired, "today {today}");
            assert_eq!(out.len(), if expired { 2 } else { 1 }, "today {today}");
            if expired {
                assert_eq!(out[1].code, "waiver::expired");
                assert_eq!(out[1].message, "the waiver of `t/pbx` expired on 2024-06-30");
                assert_eq!(out[1].labels[0].text.as_deref(), Some(format!("expired (today is {today})").as_str()));
                let span = out[1].labels[0].span;
                assert_eq!(&text[span.start..span.end], "\"2024-06-30\"");
            }
        }
    }

    fn late() -> String {
        "2099-12-31".to_owned()
    }

    fn never() -> String {
        panic!("today is asked only for a waiver with an expiry date")
    }

    #[test]
    fn today_is_asked_of_the_clock_only_when_needed() {
        let text = "waiver \"t/pbx\" reason=\"r\" expires=\"2024-06-30\"\n";
        let out = applied(text, vec![finding("t/pbx")], &Today::clock(late), &|_| true);
        assert_eq!(code_list(&out), ["t/pbx", "waiver::expired"]);
        let out = applied("waiver \"t/pbx\" reason=\"r\"\n", vec![finding("t/pbx")], &Today::clock(never), &|_| true);
        assert!(out[0].waived.is_some());
        assert_eq!(Today::clock(late).get(), "2099-12-31");
        assert_eq!(Today::date("2024-01-02").get(), "2024-01-02");
        assert_eq!(Today::default().get(), "0000-01-01");
        assert_eq!(
            format!("{:?} {:?}", Today::date("2024-01-02"), Today::clock(late)),
            "Today(2024-01-02) Today(clock)"
        );
    }

    #[test]
    fn waivers_without_a_rule_name_and_other_nodes_are_skipped() {
        let out = waived("waiver\nwaiver 1 reason=\"r\"\nsite \"t/pbx\" reason=\"r\"\n", vec![finding("t/pbx")]);
        assert_eq!(code_list(&out), ["t/pbx"]);
        assert!(out[0].waived.is_none());
    }
}
