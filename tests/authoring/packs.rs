//! Broken packs: every mistake of every file is reported in one run, span-accurate, with
//! did-you-mean; duplicate rule ids name both places; the `missing=` condition.

use std::path::Path;

use lync_lint_core::diag::{FileDiagnostics, SourceFile};
use lync_lint_core::engine::check;
use lync_lint_core::pack::PackSource;

use super::write_files;
use crate::common::primary_text;

/// Loads the built-in pack and a pack made of `files`; the (file name, code, spanned text,
/// help) of every diagnostic.
fn broken(files: &[(&str, &str)]) -> Vec<(String, String, String, String)> {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = write_files(&tmp.path().join("p"), files);
    let user = PackSource::from_dir(&dir).expect("readable");
    let errors: Vec<FileDiagnostics> =
        lync_lint::packs::load(&[lync_lint::packs::builtin(), user]).expect_err("broken");
    errors
        .iter()
        .flat_map(|f| {
            let name =
                Path::new(&f.file.name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            f.diagnostics.iter().map(move |d| {
                (name.clone(), d.code.clone(), primary_text(&f.file, d), d.help.clone().unwrap_or_default())
            })
        })
        .collect()
}

const PACK: &str = "pack \"p\" {\n    version \"1.0.0\"\n}\n";
const POLICY_HEAD: &str = "policy \"p/x\" {\n    title \"t\"\n    message \"m\"\n";

fn codes(d: &[(String, String, String, String)]) -> Vec<(&str, &str, &str)> {
    d.iter().map(|(f, c, t, _)| (f.as_str(), c.as_str(), t.as_str())).collect()
}

#[test]
fn every_broken_file_of_a_pack_is_reported_in_one_run() {
    let d = broken(&[
        ("pack.kdl", "pack \"p\" {\n    verison \"1.0.0\"\n}\n"),
        (
            "vocabulary.kdl",
            "vocabulary \"p\" {\n    node \"badge\" {\n        description \"d\"\n        arg \"id\" type=\"strng\"\n    }\n}\n",
        ),
        ("rules.kdl", &format!("{POLICY_HEAD}    when \"top() > voice\"\n    hlep \"h\"\n}}\n")),
    ]);
    assert_eq!(
        codes(&d),
        vec![
            ("pack.kdl", "pack::unknown-field", "verison"),
            ("pack.kdl", "pack::missing-field", "pack"),
            ("vocabulary.kdl", "vocabulary::type", "\"strng\""),
            ("rules.kdl", "policy::unknown-field", "hlep"),
        ]
    );
    let helps: Vec<&str> = d.iter().map(|x| x.3.as_str()).collect();
    assert_eq!(helps[0], "did you mean `version`?");
    assert_eq!(helps[2], "did you mean `string`?");
    assert_eq!(helps[3], "did you mean `help`?");
}

#[test]
fn a_vocabulary_syntax_error_does_not_hide_policy_errors() {
    let d = broken(&[
        ("pack.kdl", PACK),
        ("vocabulary.kdl", "vocabulary \"p\" {\n    node \"badge\" {\n"),
        // `badge` is unknown because the vocabulary did not parse: not reported (no cascade).
        ("rules.kdl", &format!("{POLICY_HEAD}    severity \"eror\"\n    when \"top() > badge\"\n}}\n")),
    ]);
    let c = codes(&d);
    assert!(c.iter().any(|(f, code, _)| *f == "vocabulary.kdl" && *code == "kdl::syntax"), "{c:?}");
    assert!(c.contains(&("rules.kdl", "policy::severity", "\"eror\"")), "{c:?}");
    assert!(!c.iter().any(|(_, code, _)| *code == "policy::unknown-node"), "{c:?}");
    assert!(d.iter().any(|x| x.3 == "did you mean `error`?"));
}

#[test]
fn a_rule_id_defined_in_two_packs_names_both_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = write_files(
        &tmp.path().join("p"),
        &[
            ("pack.kdl", PACK),
            (
                "rules.kdl",
                "policy \"enterprise-voice/call-park\" {\n    title \"t\"\n    message \"m\"\n    when \"top() > voice\"\n}\n",
            ),
        ],
    );
    let user = PackSource::from_dir(&dir).expect("readable");
    let errors = lync_lint::packs::load(&[lync_lint::packs::builtin(), user]).expect_err("duplicate");
    assert_eq!(errors.len(), 1);
    let d = &errors[0].diagnostics[0];
    assert_eq!(d.code, "policy::duplicate-id");
    assert_eq!(primary_text(&errors[0].file, d), "\"enterprise-voice/call-park\"");
    let builtin = lync_lint::packs::load(&[lync_lint::packs::builtin()]).expect("loads");
    let first = builtin.policy("enterprise-voice/call-park").expect("exists");
    let file = &builtin.files[first.file];
    let line = file.text[..first.id_span.start].matches('\n').count() + 1;
    let there = format!("`{}:{line}` (pack `lync-2013`)", file.name);
    let here = format!("`{}:1` (pack `p`)", dir.join("rules.kdl").display());
    assert_eq!(d.message, format!("rule `enterprise-voice/call-park` is defined twice: in {there} and in {here}"));
}

