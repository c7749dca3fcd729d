//! The built-in `lync-2013` pack: the rule table of SPEC §3.1, its policy tests with full
//! coverage, and meta-tests on every policy's documentation.

use lync_lint_core::diag::{Severity, SourceFile};
use lync_lint_core::engine::check;
use lync_lint_core::packtest;

use crate::common::builtin;

/// SPEC §3.1, verbatim: every id with its severity, and whether it rules Lync Online out.
const RULES: &[(&str, Severity, bool)] = &[
    ("enterprise-voice/pbx-replacement", Severity::Error, true),
    ("enterprise-voice/pbx-integration", Severity::Error, true),
    ("enterprise-voice/remote-call-control", Severity::Warning, true),
    ("enterprise-voice/response-groups", Severity::Error, true),
    ("enterprise-voice/call-park", Severity::Error, true),
    ("enterprise-voice/group-call-pickup", Severity::Error, true),
    ("enterprise-voice/delegation", Severity::Error, true),
    ("enterprise-voice/dial-plans", Severity::Error, true),
    ("enterprise-voice/emergency-calling", Severity::Error, true),
    ("enterprise-voice/e911-outside-us", Severity::Warning, false),
    ("enterprise-voice/voicemail", Severity::Error, true),
    ("enterprise-voice/unassigned-numbers", Severity::Error, true),
    ("enterprise-voice/media-bypass", Severity::Error, true),
    ("enterprise-voice/branch-survivability", Severity::Error, true),
    ("enterprise-voice/location-based-routing", Severity::Error, true),
    ("enterprise-voice/attendant-console", Severity::Error, true),
    ("enterprise-voice/common-area-phones", Severity::Error, true),
    ("enterprise-voice/analog-devices", Severity::Error, true),
    ("enterprise-voice/private-line", Severity::Error, true),
    ("enterprise-voice/pstn-calling", Severity::Warning, true),
    ("media-quality/call-admission-control", Severity::Error, true),
    ("media-quality/qos", Severity::Error, true),
    ("persistent-chat/server", Severity::Error, true),
    ("persistent-chat/compliance", Severity::Error, true),
    ("server-applications/ucma", Severity::Error, true),
    ("server-applications/other-server-api", Severity::Error, true),
    ("multi-regional/regional-servers", Severity::Error, true),
    ("control/full-policy-control", Severity::Error, true),
    ("control/client-version-control", Severity::Error, true),
    ("control/call-quality-reports", Severity::Error, true),
    ("control/upgrade-timing", Severity::Error, true),
    ("conferencing/own-dial-in", Severity::Error, true),
    ("collaboration/skill-search", Severity::Error, true),
    ("clients/legacy", Severity::Error, true),
    ("clients/vdi", Severity::Error, true),
    ("federation/xmpp", Severity::Error, true),
    ("compliance/archive-store", Severity::Error, true),
    ("compliance/data-residency", Severity::Warning, true),
    ("scale/large-meetings", Severity::Error, true),
    ("scale/meetings-beyond-limits", Severity::Warning, false),
    ("scale/large-contact-lists", Severity::Error, true),
];

#[test]
fn every_rule_of_the_spec_exists_with_its_severity() {
    let packs = builtin();
    for (id, sev, rules_out) in RULES {
        let p = packs.policy(id).unwrap_or_else(|| panic!("rule `{id}` is missing"));
        assert_eq!(p.severity, *sev, "{id}");
        assert_eq!(p.rules_out.as_deref(), rules_out.then_some("online"), "{id}");
    }
    assert_eq!(packs.policies.len(), RULES.len(), "no rule beyond the spec's table");
}

/// A warning whose claim Microsoft does not state says so in its help.
#[test]
fn the_inferences_say_so() {
    let packs = builtin();
    for id in ["enterprise-voice/remote-call-control", "compliance/data-residency"] {
        let p = packs.policy(id).expect("exists");
        assert!(p.helps.iter().all(|h| h.text.contains("an inference")), "{id}");
    }
}

/// Rules that rule nothing out say what no deployment can do, and what to do instead.
#[test]
fn the_rules_that_rule_nothing_out_say_so() {
    let packs = builtin();
    for p in packs.policies.iter().filter(|p| p.rules_out.is_none()) {
        for h in &p.helps {
            assert!(h.text.contains("No Lync 2013 deployment"), "{}: {}", p.id, h.text);
        }
    }
}

