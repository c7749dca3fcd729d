//! Checking a file against a small pack made for the tests (no built-in pack): rule settings,
//! selection, waivers and the baseline in their order, the verdict, target semantics, hybrid
//! sizing, finding texts, node paths and workloads. The pack is shared with the waiver and
//! baseline tests.

use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::diag::SourceFile;
use crate::pack::PackSource;
use crate::strings::Text;

const PACK: &str = r#"pack "t" {
    version "1.0.0"
    decision {
        option "online" name="The Cloud"
        alternative name="Servers"
        verdicts ruled-out="cloud-out" viable="cloud-ok"
        target "deployment" "target"
        viable-warning message="nothing rules the cloud out" label="servers chosen here" help="choose the cloud"
    }
}
"#;

const VOCABULARY: &str = r#"vocabulary "t" {
    node "organization" {
        description "who"
        prop "users" type="integer" min=1 role="total-users" description="size"
    }
    node "deployment" {
        description "where"
        node "target" {
            description "the choice"
            arg "choice" type="string" description="the choice" {
                value "online" description="the cloud"
                value "on-premises" description="servers"
                value "hybrid" description="both"
            }
        }
    }
    node "site" repeat=#true {
        description "a site"
        arg "name" type="string" description="name"
        prop "users" type="integer" description="head count"
    }
    node "voice" workload="voice" {
        description "telephony"
        node "pbx" repeat=#true {
            description "a PBX"
            arg "name" type="string" description="name"
            prop "users" type="integer" min=1 role="need-users" description="who"
        }
        node "park" {
            description "call park"
            arg "enabled" type="boolean" description="needed"
        }
    }
    node "chat" workload="messaging" {
        description "chat"
        arg "enabled" type="boolean" description="needed"
    }
    node "dialin" {
        description "dial-in"
        arg "provider" type="string" description="who" {
            value "acp" description="a provider" workload="dial-in by a provider"
            value "own" description="our bridge"
        }
        prop "backup" type="string" description="the backup" {
            value "acp" description="a provider" workload="dial-in by a provider"
            value "own" description="our bridge"
            value "bridge" description="a bridge" workload="a bridge"
        }
    }
}
"#;

const RULES: &str = r#"policy "t/pbx" {
    title "PBX"
    severity "error"
    rules-out "online"
    when "top() > voice > pbx"
    message "PBX `{value}` needs servers"
    label "PBX `{value}` here"
    help "drop the {name}" when="top() > site"
    help "keep the PBX"
    source "No URL" date="2020-01-02"
    source "Guide" url="https://example.com/guide"
    source "Other" url="https://example.com/other"
}

policy "t/park" {
    title "Park"
    severity "warning"
    rules-out "online"
    when "top() > voice > park[val() = #true]"
    message "park needs servers"
    source "Park guide"
}

policy "t/locked" {
    title "Locked"
    severity "error"
    rules-out "online"
    waivable #false
    when "top() > chat[val() = #false]"
    message "no chat needs servers"
}

policy "t/sites" {
    title "Sites"
    severity "advice"
    when {
        any {
            count "top() > site" min=2 label="one of {count} sites"
            match "top() > voice > pbx[val() = \"pbx\"]"
        }
    }
    message "{count} sites"
}
"#;

/// The test pack, decoded without mistakes.
pub(crate) fn packs() -> PackSet {
    packs_with(RULES)
}

/// The test pack with other rules.
pub(crate) fn packs_with(rules: &str) -> PackSet {
    let files = vec![
        ("t/pack.kdl".to_owned(), PACK.to_owned()),
        ("t/vocabulary.kdl".to_owned(), VOCABULARY.to_owned()),
        ("t/rules.kdl".to_owned(), rules.to_owned()),
    ];
    let (set, errors) = PackSet::decode(&[PackSource::new("t".to_owned(), files)], crate::parse::first_error);
    let errors: Vec<&Diagnostic> = errors.iter().flat_map(|f| &f.diagnostics).collect();
    assert!(errors.is_empty(), "the test pack decodes: {errors:#?}");
    set
}

/// `text` checked as `e.lync.kdl` against `packs` with `opts`.
pub(crate) fn check_with(packs: &PackSet, opts: &CheckOptions, text: &str) -> FileReport {
    check(SourceFile::new("e.lync.kdl", text), packs, opts)
}

/// `text` checked against the test pack with default options.
pub(crate) fn checked(text: &str) -> FileReport {
    check_with(&packs(), &CheckOptions::default(), text)
}

