//! User packs given with `--policies`: conditions, evidence labels, and broken packs.

use std::path::Path;

use lync_lint_core::diag::{FileDiagnostics, SourceFile};
use lync_lint_core::engine::check;
use lync_lint_core::pack::{PackSet, PackSource};

use crate::common::{primary_text, run_in};

const PACK: &str =
    "pack \"acme\" {\n    version \"0.1.0\"\n    description \"ACME's own rules\"\n    as-of \"2026-01-01\"\n}\n";

/// Writes a pack with one policy file into `dir/acme` and returns its path.
fn write_pack(dir: &Path, policies: &str) -> std::path::PathBuf {
    let pack = dir.join("acme");
    std::fs::create_dir_all(&pack).expect("mkdir");
    std::fs::write(pack.join("pack.kdl"), PACK).expect("write");
    std::fs::write(pack.join("rules.kdl"), policies).expect("write");
    pack
}

fn load(dir: &Path) -> Result<PackSet, Vec<FileDiagnostics>> {
    let user = PackSource::from_dir(dir).expect("readable");
    lync_lint::packs::load(&[lync_lint::packs::builtin(), user])
}

const SPREAD: &str = r##"
policy "acme/datacenters-spread" {
    title "Datacenters in several countries without a hybrid plan"
    severity "warning"
    when {
        all {
            count "top() > site[datacenter = #true]" distinct="country" min=2 label="datacenter in `{prop:country}`"
            not { match #"top() > deployment > target[val() = "hybrid"]"# }
        }
    }
    message "datacenters in {count} countries and no hybrid plan"
    label "site `{value}`"
    help "declare `target \"hybrid\"` or consolidate"
}
"##;

#[test]
fn count_distinct_with_all_and_not_labels_every_evidence_node() {
    let tmp = tempfile::tempdir().expect("tmp");
    let packs = load(&write_pack(tmp.path(), SPREAD)).expect("loads");
    let env = "site \"Seattle\" country=\"US\" datacenter=#true\nsite \"Tokyo\" country=\"JP\" datacenter=#true\nsite \"Osaka\" country=\"JP\" datacenter=#true\nsite \"Lima\" country=\"PE\"\n";
    let r = check(SourceFile::new("e.lync.kdl", env), &packs, &lync_lint::settings::check_options());
    let d = r.diagnostics.iter().find(|d| d.code == "acme/datacenters-spread").expect("fires");
    assert_eq!(d.message, "datacenters in 2 countries and no hybrid plan");
    let labels: Vec<&str> = d.labels.iter().filter_map(|l| l.text.as_deref()).collect();
    assert_eq!(labels, vec!["datacenter in `US`", "datacenter in `JP`", "datacenter in `JP`"]);
    assert_eq!(primary_text(&r.file, d), "site \"Seattle\" country=\"US\" datacenter=#true");

    // `not` makes it quiet once the hybrid plan is declared.
    let hybrid = format!("{env}deployment {{\n    target \"hybrid\"\n}}\n");
    let r = check(SourceFile::new("e.lync.kdl", hybrid), &packs, &lync_lint::settings::check_options());
    assert!(r.diagnostics.iter().all(|d| d.code != "acme/datacenters-spread"));

    // One country only: `count ... min=2` is false.
    let one = "site \"Tokyo\" country=\"JP\" datacenter=#true\nsite \"Osaka\" country=\"JP\" datacenter=#true\n";
    let r = check(SourceFile::new("e.lync.kdl", one), &packs, &lync_lint::settings::check_options());
    assert!(r.diagnostics.iter().all(|d| d.code != "acme/datacenters-spread"));
}

#[test]
fn a_user_pack_works_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = write_pack(tmp.path(), SPREAD);
    std::fs::write(
        tmp.path().join("e.lync.kdl"),
        "site \"Seattle\" country=\"US\" datacenter=#true\nsite \"Tokyo\" country=\"JP\" datacenter=#true\n",
    )
    .expect("write");
    let out = run_in(tmp.path(), &["check", "--policies", pack.to_str().expect("utf8"), "e.lync.kdl"], None);
    assert_eq!(out.code, 0, "a warning only: {}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("acme/datacenters-spread"));
    assert!(out.stdout.contains("datacenter in `JP`"));
    let out = run_in(
        tmp.path(),
        &["check", "--deny-warnings", "--policies", pack.to_str().expect("utf8"), "e.lync.kdl"],
        None,
    );
    assert_eq!(out.code, 1);
    let out = run_in(tmp.path(), &["rules", "--policies", pack.to_str().expect("utf8")], None);
    assert!(out.stdout.contains("acme/datacenters-spread"), "{}", out.stdout);
    assert!(out.stdout.contains("42 rules"), "{}", out.stdout);
}

/// Loads a pack holding `policy` and returns its (code, spanned text) diagnostics.
fn broken(policy: &str) -> Vec<(String, String)> {
    let tmp = tempfile::tempdir().expect("tmp");
    let errors = load(&write_pack(tmp.path(), policy)).expect_err("the pack is broken");
    errors.iter().flat_map(|f| f.diagnostics.iter().map(move |d| (d.code.clone(), primary_text(&f.file, d)))).collect()
}

const GOOD_FIELDS: &str = "title \"t\"\n    severity \"error\"\n    message \"m\"\n";

#[test]
fn an_unknown_field_is_reported_with_a_suggestion() {
    let d = broken(&format!("policy \"acme/x\" {{\n    {GOOD_FIELDS}    when \"top() > voice\"\n    hlep \"h\"\n}}\n"));
    assert_eq!(d, vec![("policy::unknown-field".to_owned(), "hlep".to_owned())]);
}

#[test]
fn a_selector_error_points_inside_the_string() {
    let d = broken(&format!("policy \"acme/x\" {{\n    {GOOD_FIELDS}    when \"top() > voice[val( = 1]\"\n}}\n"));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].0, "policy::kql");
    assert!(d[0].1.len() < "top() > voice[val( = 1]".len(), "the span is inside the selector: {:?}", d[0].1);
}