/// Users read the pack's texts: no words from the project's research notes, and no
/// placeholders in help texts, which are printed as written.
#[test]
fn user_facing_texts_use_no_internal_shorthand() {
    let packs = builtin();
    for p in &packs.policies {
        let mut texts = vec![p.title.as_str(), p.message.as_str()];
        texts.extend(p.label.as_deref());
        texts.extend(p.helps.iter().map(|h| h.text.as_str()));
        texts.extend(p.sources.iter().map(|s| s.title.as_str()));
        for t in texts {
            let lower = t.to_lowercase();
            for word in ["seed", "client tables", "lead "] {
                assert!(!lower.contains(word), "{}: `{word}` in {t}", p.id);
            }
        }
        for h in &p.helps {
            assert!(!h.text.contains("{value}") && !h.text.contains("{prop:"), "{}: a placeholder in help", p.id);
        }
    }
    for (_, n) in packs.vocab.all() {
        assert!(!n.description.to_lowercase().contains("seed"), "{}", n.name);
    }
}

#[test]
fn every_policy_is_documented_and_sourced() {
    let packs = builtin();
    for p in &packs.policies {
        assert!(!p.title.is_empty(), "{}: title", p.id);
        assert!(!p.message.is_empty(), "{}: message", p.id);
        assert!(p.label.is_some(), "{}: label", p.id);
        assert!(p.helps.iter().any(|h| h.when.is_none()), "{}: a help without condition", p.id);
        assert!(!p.sources.is_empty(), "{}: source", p.id);
        for s in &p.sources {
            assert!(s.url.as_deref().is_some_and(|u| u.starts_with("http")), "{}: source url", p.id);
        }
        // An undated page may be cited next to a dated one (the Office 365 Trust Center's).
        assert!(p.sources.iter().any(|s| s.date.is_some()), "{}: a dated source", p.id);
    }
}

#[test]
fn the_needs_of_the_deployment_guide_cite_it() {
    let packs = builtin();
    for id in [
        "enterprise-voice/pbx-replacement",
        "media-quality/call-admission-control",
        "persistent-chat/server",
        "server-applications/ucma",
        "multi-regional/regional-servers",
        "control/full-policy-control",
    ] {
        let p = packs.policy(id).expect("exists");
        assert!(
            p.sources.iter().any(|s| s.url.as_deref().is_some_and(|u| u.contains("JJ204979"))),
            "{id} cites JJ204979"
        );
    }
}

#[test]
fn every_example_fires_its_own_rule() {
    let packs = builtin();
    for p in &packs.policies {
        let example = p.example.as_deref().unwrap_or_else(|| panic!("{}: no example", p.id));
        let r = check(SourceFile::new("example.lync.kdl", example), &packs, &lync_lint::settings::check_options());
        assert!(r.verdict.is_some(), "{}: example is not a valid environment: {:?}", p.id, r.diagnostics);
        assert!(r.diagnostics.iter().any(|d| d.code == p.id), "{}: example does not fire", p.id);
    }
}

#[test]
fn the_pack_tests_pass_with_full_coverage() {
    let packs = builtin();
    let outcome = packtest::run_all(&packs).unwrap_or_else(|e| panic!("broken test files: {e:#?}"));
    let failures: Vec<String> =
        outcome.failures.iter().map(|f| format!("{}: {}", f.test, f.diagnostic.message)).collect();
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    assert!(outcome.never_fired.is_empty(), "rules no test makes fire: {:?}", outcome.never_fired);
    assert!(outcome.never_quiet.is_empty(), "rules no test keeps quiet: {:?}", outcome.never_quiet);
    assert!(outcome.passed >= 2 * RULES.len(), "two tests per rule at least, got {}", outcome.passed);
}

#[test]
fn a_broken_expectation_is_reported() {
    // The harness must be able to fail: a test expecting the wrong rule.
    let packs = builtin();
    let file = SourceFile::new(
        "t.test.kdl",
        "test \"wrong\" {\n    env {\n        voice {\n            call-park #true\n        }\n    }\n    fires \"enterprise-voice/call-park\" line=1\n    quiet \"enterprise-voice/call-park\"\n    verdict \"online-viable\"\n}\n",
    );
    let mut r = lync_lint_core::read::Reader::new("test");
    let tests = packtest::load(&file, &packs, lync_lint::syntax::explain, &mut r);
    assert!(r.diagnostics.is_empty());
    let failures = packtest::run(&tests[0], &packs, &lync_lint::settings::check_options());
    let messages: Vec<&str> = failures.iter().map(|f| f.diagnostic.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "`enterprise-voice/call-park` fired on env line 2, not line 1",
            "`enterprise-voice/call-park` fired but should stay quiet",
            "verdict is `online-ruled-out`, not `online-viable`",
        ]
    );
}