pub(crate) fn codes(r: &FileReport) -> Vec<&str> {
    r.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn find<'r>(r: &'r FileReport, code: &str) -> &'r Diagnostic {
    r.diagnostics.iter().find(|d| d.code == code).unwrap_or_else(|| panic!("no {code} in {:#?}", r.diagnostics))
}

fn rules(settings: &[(&str, RuleSetting)]) -> CheckOptions {
    CheckOptions {
        rules: settings.iter().map(|(id, s)| ((*id).to_owned(), *s)).collect::<HashMap<_, _>>(),
        ..CheckOptions::default()
    }
}

fn selecting(select: &[&str], ignore: &[&str]) -> CheckOptions {
    CheckOptions {
        select: CodeSelection {
            select: select.iter().map(|s| (*s).to_owned()).collect(),
            ignore: ignore.iter().map(|s| (*s).to_owned()).collect(),
        },
        ..CheckOptions::default()
    }
}

fn targeting(target: &str) -> CheckOptions {
    CheckOptions { target: Some(target.to_owned()), ..CheckOptions::default() }
}

/// The text of the span `s` of `text`.
fn at(text: &str, s: Span) -> &str {
    &text[s.start..s.end]
}

const PBX: &str = "voice {\n    pbx \"Avaya\" users=40\n}\n";

// ------------------------------------------------------------------ counts and verdict names

#[test]
fn counts_go_by_severity_and_waived_findings_apart() {
    let finding = |sev: Severity, waived: bool| Diagnostic {
        severity: sev,
        waived: waived.then(|| {
            Box::new(crate::diag::Waived {
                reason: "r".into(),
                expires: None,
                owner: None,
                ticket: None,
                span: Span::default(),
            })
        }),
        ..Diagnostic::error("x", "m")
    };
    let diags = vec![
        finding(Severity::Error, false),
        finding(Severity::Error, false),
        finding(Severity::Warning, false),
        finding(Severity::Warning, false),
        finding(Severity::Warning, false),
        finding(Severity::Advice, false),
        finding(Severity::Error, true),
        finding(Severity::Advice, true),
    ];
    let one = Counts::of_diagnostics(&diags);
    assert_eq!(one, Counts { errors: 2, warnings: 3, advice: 1, waived: 2 });
    let a = FileReport::unknown(SourceFile::new("a", ""), diags.clone());
    let b = FileReport::unknown(SourceFile::new("b", ""), diags[..4].to_vec());
    assert_eq!(Counts::of(&[a, b]), Counts { errors: 4, warnings: 5, advice: 1, waived: 2 });
    let mut sum = Counts { errors: 1, warnings: 1, advice: 1, waived: 1 };
    sum.add(one);
    assert_eq!(sum, Counts { errors: 3, warnings: 4, advice: 2, waived: 3 });
    assert_eq!(Counts::of(&[]), Counts::default());
}

#[test]
fn verdicts_are_named_by_the_decision() {
    let packs = packs();
    let d = packs.decision().expect("the test pack decides");
    assert_eq!((Verdict::RuledOut.name(d), Verdict::Viable.name(d)), ("cloud-out", "cloud-ok"));
}

#[test]
fn an_unknown_report_has_nothing_but_its_diagnostics() {
    let r = FileReport::unknown(SourceFile::new("a", "x"), vec![Diagnostic::error("e", "m")]);
    assert_eq!((r.verdict, r.diagnostics.len(), r.workloads.len(), r.ruled_out_by.len()), (None, 1, 0, 0));
    assert_eq!((r.baseline, r.hybrid), (Applied::default(), None));
}

#[test]
fn default_options_change_nothing() {
    let o = CheckOptions::default();
    assert!(o.target.is_none() && o.rules.is_empty() && o.baseline.is_none() && o.select.is_everything());
    assert_eq!(o.today.get(), "0000-01-01");
}

// ------------------------------------------------------------------ the pipeline

#[test]
fn a_file_that_does_not_parse_has_syntax_errors_and_no_verdict() {
    let r = checked("voice {\n");
    assert_eq!(r.verdict, None);
    assert_eq!(codes(&r), ["kdl::syntax"]);
    // The selection cannot drop syntax errors, and sorting still applies.
    let r = check_with(&packs(), &selecting(&["t/"], &["kdl::"]), "a \"\nb {\n");
    assert!(!r.diagnostics.is_empty() && codes(&r).iter().all(|c| *c == "kdl::syntax"), "{:?}", codes(&r));
    assert!(r.diagnostics.windows(2).all(|w| w[0].primary_span().start <= w[1].primary_span().start));
}