#[test]
fn a_pack_loaded_twice_is_one_error_not_one_per_rule() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = write_files(
        &tmp.path().join("p"),
        &[("pack.kdl", PACK), ("rules.kdl", &format!("{POLICY_HEAD}    when \"top() > voice\"\n}}\n"))],
    );
    let src = PackSource::from_dir(&dir).expect("readable");
    let errors = lync_lint::packs::load(&[lync_lint::packs::builtin(), src.clone(), src]).expect_err("twice");
    let codes: Vec<&str> = errors.iter().flat_map(|f| f.diagnostics.iter().map(|d| d.code.as_str())).collect();
    assert_eq!(codes, vec!["pack::duplicate-name"]);
}

#[test]
fn policy_mistakes_get_spans_and_suggestions() {
    let d = broken(&[
        ("pack.kdl", PACK),
        (
            "rules.kdl",
            &format!(
                "{POLICY_HEAD}    rules-out \"onlin\"\n    label \"in {{prop:contry}}\"\n    waivable\n    when {{\n        count \"top() > site\" distinct=\"regoin\" missing=\"datacentre\"\n    }}\n}}\n"
            ),
        ),
    ]);
    let got: Vec<(&str, &str, &str)> = d.iter().map(|(_, c, t, h)| (c.as_str(), t.as_str(), h.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("policy::rules-out", "\"onlin\"", "did you mean `online`?"),
            ("policy::unknown-property", "{prop:contry}", "did you mean `{prop:country}`?"),
            ("policy::arity", "waivable", ""),
            ("policy::unknown-property", "\"regoin\"", "did you mean `region`?"),
            ("policy::unknown-property", "\"datacentre\"", "did you mean `datacenter`?"),
        ]
    );
}

#[test]
fn vocabulary_mistakes_get_spans() {
    let vocab = "vocabulary \"p\" {\n    node \"badge\" {\n        description \"d\"\n        prop \"level\" type=\"boolean\" min=1\n        prop \"level\" type=\"string\"\n        arg \"kind\" type=\"integer\" {\n            value \"a\"\n        }\n        descripton \"x\"\n    }\n    node \"badge\" {\n        description \"again\"\n    }\n}\n";
    let d = broken(&[("pack.kdl", PACK), ("vocabulary.kdl", vocab)]);
    let got: Vec<(&str, &str)> = d.iter().map(|(_, c, t, _)| (c.as_str(), t.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("vocabulary::type", "min=1"),
            ("vocabulary::duplicate", "\"level\""),
            ("vocabulary::type", "value"),
            ("vocabulary::unknown-field", "descripton"),
            ("vocabulary::duplicate", "\"badge\""),
        ]
    );
    assert_eq!(d[3].3, "did you mean `description`?");
}

#[test]
fn missing_selects_the_nodes_without_the_property() {
    let acme = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/packs/acme");
    let packs = lync_lint::packs::load(&[lync_lint::packs::builtin(), PackSource::from_dir(&acme).expect("readable")])
        .expect("loads");
    let env = "site \"A\" country=\"US\" datacenter=#true\nsite \"B\" datacenter=#true\nsite \"C\" datacenter=#true\nsite \"D\"\n";
    let r = check(SourceFile::new("e.lync.kdl", env), &packs, &lync_lint::settings::check_options());
    let d = r.diagnostics.iter().find(|d| d.code == "acme/datacenter-country").expect("fires");
    let texts: Vec<String> = d.labels.iter().map(|l| r.file.text[l.span.start..l.span.end].to_owned()).collect();
    assert_eq!(texts, vec!["site \"B\" datacenter=#true", "site \"C\" datacenter=#true"]);
    let ok = "site \"A\" country=\"US\" datacenter=#true\nsite \"D\"\n";
    let r = check(SourceFile::new("e.lync.kdl", ok), &packs, &lync_lint::settings::check_options());
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}