/// The built-in pack compiled at build time (`build.rs`) is the pack decoding its files
/// gives, with syntax errors explained as `check` explains them.
#[test]
fn the_compiled_builtin_pack_equals_the_decoded_one() {
    use lync_lint_core::pack::PackSet;
    let loaded = lync_lint::packs::compiled_builtin().expect("the compiled pack decodes");
    let (decoded, errors) = PackSet::decode(&[lync_lint::packs::builtin()], lync_lint::syntax::explain);
    assert!(errors.is_empty());
    assert_eq!(format!("{loaded:#?}"), format!("{decoded:#?}"));
    assert!(!loaded.policies.is_empty() && !loaded.tests.is_empty());
    // `load` (what `check` calls) takes the precompiled form for the built-in pack alone.
    let via_load = lync_lint::packs::load(&[lync_lint::packs::builtin()]).expect("loads");
    assert_eq!(format!("{via_load:#?}"), format!("{decoded:#?}"));
    // The policy files' texts are the binary's own, not copies made at every start.
    for set in [&loaded, &decoded] {
        let files = set.files.iter().chain(&set.tests);
        assert!(files.into_iter().all(|f| matches!(f.text, std::borrow::Cow::Borrowed(_))));
    }
    // Nor are the compiled pack's strings: they are borrowed from its string table.
    let texts = |set: &PackSet| {
        let policies = set.policies.iter().flat_map(|p| [&p.id, &p.title, &p.message]);
        let nodes = set.vocab.nodes.iter().flat_map(|n| [&n.name, &n.description]);
        policies.chain(nodes).map(lync_lint_core::strings::Text::is_borrowed).collect::<Vec<_>>()
    };
    assert!(texts(&loaded).iter().all(|&b| b), "the compiled pack's strings are borrowed");
    assert!(texts(&decoded).iter().all(|&b| !b), "a pack decoded from its files owns its strings");
}

/// The precompiled form stands in only for the embedded files themselves: a built-in source
/// with one text replaced (as an editor's unsaved buffer would) is decoded from its files.
#[test]
fn a_changed_builtin_source_is_decoded_not_taken_from_the_compiled_form() {
    let mut source = lync_lint::packs::builtin();
    let (_, text) = source.files.iter_mut().find(|(p, _)| p.ends_with("01-enterprise-voice.kdl")).expect("voice rules");
    assert!(text.contains("replacing the PBX needs"));
    *text = text.replace("replacing the PBX needs", "EDITED: replacing the PBX needs").into();
    let set = lync_lint::packs::load(&[source]).expect("loads");
    let policy = set.policy("enterprise-voice/pbx-replacement").expect("the rule");
    assert!(policy.message.starts_with("EDITED:"), "{}", policy.message);
}

/// The benchmark corpus stays what its generator says: every file that should need on
/// premises is `online-ruled-out`, and every near-miss stays `online-viable`, under the
/// pack's current rules.
#[test]
fn the_bench_corpus_gets_the_verdicts_its_generator_expects() {
    use lync_lint_core::engine::Verdict;
    let packs = builtin();
    for i in 0..400 {
        let env = crate::corpus::environment_of_size(i, 0);
        let r =
            check(SourceFile::new(env.name.clone(), env.text.clone()), &packs, &lync_lint::settings::check_options());
        let want = if env.ruled_out { Verdict::RuledOut } else { Verdict::Viable };
        let codes: Vec<&str> = r.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(r.verdict, Some(want), "{}: {codes:?}\n{}", env.name, env.text);
    }
}