#[test]
fn schema_errors_stop_the_check_unless_the_selection_leaves_them_out() {
    let text = format!("{PBX}chat \"yes\"\n");
    let r = checked(&text);
    assert_eq!((r.verdict, codes(&r)), (None, vec!["schema::type"]));
    let r = check_with(&packs(), &selecting(&[], &["schema::"]), &text);
    assert_eq!(r.verdict, Some(Verdict::RuledOut), "{:?}", codes(&r));
    assert_eq!(codes(&r), ["t/pbx"]);
}

#[test]
fn a_need_that_rules_the_option_out_decides_the_verdict() {
    let r = checked(PBX);
    assert_eq!(r.verdict, Some(Verdict::RuledOut));
    assert_eq!(r.ruled_out_by, ["t/pbx"]);
    assert!(r.workloads.is_empty(), "a ruled-out file lists no workloads");
    let d = find(&r, "t/pbx");
    assert_eq!((d.severity, d.is_finding, d.rules_out.as_deref()), (Severity::Error, true, Some("online")));
}

#[test]
fn warnings_and_findings_that_rule_nothing_out_leave_the_option_viable() {
    let text = "site \"A\"\nsite \"B\"\nvoice {\n    park #true\n}\n";
    let r = checked(text);
    assert_eq!(r.verdict, Some(Verdict::Viable), "{:?}", codes(&r));
    assert!(r.ruled_out_by.is_empty());
    assert_eq!(codes(&r), ["t/sites", "t/park"]);
    assert_eq!(find(&r, "t/park").severity, Severity::Warning);
    assert_eq!(find(&r, "t/sites").severity, Severity::Advice);
    // An advice finding that would rule the option out as an error does not either.
    let r = check_with(&packs(), &rules(&[("t/pbx", RuleSetting::Severity(Severity::Advice))]), PBX);
    assert_eq!((r.verdict, r.ruled_out_by.len()), (Some(Verdict::Viable), 0));
    // A warning raised to an error that rules the option out does.
    let r = check_with(
        &packs(),
        &rules(&[("t/park", RuleSetting::Severity(Severity::Error))]),
        "voice {\n    park #true\n}\n",
    );
    assert_eq!((r.verdict, r.ruled_out_by.clone()), (Some(Verdict::RuledOut), vec!["t/park".to_owned()]));
}

#[test]
fn an_error_that_rules_nothing_out_does_not_decide() {
    let r = check_with(
        &packs(),
        &rules(&[("t/sites", RuleSetting::Severity(Severity::Error))]),
        "site \"A\"\nsite \"B\"\n",
    );
    assert_eq!(find(&r, "t/sites").severity, Severity::Error);
    assert_eq!(r.verdict, Some(Verdict::Viable));
}

#[test]
fn a_rule_set_off_or_not_selected_does_not_run() {
    let r = check_with(&packs(), &rules(&[("t/pbx", RuleSetting::Off)]), PBX);
    assert_eq!((r.verdict, r.diagnostics.len()), (Some(Verdict::Viable), 0));
    let r = check_with(&packs(), &selecting(&["t/park"], &[]), PBX);
    assert_eq!((r.verdict, r.diagnostics.len()), (Some(Verdict::Viable), 0));
    let r = check_with(&packs(), &selecting(&[], &["t/pbx"]), PBX);
    assert_eq!(r.verdict, Some(Verdict::Viable));
    let r = check_with(&packs(), &rules(&[("t/park", RuleSetting::Off)]), PBX);
    assert_eq!(r.verdict, Some(Verdict::RuledOut), "another rule's setting changes nothing");
}

#[test]
fn diagnostics_come_in_source_order_then_by_code() {
    let text = "voice {\n    park #true\n    pbx \"b\"\n    pbx \"a\"\n}\nsite \"x\"\nsite \"y\"\nwaiver \"t/nope\" reason=\"r\"\n";
    let r = checked(text);
    let order: Vec<(usize, &str)> = r.diagnostics.iter().map(|d| (d.primary_span().start, d.code.as_str())).collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
    assert_eq!(codes(&r), ["t/park", "t/pbx", "t/sites", "waiver::unknown-rule"]);
    // Two diagnostics at one place: by code.
    let mut a = Diagnostic::error("b/z", "m").with_label(Span::new(3, 4), "");
    a.is_finding = true;
    let b = Diagnostic::error("b/a", "m").with_label(Span::new(3, 5), "");
    let c = Diagnostic::error("a/a", "m").with_label(Span::new(9, 10), "");
    let r = finish(FileReport::unknown(SourceFile::new("f", ""), vec![c, a, b]), &CheckOptions::default());
    assert_eq!(codes(&r), ["b/a", "b/z", "a/a"]);
}

