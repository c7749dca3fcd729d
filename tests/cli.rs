//! The command line: exit codes, discovery, standard input, rules and explain.

use std::path::Path;

use crate::common::{run, run_in};

fn tmp_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    for (name, text) in files {
        let path = tmp.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    tmp
}

#[test]
fn a_viable_file_exits_0_and_names_the_workloads() {
    let out = run(&["check", "fixtures/small-business.lync.kdl"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("online-viable: Lync Online serves"), "{}", out.stdout);
    assert!(out.stdout.contains("instant messaging and presence"), "{}", out.stdout);
}

#[test]
fn a_ruled_out_file_exits_1() {
    let out = run(&["check", "fixtures/contact-centre.lync.kdl"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("server-applications/ucma"));
    assert!(out.stdout.contains("online-ruled-out"));
}

#[test]
fn an_on_premises_target_turns_findings_into_advice() {
    let out = run(&["check", "fixtures/on-premises-declared.lync.kdl"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("0 errors"), "{}", out.stdout);
    assert!(out.stdout.contains("online-ruled-out"), "the verdict does not depend on the target");
    // The flag overrides the file; a file without needs gets `deployment::online-viable`.
    let out = run(&["check", "--target", "on-premises", "fixtures/contact-centre.lync.kdl"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = run(&["check", "--target", "on-premises", "fixtures/small-business.lync.kdl"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("deployment::online-viable"), "{}", out.stdout);
}

#[test]
fn an_online_target_labels_the_target_node() {
    let out = run(&["check", "fixtures/online-but-needs-voice.lync.kdl"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("Lync Online chosen here"), "{}", out.stdout);
}

#[test]
fn the_fixtures_directory_is_walked_in_order() {
    let out = run(&["check", "fixtures/"]);
    assert_eq!(out.code, 1);
    let names = [
        "all-on-premises",
        "bank",
        "contact-centre",
        "european-group",
        "hybrid",
        "multinational",
        "on-premises-declared",
        "online-but-needs-voice",
        "small-business",
        "typos",
        "us-hospital",
    ];
    let summary = out.stdout.split("checked 11 files").nth(1).expect("summary");
    let mut at = 0;
    for n in names {
        let pos = summary[at..].find(n).unwrap_or_else(|| panic!("{n} missing or out of order:\n{summary}"));
        at += pos;
    }
}

#[test]
fn discovery_skips_vcs_and_build_dirs_and_other_files() {
    let tmp = tmp_with(&[
        ("b.lync.kdl", b""),
        ("a/c.lync.kdl", b""),
        ("notes.kdl", b"not an environment"),
        (".git/x.lync.kdl", b"broken {"),
        ("target/y.lync.kdl", b"broken {"),
        ("node_modules/z.lync.kdl", b"broken {"),
    ]);
    let out = run_in(tmp.path(), &["check"], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("checked 2 files"), "{}", out.stdout);
    let a = out.stdout.find("c.lync.kdl").expect("a/c");
    let b = out.stdout.find("b.lync.kdl").expect("b");
    assert!(a < b, "sorted walk: a/ before b.lync.kdl");
    // A file named on the command line is linted whatever its name.
    let out = run_in(tmp.path(), &["check", "notes.kdl"], None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("kdl::syntax") || out.stdout.contains("schema::"), "{}", out.stdout);
}

#[test]
fn no_environment_file_exits_2() {
    let tmp = tmp_with(&[("readme.txt", b"hi")]);
    let out = run_in(tmp.path(), &["check"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no environment file"), "{}", out.stderr);
    let out = run_in(tmp.path(), &["check", "missing.lync.kdl"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
}

#[test]
fn standard_input_is_read_with_a_name() {
    let out = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "--stdin-filename", "env/site.lync.kdl", "-"],
        Some("voice {\n    call-park #true\n}\n"),
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("env/site.lync.kdl:2:5"), "{}", out.stdout);
    assert!(out.stdout.contains("enterprise-voice/call-park"));
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let env: &[u8] = b"voice {\n    pstn-calling #true\n}\n";
    let tmp = tmp_with(&[("x.lync.kdl", env)]);
    assert_eq!(run_in(tmp.path(), &["check"], None).code, 0);
    assert_eq!(run_in(tmp.path(), &["check", "--deny-warnings"], None).code, 1);
}

#[test]
fn binary_and_invalid_utf8_files_get_a_diagnostic() {
    let tmp = tmp_with(&[("bin.lync.kdl", b"\x7fELF\x00\x01\x02"), ("latin1.lync.kdl", b"site \"Z\xfcrich\"\n")]);
    let out = run_in(tmp.path(), &["check"], None);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("source::binary"), "{}", out.stdout);
    assert!(out.stdout.contains("source::encoding"), "{}", out.stdout);
    assert!(out.stdout.contains("offset 7"), "the invalid byte's offset: {}", out.stdout);
}

#[test]
fn quiet_drops_the_summary() {
    let out = run(&["check", "--quiet", "fixtures/small-business.lync.kdl"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
}

#[test]
fn rules_lists_every_rule() {
    let out = run(&["rules"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("41 rules"), "{}", out.stdout);
    let out = run(&["rules", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(doc["rules"].as_array().map(Vec::len), Some(41));
    assert_eq!(doc["rules"][0]["id"], "enterprise-voice/pbx-replacement", "the deployment guide's needs come first");
}

#[test]
fn explain_prints_the_sources_and_suggests_on_typos() {
    let out = run(&["explain", "enterprise-voice/call-park"]);
    assert_eq!(out.code, 0);
    for part in ["## Sources", "https://", "## Example that fires", "waiver \"enterprise-voice/call-park\""] {
        assert!(out.stdout.contains(part), "{part} in:\n{}", out.stdout);
    }
    let out = run(&["explain", "enterprise-voice/call-prak"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean `enterprise-voice/call-park`?"), "{}", out.stderr);
}

#[test]
fn colour_follows_the_flag() {
    let out = run(&["check", "--color", "always", "fixtures/contact-centre.lync.kdl"]);
    assert!(out.stdout.contains("\x1b["), "ANSI colour with --color always");
    let out = run(&["check", "--color", "never", "fixtures/contact-centre.lync.kdl"]);
    assert!(!out.stdout.contains("\x1b["));
    let out = run(&["check", "fixtures/contact-centre.lync.kdl"]);
    assert!(!out.stdout.contains("\x1b["), "auto: stdout is a pipe here");
}

#[test]
fn narrate_prints_sentences() {
    let out = run(&["check", "--narrate", "fixtures/contact-centre.lync.kdl"]);
    assert!(out.stdout.contains("Diagnostic severity: error"), "{}", out.stdout);
    assert!(!out.stdout.contains('╭'));
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(run(&["check", "--target", "cloud"]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
}

#[test]
fn reports_are_written_besides_stdout_and_failures_exit_2() {
    let tmp = tempfile::tempdir().expect("tmp");
    let sarif = tmp.path().join("out.sarif");
    let junit = tmp.path().join("out.xml");
    let out = run(&[
        "check",
        "--format",
        "github",
        "--report",
        &format!("sarif={}", sarif.display()),
        "--report",
        &format!("junit={}", junit.display()),
        "fixtures/contact-centre.lync.kdl",
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.starts_with("::error file=fixtures/contact-centre.lync.kdl,line="), "{}", out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("json");
    assert_eq!(doc["version"], "2.1.0");
    assert!(std::fs::read_to_string(&junit).expect("junit").contains("<testsuites"));
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");
    let out = run(&["check", "--report", "json=/nonexistent-dir/x.json", "fixtures/small-business.lync.kdl"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot write the json report"));
    assert_eq!(run(&["check", "--report", "yaml=x", "fixtures/small-business.lync.kdl"]).code, 2);
    // Two reports in one file: refused before anything is written.
    let two_reports = |json: &std::path::Path, sarif: &std::path::Path, path: &str| {
        let (json, sarif) = (format!("json={}", json.display()), format!("sarif={}", sarif.display()));
        run(&["check", "--report", &json, "--report", &sarif, path])
    };
    let twice = tmp.path().join("twice.json");
    let out = two_reports(&twice, &tmp.path().join(".").join("twice.json"), "fixtures/small-business.lync.kdl");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("` twice; give each report its own file"), "{}", out.stderr);
    assert!(
        !twice.exists()
            && std::fs::read_dir(tmp.path())
                .expect("dir")
                .flatten()
                .all(|e| !e.file_name().to_string_lossy().ends_with(".tmp"))
    );
    // The same file however its directory is written; refused before the files are looked
    // for (the path to check does not exist).
    std::fs::create_dir(tmp.path().join("sub")).expect("mkdir");
    let mut same = vec![tmp.path().join("sub").join("..").join("twice.json")];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(tmp.path(), tmp.path().join("link")).expect("symlink");
        same.push(tmp.path().join("link").join("twice.json"));
    }
    for other in same {
        let out = two_reports(&twice, &other, "no-such-dir");
        assert_eq!(out.code, 2, "{}", out.stderr);
        let expected =
            format!("names one file twice, as `{}` and as `{}`; give each", twice.display(), other.display());
        assert!(
            out.stderr.contains(&expected) && !out.stderr.contains("no-such-dir"),
            "{}: {}",
            other.display(),
            out.stderr
        );
    }
    // Another name in the same directory is another report.
    let other = tmp.path().join("sub").join("..").join("other.sarif");
    let out = two_reports(&twice, &other, "fixtures/small-business.lync.kdl");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(twice.exists() && tmp.path().join("other.sarif").exists());
}

#[test]
fn the_config_format_is_the_default() {
    let tmp = tmp_with(&[("lync-lint.kdl", b"format \"json\"\n"), ("e.lync.kdl", b""), (".git/HEAD", b"")]);
    let out = run_in(tmp.path(), &["check"], None);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json by default");
    assert_eq!(doc["version"], 1);
    let out = run_in(tmp.path(), &["check", "--format", "human"], None);
    assert!(out.stdout.starts_with("checked 1 file"), "{}", out.stdout);
}

#[test]
fn parallel_output_is_identical_to_a_single_threaded_run() {
    // More files than one chunk of the streamed output (256), so chunk boundaries are crossed.
    let tmp = tempfile::tempdir().expect("tmp");
    for i in 0..600 {
        let text = match i % 3 {
            0 => "voice {\n    call-park #true\n}\n".to_owned(),
            1 => format!("organization \"Org {i}\"\ncollaboration {{\n    im-presence #true\n}}\n"),
            _ => "voice {\n    cal-park #true\n}\n".to_owned(),
        };
        std::fs::write(tmp.path().join(format!("env-{i:03}.lync.kdl")), text).expect("write");
    }
    let run_with = |threads: &str, format: &str| {
        let out = assert_cmd::Command::cargo_bin("lync-lint")
            .expect("binary")
            .current_dir(tmp.path())
            .args(["check", "--color", "never", "--format", format])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("runs");
        (out.status.code(), out.stdout)
    };
    for format in ["human", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown"] {
        let single = run_with("1", format);
        assert_eq!(single, run_with("2", format), "{format}: 2 threads");
        assert_eq!(single, run_with("4", format), "{format}: 4 threads");
        let text = String::from_utf8_lossy(&single.1);
        assert!(text.contains("600") && text.len() > 10_000, "{format}: {text}");
    }
}

#[test]
fn completions_survive_a_closed_pipe() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lync-lint"))
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().expect("exits");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "a closed pipe exits quietly: {stderr}");
}

#[test]
fn explain_answers_for_every_engine_code_and_unique_segments() {
    for c in lync_lint_core::codes::CODES {
        let out = run(&["explain", c.code]);
        assert_eq!(out.code, 0, "{}: {}", c.code, out.stderr);
        assert!(out.stdout.starts_with(&format!("# {}: {}", c.code, c.summary)), "{}", out.stdout);
        assert!(out.stdout.contains(c.explanation), "{}", out.stdout);
    }
    // The last segment of a rule id, when it is unique, is the rule.
    let whole = run(&["explain", "enterprise-voice/call-park"]);
    let segment = run(&["explain", "call-park"]);
    assert_eq!(segment.code, 0, "{}", segment.stderr);
    assert_eq!(segment.stdout, whole.stdout);
    // A misspelt code gets a did-you-mean among codes too.
    let out = run(&["explain", "waiver::unsued"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean `waiver::unused`?"), "{}", out.stderr);
}

#[test]
fn explain_refuses_a_segment_several_rules_share() {
    let dir = tmp_with(&[
        ("pack/pack.kdl", b"pack \"acme\" {\n    version \"1.0.0\"\n}\n"),
        (
            "pack/rules.kdl",
            b"policy \"acme-voice/call-park\" {\n    title \"t\"\n    severity \"warning\"\n    when \"top() > voice > call-park\"\n    message \"m\"\n    help \"h\"\n}\n",
        ),
    ]);
    let pack = dir.path().join("pack");
    let out = run(&["explain", "--policies", pack.to_str().expect("utf-8"), "call-park"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("several rules"), "{}", out.stderr);
    assert!(out.stderr.contains("`acme-voice/call-park`") && out.stderr.contains("`enterprise-voice/call-park`"));
}

#[test]
fn every_engine_code_the_fixtures_produce_is_registered() {
    let out = run(&["check", "--format", "json", "fixtures/"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let mut seen = 0;
    for file in doc["files"].as_array().expect("files") {
        for d in file["diagnostics"].as_array().expect("diagnostics") {
            let code = d["code"].as_str().expect("code");
            if code.contains("::") {
                seen += 1;
                assert!(lync_lint_core::codes::lookup(code).is_some(), "`{code}` is not in the registry");
            }
        }
    }
    assert!(seen >= 5, "the fixtures produce engine codes (typos.lync.kdl)");
}