/// A pack of another organization's own decision: the engine prints the pack's words (its
/// verdicts, its option, its target node), none of Lync's.
fn decision_pack(dir: &std::path::Path, decision: bool) {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    let block = if decision {
        "    decision {\n        option \"cloud\" name=\"the cloud service\"\n        verdicts ruled-out=\"cloud-ruled-out\" viable=\"cloud-viable\"\n        target \"plan\" \"choice\"\n        viable-warning message=\"nothing rules the cloud service out\" label=\"servers chosen here\"\n    }\n"
    } else {
        ""
    };
    write("pack/pack.kdl", &format!("pack \"hosting\" {{\n    version \"1.0.0\"\n{block}}}\n"));
    write(
        "pack/vocabulary.kdl",
        "vocabulary \"hosting\" {\n    node \"plan\" {\n        description \"the plan\"\n        node \"choice\" {\n            description \"where it runs\"\n            arg \"choice\" type=\"string\" description=\"where\" {\n                value \"cloud\" description=\"hosted\"\n                value \"servers\" description=\"own servers\"\n            }\n        }\n    }\n    node \"mainframe\" {\n        description \"a mainframe link\"\n        arg \"enabled\" type=\"boolean\" description=\"needed\"\n    }\n}\n",
    );
    write(
        "pack/rules.kdl",
        "policy \"hosting/mainframe\" {\n    title \"A mainframe link needs own servers\"\n    severity \"error\"\n    rules-out \"cloud\"\n    when \"top() > mainframe[val() = #true]\"\n    message \"the mainframe link needs own servers\"\n    label \"here\"\n    help \"keep servers\"\n}\n",
    );
}

#[test]
fn a_pack_declares_its_own_decision_and_the_engine_prints_its_words() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("root");
    decision_pack(tmp.path(), true);
    std::fs::write(tmp.path().join("a.lync.kdl"), "plan {\n    choice \"cloud\"\n}\nmainframe #true\n").expect("env");
    std::fs::write(tmp.path().join("b.lync.kdl"), "plan {\n    choice \"servers\"\n}\n").expect("env");
    let args = ["check", "--no-builtin", "--policies", "pack", "--format", "json"];
    let out = crate::common::run_in(tmp.path(), &args, None);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(doc["files"][0]["verdict"], "cloud-ruled-out");
    assert_eq!(doc["files"][1]["verdict"], "cloud-viable");
    assert_eq!(doc["summary"]["verdicts"]["cloud-ruled-out"], 1, "{}", doc["summary"]);
    let labels = doc["files"][0]["diagnostics"][0]["labels"].to_string();
    assert!(labels.contains("the cloud service chosen here"), "{labels}");
    let second = doc["files"][1]["diagnostics"].to_string();
    assert!(
        second.contains("nothing rules the cloud service out") && second.contains("servers chosen here"),
        "{second}"
    );
    let human = crate::common::run_in(tmp.path(), &["check", "--no-builtin", "--policies", "pack"], None);
    assert!(human.stdout.contains("b.lync.kdl: cloud-viable"), "{}", human.stdout);
    assert!(!human.stdout.contains("Lync"), "{}", human.stdout);
    // --target takes the pack's choices, with a did-you-mean.
    let bad =
        crate::common::run_in(tmp.path(), &["check", "--no-builtin", "--policies", "pack", "--target", "servrs"], None);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("did you mean `servers`?"), "{}", bad.stderr);
    let ok = crate::common::run_in(
        tmp.path(),
        &["check", "--no-builtin", "--policies", "pack", "--target", "servers"],
        None,
    );
    assert_eq!(ok.code, 0, "findings that rule the option out become advice: {}", ok.stdout);
}

#[test]
fn packs_without_a_decision_give_no_verdict() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("root");
    decision_pack(tmp.path(), false);
    std::fs::write(tmp.path().join("a.lync.kdl"), "mainframe #true\n").expect("env");
    let out = crate::common::run_in(tmp.path(), &["check", "--no-builtin", "--policies", "pack"], None);
    assert_eq!(out.code, 1, "the error finding still fails: {}", out.stdout);
    assert!(out.stdout.contains("a.lync.kdl: no verdict (the loaded packs declare no decision)"), "{}", out.stdout);
    let out =
        crate::common::run_in(tmp.path(), &["check", "--no-builtin", "--policies", "pack", "--target", "x"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the loaded packs declare no target"), "{}", out.stderr);
}

#[test]
fn the_builtin_pack_declares_lync_online() {
    let packs = crate::common::builtin();
    let d = packs.decision().expect("a decision");
    assert_eq!((d.option.as_str(), d.option_name.as_str()), ("online", "Lync Online"));
    assert_eq!(packs.verdict_names(), ["online-ruled-out", "online-viable"]);
    assert_eq!(packs.target_choices(), ["online", "on-premises", "hybrid"]);
}