#[test]
fn the_selection_drops_what_it_leaves_out_last() {
    // An ignored waiver code: the waiver still suppresses, its own diagnostic is not shown.
    let text = format!("{PBX}waiver \"t/pbx\" reason=\"accepted\"\nwaiver \"t/pbx\" reason=\"twice\"\n");
    let r = check_with(&packs(), &selecting(&[], &["waiver::"]), &text);
    assert_eq!(codes(&r), ["t/pbx"]);
    assert!(find(&r, "t/pbx").waived.is_some());
    assert_eq!(r.verdict, Some(Verdict::Viable));
    let r = checked(&text);
    assert_eq!(codes(&r), ["t/pbx", "waiver::unused"]);
}

// ------------------------------------------------------------------ waivers and baseline

#[test]
fn a_waived_finding_does_not_decide_and_is_still_reported() {
    let text = format!("{PBX}waiver \"t/pbx\" reason=\"accepted\" owner=\"me\"\n");
    let r = checked(&text);
    assert_eq!(r.verdict, Some(Verdict::Viable));
    assert!(r.ruled_out_by.is_empty());
    let d = find(&r, "t/pbx");
    assert_eq!(d.waived.as_ref().and_then(|w| w.owner.as_deref()), Some("me"));
    assert_eq!(r.hybrid, None);
}

#[test]
fn waivers_of_rules_that_do_not_run_are_not_unused() {
    let text = "waiver \"t/pbx\" reason=\"not here\"\n";
    assert_eq!(codes(&checked(text)), ["waiver::unused"]);
    assert!(check_with(&packs(), &rules(&[("t/pbx", RuleSetting::Off)]), text).diagnostics.is_empty());
    assert!(check_with(&packs(), &selecting(&[], &["t/pbx"]), text).diagnostics.is_empty());
    assert!(
        check_with(&packs(), &rules(&[("t/pbx", RuleSetting::Severity(Severity::Warning))]), text)
            .diagnostics
            .iter()
            .any(|d| d.code == "waiver::unused"),
        "a rule with a severity runs"
    );
}

#[test]
fn the_baseline_hides_known_findings_before_the_verdict() {
    let first = checked(PBX);
    let baseline = crate::baseline::Baseline::from_entries(first.baseline_entries());
    let opts = CheckOptions { baseline: Some(Arc::new(baseline.clone().by_file())), ..CheckOptions::default() };
    let r = check_with(&packs(), &opts, PBX);
    assert_eq!((r.verdict, r.diagnostics.len()), (Some(Verdict::Viable), 0));
    assert_eq!(r.baseline.baselined, 1);
    assert_eq!(r.baseline.hidden, baseline.findings);
    // A file the baseline does not name keeps its findings.
    let other = check(SourceFile::new("other.lync.kdl", PBX), &packs(), &opts);
    assert_eq!((other.verdict, other.baseline.baselined), (Some(Verdict::RuledOut), 0));
    // A waived finding is not in the baseline, and the baseline does not hide it.
    let text = format!("{PBX}waiver \"t/pbx\" reason=\"accepted\"\n");
    let r = check_with(&packs(), &opts, &text);
    assert_eq!((r.baseline.baselined, r.baseline.fixed.len()), (0, 1));
    assert!(find(&r, "t/pbx").waived.is_some());
}

// ------------------------------------------------------------------ a pack without a decision

