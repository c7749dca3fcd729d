//! Policy authoring: `lync-lint test` (failures, coverage, formats), the ACME user pack,
//! diagnostics of broken packs, and `lync-lint init`.

mod init;
mod packs;

use std::path::{Path, PathBuf};

use crate::common::{run, run_in};

/// Copies the directory `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Writes `files` (path relative to `dir`, text) and returns `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir.to_path_buf()
}

pub const PACK: &str = "pack \"mini\" {\n    version \"0.1.0\"\n}\n";

/// A pack `mini` with one rule (`mini/park`, fires on `call-park #true`) and `tests`.
pub fn mini_pack(dir: &Path, tests: &str) -> PathBuf {
    write_files(
        &dir.join("mini"),
        &[
            ("pack.kdl", PACK),
            (
                "rules.kdl",
                "policy \"mini/park\" {\n    title \"t\"\n    message \"m\"\n    when \"top() > voice > call-park[val() = #true]\"\n}\n",
            ),
            ("t.test.kdl", tests),
        ],
    )
}

const FIRES: &str = "test \"park fires\" {\n    env {\n        voice {\n            call-park #true\n        }\n    }\n    fires \"mini/park\" line=2\n}\n";
const QUIET: &str = "test \"nothing is quiet\" {\n    env {\n    }\n    quiet \"mini/park\"\n}\n";

/// The last non-empty line of `s`.
fn last_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn the_builtin_pack_passes_its_tests_with_full_coverage() {
    let out = run(&["test", "--require-coverage"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("every rule fires in a test and stays quiet in a test"), "{}", out.stdout);
    let last = last_line(&out.stdout);
    let passed: usize = last.strip_suffix(" passed, 0 failed").and_then(|n| n.parse().ok()).unwrap_or(0);
    // 79 tests and 28 examples today; at least two tests per rule and one example each.
    assert!(passed >= 28 * 3, "summary: {last:?}");
}

#[test]
fn a_broken_copy_of_a_builtin_test_fails_with_a_clear_report() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = tmp.path().join("lync-2013");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/lync-2013"), &pack);
    let file = pack.join("tests/enterprise-voice.test.kdl");
    let text = std::fs::read_to_string(&file).expect("read");
    let good = "fires \"enterprise-voice/pbx-replacement\" line=2";
    assert!(text.contains(good), "the test to break is still there");
    std::fs::write(&file, text.replacen(good, "fires \"enterprise-voice/pbx-replacement\" line=3", 1)).expect("write");

    let out = run_in(tmp.path(), &["test", "--no-builtin", "lync-2013"], None);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let s = &out.stdout;
    assert!(s.contains("FAIL `replacing the PBX rules out Lync Online`"), "{s}");
    assert!(s.contains("enterprise-voice.test.kdl:3"), "names the test's place: {s}");
    assert!(s.contains("`enterprise-voice/pbx-replacement` fired on env line 2, not line 3"), "{s}");
    assert!(s.contains("line=3"), "the report shows the expectation's source line: {s}");
    assert!(s.contains("produced for this environment:"), "{s}");
    assert!(s.contains("error enterprise-voice/pbx-replacement (env line 2): "), "{s}");
    assert!(last_line(s).ends_with(" passed, 1 failed"), "{s}");
}