#[test]
fn a_selector_naming_an_unknown_node_is_reported() {
    let d = broken(&format!("policy \"acme/x\" {{\n    {GOOD_FIELDS}    when \"top() > voice > cal-park\"\n}}\n"));
    assert_eq!(d, vec![("policy::unknown-node".to_owned(), "cal-park".to_owned())]);
}

#[test]
fn an_unknown_severity_is_reported() {
    let d = broken(
        "policy \"acme/x\" {\n    title \"t\"\n    severity \"fatal\"\n    message \"m\"\n    when \"top() > voice\"\n}\n",
    );
    assert_eq!(d, vec![("policy::severity".to_owned(), "\"fatal\"".to_owned())]);
    // The help names the severities, or the one it was likely meant to be.
    let help = |severity: &str| {
        let tmp = tempfile::tempdir().expect("tmp");
        let policy = format!(
            "policy \"acme/x\" {{\n    title \"t\"\n    severity \"{severity}\"\n    message \"m\"\n    when \"top() > voice\"\n}}\n"
        );
        let errors = load(&write_pack(tmp.path(), &policy)).expect_err("the pack is broken");
        errors.iter().flat_map(|f| &f.diagnostics).find_map(|d| d.help.clone()).expect("a help")
    };
    assert_eq!(help("fatal"), "severities: `error`, `warning`, `advice`");
    assert_eq!(help("warnin"), "did you mean `warning`?");
}

#[test]
fn a_duplicate_rule_id_across_packs_is_reported() {
    let d =
        broken(&format!("policy \"enterprise-voice/call-park\" {{\n    {GOOD_FIELDS}    when \"top() > voice\"\n}}\n"));
    assert_eq!(d, vec![("policy::duplicate-id".to_owned(), "\"enterprise-voice/call-park\"".to_owned())]);
}

#[test]
fn a_broken_pack_exits_2_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = write_pack(tmp.path(), "policy \"acme/x\" {\n    when \"top() > voice >\"\n}\n");
    std::fs::write(tmp.path().join("e.lync.kdl"), "").expect("write");
    let out = run_in(tmp.path(), &["check", "--policies", pack.to_str().expect("utf8"), "e.lync.kdl"], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("policy::kql"), "{}", out.stderr);
    assert!(out.stderr.contains("rules.kdl"), "names the file: {}", out.stderr);
    let out = run_in(tmp.path(), &["check", "--policies", "no-such-dir", "e.lync.kdl"], None);
    assert_eq!(out.code, 2);
}