#[test]
fn packs_that_decide_nothing_give_no_verdict_but_keep_the_suppression() {
    let files = vec![
        ("n/pack.kdl".to_owned(), "pack \"n\" {\n    version \"1.0.0\"\n}\n".to_owned()),
        ("n/vocabulary.kdl".to_owned(), VOCABULARY.to_owned()),
        ("n/rules.kdl".to_owned(), RULES.to_owned()),
    ];
    let (set, errors) = PackSet::decode(&[PackSource::new("n".to_owned(), files)], crate::parse::first_error);
    assert!(errors.is_empty());
    let first = check(SourceFile::new("e.lync.kdl", PBX), &set, &CheckOptions::default());
    assert_eq!((first.verdict, codes(&first)), (None, vec!["t/pbx"]));
    assert!(first.ruled_out_by.is_empty() && first.hybrid.is_none());
    let baseline = crate::baseline::Baseline::from_entries(first.baseline_entries()).by_file();
    let opts =
        CheckOptions { baseline: Some(Arc::new(baseline)), target: Some("hybrid".into()), ..CheckOptions::default() };
    let r = check(SourceFile::new("e.lync.kdl", PBX), &set, &opts);
    assert_eq!((r.verdict, r.diagnostics.len(), r.baseline.baselined), (None, 0, 1));
    let r = check(
        SourceFile::new("e.lync.kdl", format!("{PBX}waiver \"t/pbx\" reason=\"ok\"\n")),
        &set,
        &CheckOptions::default(),
    );
    assert!(find(&r, "t/pbx").waived.is_some());
}

// ------------------------------------------------------------------ target semantics

#[test]
fn choosing_the_option_labels_the_target_on_the_findings_that_rule_it_out() {
    let text = format!("deployment {{\n    target \"online\"\n}}\n{PBX}site \"a\"\nsite \"b\"\n");
    let r = checked(&text);
    assert_eq!(r.verdict, Some(Verdict::RuledOut));
    let d = find(&r, "t/pbx");
    assert_eq!(d.severity, Severity::Error);
    let last = d.labels.last().expect("labels");
    assert_eq!(last.text.as_deref(), Some("The Cloud chosen here"));
    assert_eq!(at(&text, last.span), "target \"online\"");
    assert_eq!(
        find(&r, "t/sites").labels.iter().filter(|l| l.text.as_deref() == Some("The Cloud chosen here")).count(),
        0
    );
    // The option given on the command line, and no target node: no label to add.
    let r = check_with(&packs(), &targeting("online"), PBX);
    assert_eq!(find(&r, "t/pbx").labels.len(), 1);
    assert_eq!((r.verdict, find(&r, "t/pbx").severity), (Some(Verdict::RuledOut), Severity::Error));
}

#[test]
fn another_choice_makes_the_findings_advice_without_changing_the_verdict() {
    let text = format!("deployment {{\n    target \"on-premises\"\n}}\n{PBX}voice {{\n}}\n");
    let text = text.replace("voice {\n}\n", "");
    let r = checked(&format!("{text}site \"a\"\nsite \"b\"\nchat #true\n"));
    assert_eq!(r.verdict, Some(Verdict::RuledOut));
    assert_eq!(r.ruled_out_by, ["t/pbx"]);
    assert_eq!(find(&r, "t/pbx").severity, Severity::Advice);
    assert!(!codes(&r).contains(&"deployment::online-viable"), "the option is ruled out: no warning");
    // Hybrid sizing uses the findings as they were before the target made them advice.
    let r = checked(&format!("organization users=100\n{text}"));
    assert_eq!(r.hybrid.as_ref().map(|h| h.on_premises.min), Some(40));
}

#[test]
fn another_choice_when_nothing_rules_the_option_out_is_a_warning_on_the_target() {
    let text = "deployment {\n    target \"hybrid\"\n}\nvoice {\n    park #true\n}\n";
    let r = checked(text);
    assert_eq!(r.verdict, Some(Verdict::Viable));
    let w = find(&r, "deployment::online-viable");
    assert_eq!(
        (w.severity, w.message.as_str(), w.help.as_deref()),
        (Severity::Warning, "nothing rules the cloud out", Some("choose the cloud"))
    );
    assert_eq!(w.labels.len(), 1);
    assert_eq!(w.labels[0].text.as_deref(), Some("servers chosen here"));
    assert_eq!(at(text, w.labels[0].span), "target \"hybrid\"");
    assert_eq!(find(&r, "t/park").severity, Severity::Advice, "a warning that rules the option out becomes advice");
    // From the command line the target wins over the file's, and without a node there is no label.
    let r = check_with(&packs(), &targeting("on-premises"), "chat #true\n");
    let w = find(&r, "deployment::online-viable");
    assert!(w.labels.is_empty());
    let r = check_with(&packs(), &targeting("online"), text);
    assert!(!codes(&r).contains(&"deployment::online-viable"));
    assert_eq!(find(&r, "t/park").severity, Severity::Warning);
    // No target at all: nothing changes.
    let r = checked("voice {\n    park #true\n}\n");
    assert_eq!(codes(&r), ["t/park"]);
    assert_eq!(find(&r, "t/park").severity, Severity::Warning);
}