#[test]
fn the_acme_pack_passes_with_full_coverage_of_its_own_rules() {
    let out = run(&["test", "fixtures/packs/acme", "--require-coverage"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("coverage of 4 rules (acme): every rule"), "only ACME's rules count: {}", out.stdout);
    assert_eq!(last_line(&out.stdout), "15 passed, 0 failed", "11 tests and 4 examples");
}

#[test]
fn coverage_gaps_fail_only_with_require_coverage() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = mini_pack(tmp.path(), FIRES);
    let out = run_in(tmp.path(), &["test", path(&pack)], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("coverage of 1 rule (mini): 1 of 1 fire in a test, 0 of 1 stay quiet in a test"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("never quiet: mini/park"), "{}", out.stdout);
    let out = run_in(tmp.path(), &["test", "--require-coverage", path(&pack)], None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(last_line(&out.stdout), "1 passed, 0 failed");

    let pack = mini_pack(tmp.path(), &format!("{FIRES}{QUIET}"));
    let out = run_in(tmp.path(), &["test", "--require-coverage", path(&pack)], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn a_broken_test_file_exits_2_with_spans_and_suggestions() {
    let tmp = tempfile::tempdir().expect("tmp");
    let tests = "test \"typos\" {\n    env {\n        voice {\n            cal-park #true\n        }\n    }\n    fires \"mini/prak\"\n    verdcit \"online-viable\"\n}\n";
    let pack = mini_pack(tmp.path(), tests);
    let out = run_in(tmp.path(), &["test", path(&pack)], None);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let e = &out.stderr;
    for want in [
        "test::unknown-rule",
        "did you mean `mini/park`?",
        "test::unknown-field",
        "did you mean `verdict`?",
        "schema::unknown-node",
        "did you mean `call-park`?",
        "in the environment of test `typos`",
        "t.test.kdl:7:",
        "no test was run",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

#[test]
fn json_and_junit_report_failures_and_coverage() {
    let tmp = tempfile::tempdir().expect("tmp");
    let broken = FIRES.replace("line=2", "line=1");
    let pack = mini_pack(tmp.path(), &format!("{broken}{QUIET}"));
    let out = run_in(tmp.path(), &["test", "--format", "json", path(&pack)], None);
    assert_eq!(out.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(doc["summary"]["failed"], 1);
    assert_eq!(doc["summary"]["passed"], 1, "the other test passes");
    let failure = &doc["tests"][0]["failures"][0];
    assert_eq!(failure["message"], "`mini/park` fired on env line 2, not line 1");
    assert_eq!(failure["line"], 7);
    let produced = failure["produced"].as_array().expect("produced");
    let finding = produced.iter().find(|p| p["code"] == "mini/park").expect("mini/park was produced");
    assert_eq!(finding["env_line"], 2);
    assert!(produced.iter().any(|p| p["code"] == "enterprise-voice/call-park"), "the built-in pack's findings too");
    assert_eq!(doc["coverage"]["never_fired"], serde_json::json!(["mini/park"]), "a failed `fires` covers nothing");

    let out = run_in(tmp.path(), &["test", "--format", "junit", "--require-coverage", path(&pack)], None);
    assert_eq!(out.code, 1);
    let mut reader = quick_xml::Reader::from_str(&out.stdout);
    reader.config_mut().check_end_names = true;
    let (mut cases, mut failures) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match AsRef::<str>::as_ref(&e.name()) {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        (cases, failures),
        (4, 2),
        "two tests and two coverage cases; one failed test, one gap:\n{}",
        out.stdout
    );
}

#[test]
fn filter_runs_only_the_matching_tests() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = mini_pack(tmp.path(), &format!("{FIRES}{QUIET}"));
    let out = run_in(tmp.path(), &["test", "--filter", "quiet", "--require-coverage", path(&pack)], None);
    assert_eq!(out.code, 0, "a filtered run does not enforce coverage: {}", out.stdout);
    assert!(out.stdout.contains("coverage: not computed"), "{}", out.stdout);
    assert_eq!(last_line(&out.stdout), "1 passed, 0 failed");
}

#[test]
fn an_example_that_does_not_fire_fails() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = mini_pack(tmp.path(), &format!("{FIRES}{QUIET}"));
    let rules = "policy \"mini/park\" {\n    title \"t\"\n    message \"m\"\n    when \"top() > voice > call-park[val() = #true]\"\n    example \"voice { call-park #false; }\"\n}\n";
    std::fs::write(pack.join("rules.kdl"), rules).expect("write");
    let out = run_in(tmp.path(), &["test", path(&pack)], None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("FAIL `mini/park (example)`"), "{}", out.stdout);
    assert!(out.stdout.contains("the example of `mini/park` does not make it fire"), "{}", out.stdout);
    assert_eq!(last_line(&out.stdout), "2 passed, 1 failed");
}

#[test]
fn the_acme_pack_checks_environments_next_to_the_builtin_pack() {
    let tmp = tempfile::tempdir().expect("tmp");
    let env =
        "data-residency \"eu\"\nsite \"Frankfurt\" country=\"DE\" datacenter=#true\nsite \"Backup\" datacenter=#true\n";
    write_files(tmp.path(), &[("acme.lync.kdl", env)]);
    let acme = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/packs/acme");
    let out = run_in(tmp.path(), &["check", "--policies", path(&acme), "acme.lync.kdl"], None);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("acme/datacenter-country"), "{}", out.stdout);
    assert!(out.stdout.contains("datacenter site `Backup` does not say which country it is in"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("acme/data-residency"),
        "a site without a country is not outside the EU: {}",
        out.stdout
    );
    // Without the pack, its vocabulary is unknown.
    let out = run_in(tmp.path(), &["check", "acme.lync.kdl"], None);
    assert!(out.stdout.contains("schema::unknown-node"), "{}", out.stdout);
}
