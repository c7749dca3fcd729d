//! The configuration file (SPEC §6), rule severity overrides, and baselines.

use std::path::Path;

use crate::common::run_in;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

const VOICE: &str = "voice {\n    call-park #true\n}\nfederation {\n    xmpp \"gmail.com\"\n}\n";

#[test]
fn include_and_exclude_select_nested_files_relative_to_the_config() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("repo root");
    write(
        tmp.path(),
        &[
            ("lync-lint.kdl", "include \"envs/**/*.kdl\"\nexclude \"envs/legacy/**\"\n"),
            ("envs/a/one.kdl", ""),
            ("envs/b/deep/two.kdl", ""),
            ("envs/legacy/old.kdl", "broken {"),
            ("other.lync.kdl", "broken {"),
        ],
    );
    let out = run_in(tmp.path(), &["check"], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("checked 2 files"), "{}", out.stdout);
    assert!(out.stdout.contains("envs/a/one.kdl") && out.stdout.contains("envs/b/deep/two.kdl"));
    // Discovered from a subdirectory, with paths still relative to the config's directory.
    let out = run_in(&tmp.path().join("envs/b"), &["check", "."], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("checked 1 file"), "{}", out.stdout);
    // --no-config falls back to `*.lync.kdl`.
    let out = run_in(tmp.path(), &["check", "--no-config"], None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("other.lync.kdl"));
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), &[("lync-lint.kdl", "rule \"no/such-rule\" severity=\"off\"\n"), ("repo/e.lync.kdl", "")]);
    std::fs::create_dir(tmp.path().join("repo/.git")).expect("repo root");
    let out = run_in(&tmp.path().join("repo"), &["check"], None);
    assert_eq!(out.code, 0, "the config above the repository is not used: {}", out.stderr);
}

#[test]
fn severity_overrides_including_off() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("repo root");
    write(
        tmp.path(),
        &[
            (
                "lync-lint.kdl",
                "rule \"enterprise-voice/call-park\" severity=\"warning\"\nrule \"federation/xmpp\" severity=\"off\"\n",
            ),
            ("e.lync.kdl", VOICE),
        ],
    );
    let out = run_in(tmp.path(), &["check"], None);
    assert_eq!(out.code, 0, "call-park is a warning now: {}", out.stdout);
    assert!(out.stdout.contains("⚠ `call-park` is enabled"), "{}", out.stdout);
    assert!(!out.stdout.contains("federation/xmpp"), "an `off` rule takes no part: {}", out.stdout);
    assert!(out.stdout.contains("online-viable"), "the verdict uses the configured severity");
    let out = run_in(tmp.path(), &["check", "--deny-warnings"], None);
    assert_eq!(out.code, 1);
}

#[test]
fn config_mistakes_are_diagnostics_with_spans() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("repo root");
    write(
        tmp.path(),
        &[
            ("lync-lint.kdl", "exclud \"x/**\"\nrule \"federation/xmp\" severity=\"off\"\nformat \"jsn\"\n"),
            ("e.lync.kdl", ""),
        ],
    );
    let out = run_in(tmp.path(), &["check"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("config::unknown-field"), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean `exclude`?"), "{}", out.stderr);
    assert!(out.stderr.contains("lync-lint.kdl:1:1"), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean `json`?"), "{}", out.stderr);
    // Unknown rule ids are checked once the packs are loaded.
    write(tmp.path(), &[("lync-lint.kdl", "rule \"federation/xmp\" severity=\"off\"\n")]);
    let out = run_in(tmp.path(), &["check"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("config::unknown-rule"), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean `federation/xmpp`?"), "{}", out.stderr);
    let out = run_in(tmp.path(), &["check", "--config", "missing.kdl"], None);
    assert_eq!(out.code, 2);
}

#[test]
fn show_config_names_the_origin_of_each_value() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("repo root");
    write(
        tmp.path(),
        &[("lync-lint.kdl", "// settings\ntarget \"on-premises\"\nrule \"federation/xmpp\" severity=\"off\"\n")],
    );
    let out = run_in(tmp.path(), &["check", "--show-config"], None);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("target: on-premises (") && out.stdout.contains("lync-lint.kdl:2)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("rule: federation/xmpp = off (") && out.stdout.contains("lync-lint.kdl:3)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("include: *.lync.kdl (default)"), "{}", out.stdout);
}

#[test]
fn a_baseline_survives_lines_inserted_above_and_reports_fixed_findings() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("repo root");
    write(tmp.path(), &[("e.lync.kdl", VOICE)]);
    let out = run_in(tmp.path(), &["check", "--write-baseline", "baseline.json"], None);
    assert_eq!(out.code, 1);
    let recorded = std::fs::read_to_string(tmp.path().join("baseline.json")).expect("written");
    assert!(recorded.contains("\"path\": \"voice/call-park\""), "{recorded}");
    assert!(recorded.contains("\"path\": \"federation/xmpp[1]\""), "{recorded}");

    // Unrelated lines above: nothing new.
    write(tmp.path(), &[("e.lync.kdl", &format!("// a comment\norganization \"Contoso\"\n\n{VOICE}"))]);
    let out = run_in(tmp.path(), &["check", "--baseline", "baseline.json"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("baseline: 2 known finding(s) not shown, 0 fixed since"), "{}", out.stdout);

    // A new need is reported; a removed one is reported as fixed.
    write(tmp.path(), &[("e.lync.kdl", "voice {\n    call-park #true\n    response-groups #true\n}\n")]);
    let out = run_in(tmp.path(), &["check", "--baseline", "baseline.json"], None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("enterprise-voice/response-groups"), "{}", out.stdout);
    assert!(!out.stdout.contains("× `call-park`"), "{}", out.stdout);
    assert!(out.stdout.contains("fixed: `federation/xmpp` in e.lync.kdl at federation/xmpp[1]"), "{}", out.stdout);
    write(tmp.path(), &[("bad.json", "{}")]);
    assert_eq!(run_in(tmp.path(), &["check", "e.lync.kdl", "--baseline", "bad.json"], None).code, 2);
}

/// Suppression happens in one place, before the verdict: a baselined finding is gone from
/// every output, the verdict and `ruled_out_by` included, and recording a new baseline while
/// applying one keeps the hidden findings.
#[test]
fn a_baseline_applies_before_the_verdict_in_every_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("repo root");
    write(tmp.path(), &[("e.lync.kdl", VOICE)]);
    assert_eq!(run_in(tmp.path(), &["check", "--write-baseline", "baseline.json"], None).code, 1);
    let out = run_in(tmp.path(), &["check", "--format", "json", "--baseline", "baseline.json"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let file = &doc["files"][0];
    assert_eq!(file["diagnostics"].as_array().map(Vec::len), Some(0), "{file}");
    assert_eq!(file["verdict"], "online-viable", "{file}");
    assert!(file["ruled_out_by"].as_array().is_none_or(Vec::is_empty), "{file}");
    let out = run_in(tmp.path(), &["check", "--baseline", "baseline.json", "--write-baseline", "again.json"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let before = std::fs::read_to_string(tmp.path().join("baseline.json")).expect("first");
    let again = std::fs::read_to_string(tmp.path().join("again.json")).expect("second");
    assert_eq!(before, again, "the hidden findings are recorded again");
}