#[test]
fn the_viable_warning_has_no_help_when_the_decision_gives_none() {
    let decision = Decision {
        option: "online".into(),
        option_name: "O".into(),
        alternative_name: "A".into(),
        ruled_out: "o-out".into(),
        viable: "o-ok".into(),
        target: vec!["deployment".into(), "target".into()],
        viable_message: "msg".into(),
        viable_label: "lbl".into(),
        viable_help: Text::default(),
    };
    let mut diags = Vec::new();
    apply_target(&mut diags, &decision, Some("other"), None, Verdict::Viable);
    assert_eq!((diags.len(), diags[0].help.as_deref(), diags[0].message.as_str()), (1, None, "msg"));
    let mut diags = Vec::new();
    apply_target(&mut diags, &decision, None, None, Verdict::Viable);
    assert!(diags.is_empty());
}

#[test]
fn the_target_node_is_found_by_its_path_the_first_of_each_name() {
    let d = crate::parse::parse("a 1\na 2 {\n    b 3\n}\nc {\n    d 4\n    d 5 {\n        e 6\n    }\n}\n")
        .expect("parses");
    let path = |p: &[&str]| p.iter().map(|&s| Text::from(s)).collect::<Vec<_>>();
    let arg = |n: Option<&Node>| n.and_then(|n| n.arg(0)).map(|e| e.value.to_string());
    assert_eq!(arg(find_target(&d.nodes, &path(&["a"]))), Some("1".into()));
    assert_eq!(arg(find_target(&d.nodes, &path(&["c", "d"]))), Some("4".into()));
    assert_eq!(arg(find_target(&d.nodes, &path(&["a", "b"]))), None, "only the first `a` is looked in");
    assert_eq!(arg(find_target(&d.nodes, &path(&["c", "d", "e"]))), None);
    assert!(find_target(&d.nodes, &path(&[])).is_none());
    assert!(find_target(&d.nodes, &path(&["x"])).is_none());
}

// ------------------------------------------------------------------ hybrid sizing

#[test]
fn a_ruled_out_file_with_an_organization_size_is_sized() {
    let text = "organization users=500\nvoice {\n    pbx \"a\" users=40\n    pbx \"b\" users=120\n    park #true\n}\n";
    let r = checked(text);
    let h = r.hybrid.expect("sized");
    assert_eq!(h.users, 500);
    assert_eq!(h.needs, [crate::hybrid::Need { rule: "t/pbx".into(), users: 120 }], "warnings are not counted");
    let r = check_with(&packs(), &rules(&[("t/park", RuleSetting::Severity(Severity::Error))]), text);
    let h = r.hybrid.expect("sized");
    assert_eq!(
        h.needs.iter().map(|n| (n.rule.as_str(), n.users)).collect::<Vec<_>>(),
        [("t/park", 500), ("t/pbx", 120)]
    );
    // Not ruled out, or no size: no sizing.
    assert_eq!(checked("organization users=500\nchat #true\n").hybrid, None);
    assert_eq!(checked("voice {\n    pbx \"a\" users=40\n}\n").hybrid, None);
    // A finding that rules nothing out is not a need, even as an error.
    let r = check_with(
        &packs(),
        &rules(&[("t/sites", RuleSetting::Severity(Severity::Error))]),
        "organization users=9\nsite \"a\"\nsite \"b\"\nchat #false\n",
    );
    let h = r.hybrid.expect("sized");
    assert_eq!(h.needs.iter().map(|n| n.rule.as_str()).collect::<Vec<_>>(), ["t/locked"]);
}

#[test]
fn a_finding_needs_the_largest_users_of_its_needs_or_everyone() {
    let need = |text: &str| find(&checked(text), "t/pbx").need_users;
    assert_eq!(need("voice {\n    pbx \"a\" users=40\n    pbx \"b\" users=120\n    pbx \"c\" users=7\n}\n"), Some(120));
    assert_eq!(need("voice {\n    pbx \"a\" users=40\n    pbx \"b\"\n}\n"), None, "a need without users= is everyone");
    // Sites are head counts, not needs: a finding on sites concerns everyone.
    assert_eq!(find(&checked("site \"a\" users=3\nsite \"b\" users=4\n"), "t/sites").need_users, None);
    // The nodes evidence points at are located in the file, however deep.
    let labelled = "voice {\n    pbx \"pbx\" users=5\n}\n";
    let packs = packs_with(&RULES.replace("top() > voice > pbx\"", "top() > voice > pbx[users]\""));
    let r = check_with(&packs, &CheckOptions::default(), labelled);
    assert_eq!(find(&r, "t/pbx").need_users, Some(5));
}

// ------------------------------------------------------------------ what a finding says

#[test]
fn a_finding_takes_its_texts_from_the_policy_and_its_first_evidence() {
    let text = "voice {\n    pbx \"Avaya\" users=40\n    pbx \"Cisco\"\n}\n";
    let r = checked(text);
    let d = find(&r, "t/pbx");
    assert_eq!(d.message, "PBX `Avaya` needs servers");
    let labels: Vec<(&str, Option<&str>)> = d.labels.iter().map(|l| (at(text, l.span), l.text.as_deref())).collect();
    assert_eq!(
        labels,
        [("pbx \"Avaya\" users=40", Some("PBX `Avaya` here")), ("pbx \"Cisco\"", Some("PBX `Cisco` here"))]
    );
    assert_eq!(d.help.as_deref(), Some("keep the PBX"), "the first help whose selector matches");
    assert_eq!(d.url.as_deref(), Some("https://example.com/guide"), "the first source with a URL");
    assert_eq!(d.source.as_deref(), Some("No URL (2020-01-02)"));
    assert_eq!(d.node_path.as_deref(), Some("voice/pbx[1]"));
    assert!(d.fix.is_none() && d.waived.is_none());
    let r = checked(&format!("site \"s\"\n{text}"));
    assert_eq!(find(&r, "t/pbx").help.as_deref(), Some("drop the {name}"), "help is not interpolated");
    let park = find(&checked("voice {\n    park #true\n}\n"), "t/park").clone();
    assert_eq!((park.source.as_deref(), park.url.as_deref(), park.help.as_deref()), (Some("Park guide"), None, None));
    assert_eq!(park.labels.len(), 1);
    assert_eq!(park.labels[0].text, None, "no label text without a label");
}

#[test]
fn a_condition_label_wins_over_the_policy_label_and_counts_interpolate() {
    let text = "site \"a\"\nvoice {\n    pbx \"pbx\"\n}\nsite \"b\"\nsite \"c\"\n";
    let r = checked(text);
    let d = find(&r, "t/sites");
    assert_eq!(d.message, "3 sites");
    let labels: Vec<Option<&str>> = d.labels.iter().map(|l| l.text.as_deref()).collect();
    assert_eq!(labels, [Some("one of 3 sites"), Some("one of 3 sites"), Some("one of 3 sites"), None]);
    assert_eq!(d.node_path.as_deref(), Some("site[1]"));
}

#[test]
fn node_paths_number_repeated_nodes_among_their_namesakes() {
    let text = "site \"a\"\nvoice {\n    park #false\n    pbx \"x\"\n    pbx \"y\"\n}\nsite \"b\"\n";
    let d = crate::parse::parse(text).expect("parses");
    let packs = packs();
    let decls = &packs.vocab.nodes;
    let voice = &d.nodes[1];
    assert_eq!(node_path(&d.nodes, decls, &voice.children()[2]).as_deref(), Some("voice/pbx[2]"));
    assert_eq!(node_path(&d.nodes, decls, &voice.children()[1]).as_deref(), Some("voice/pbx[1]"));
    assert_eq!(node_path(&d.nodes, decls, &voice.children()[0]).as_deref(), Some("voice/park"));
    assert_eq!(node_path(&d.nodes, decls, voice).as_deref(), Some("voice"));
    assert_eq!(node_path(&d.nodes, decls, &d.nodes[2]).as_deref(), Some("site[2]"));
    // An undeclared node has no index, and neither do its children.
    let u = crate::parse::parse("x {\n    y\n    y\n}\n").expect("parses");
    assert_eq!(node_path(&u.nodes, decls, &u.nodes[0].children()[1]).as_deref(), Some("x/y"));
    // A node of another document is nowhere.
    assert_eq!(node_path(&u.nodes, decls, &d.nodes[0]), None);
    let located = locate(&d.nodes, decls, &voice.children()[1]).expect("found");
    assert_eq!(located.1.map(|decl| decl.name.as_str()), Some("pbx"));
}

// ------------------------------------------------------------------ workloads

#[test]
fn a_viable_file_lists_the_workloads_of_its_needs_once_each() {
    let text = "chat #true\nvoice {\n    park #false\n}\ndialin \"acp\" backup=\"acp\"\nsite \"a\"\n";
    let r = checked(text);
    assert_eq!(r.verdict, Some(Verdict::Viable), "{:?}", codes(&r));
    assert_eq!(r.workloads, ["messaging", "voice", "dial-in by a provider"]);
    assert_eq!(checked("dialin \"own\" backup=\"own\"\n").workloads, Vec::<String>::new());
    assert_eq!(checked("dialin \"own\" backup=\"bridge\"\n").workloads, ["a bridge"], "properties name workloads too");
    assert_eq!(checked("dialin \"acp\" backup=\"bridge\"\n").workloads, ["dial-in by a provider", "a bridge"]);
    assert_eq!(checked("chat #false\n").workloads, Vec::<String>::new(), "ruled out");
    assert_eq!(checked("voice #false\n").workloads.len(), 0, "a need switched off serves nothing");
}

#[test]
fn workloads_are_found_in_children_and_named_once() {
    let packs = packs();
    let doc = crate::parse::parse("voice #false {\n    park #true\n}\nx\ndialin 1\n").expect("parses");
    let mut decls = packs.vocab.nodes.clone();
    let voice = decls.iter_mut().find(|d| d.name == "voice").expect("voice");
    let park = voice.children.iter_mut().find(|d| d.name == "park").expect("park");
    park.workload = Some("messaging".into());
    assert_eq!(workloads(&doc.nodes, &decls), ["messaging"]);
}

#[test]
fn evidence_points_at_the_node_head() {
    let text = "voice {\n    pbx \"a\" {\n        x\n    }\n}\n";
    let d = crate::parse::parse(text).expect("parses");
    let node = &d.nodes[0].children()[0];
    let ev = Evidence { node, label: None, count: None };
    assert_eq!(at(text, evidence_span(&ev)), "pbx \"a\"");
}

#[test]
fn rule_settings_parse_from_their_names() {
    assert_eq!(RuleSetting::parse("off"), Some(RuleSetting::Off));
    assert_eq!(RuleSetting::parse("error"), Some(RuleSetting::Severity(Severity::Error)));
    assert_eq!(RuleSetting::parse("warning"), Some(RuleSetting::Severity(Severity::Warning)));
    assert_eq!(RuleSetting::parse("advice"), Some(RuleSetting::Severity(Severity::Advice)));
    assert_eq!(RuleSetting::parse("Off"), None);
    assert_eq!(RuleSetting::parse("loud"), None);
    assert!(RuleSetting::NAMES.iter().all(|n| RuleSetting::parse(n).is_some()));
    // Each setting's name reads back as itself.
    for n in RuleSetting::NAMES {
        assert_eq!(RuleSetting::parse(n).map(RuleSetting::as_str), Some(n));
    }
    assert_eq!(RuleSetting::choices(), "error, warning, advice or off");
    for n in Severity::NAMES {
        assert_eq!(Severity::parse(n).map(Severity::as_str), Some(n));
    }
    assert_eq!(crate::diag::or_list::<&str>(&[]), "");
    assert_eq!(crate::diag::or_list(&["a"]), "a");
    assert_eq!(crate::diag::or_list(&["a", "b"]), "a or b");
}

#[test]
fn a_rule_runs_at_its_setting_s_severity_unless_off_or_not_selected() {
    let mut opts = CheckOptions::default();
    assert_eq!(opts.severity_of("a/b", Severity::Warning), Some(Severity::Warning));
    opts.rules.insert("a/b".to_owned(), RuleSetting::Severity(Severity::Advice));
    assert_eq!(opts.severity_of("a/b", Severity::Warning), Some(Severity::Advice));
    opts.rules.insert("a/b".to_owned(), RuleSetting::Off);
    assert_eq!(opts.severity_of("a/b", Severity::Warning), None);
    assert_eq!(opts.severity_of("c/d", Severity::Error), Some(Severity::Error));
    assert!(!opts.runs("a/b"));
    assert!(opts.runs("c/d"));
    // A rule the selection leaves out does not run, whatever its setting.
    opts.select.ignore.push("c/".to_owned());
    opts.rules.insert("c/d".to_owned(), RuleSetting::Severity(Severity::Warning));
    assert!(!opts.runs("c/d"));
    assert_eq!(opts.severity_of("c/d", Severity::Error), None);
    assert!(opts.runs("e/f"));
}
