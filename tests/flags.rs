//! The command line ruff users expect (SPEC §7, §8): selection, rule levels, exit-zero,
//! statistics, concise and GitLab output, and diagnostics in source order.

use crate::common::{run, run_in};

fn tmp_env(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("root");
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).expect("write");
    }
    tmp
}

const VOICE: &str = "organization \"O\" users=100\nvoice {\n    call-park #true\n    response-groups #true\n}\nfederation {\n    xmpp \"x.example\"\n}\nmanagement {\n    policies \"ful\"\n}\n";

fn codes(out: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    doc["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn select_and_ignore_take_codes_prefixes_and_comma_lists() {
    let tmp = tmp_env(&[("e.lync.kdl", &VOICE.replace("\"ful\"", "\"full\""))]);
    let check = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("e.lync.kdl");
        run_in(tmp.path(), &all, None)
    };
    let out = check(&["--select", "enterprise-voice/"]);
    assert_eq!(codes(&out.stdout), ["enterprise-voice/call-park", "enterprise-voice/response-groups"]);
    let out = check(&["--select", "enterprise-voice/,federation/xmpp", "--ignore", "enterprise-voice/call-park"]);
    assert_eq!(codes(&out.stdout), ["enterprise-voice/response-groups", "federation/xmpp"], "ignore wins");
    let out = check(&["--select", "federation/", "--select", "control/full-policy-control"]);
    assert_eq!(codes(&out.stdout), ["federation/xmpp", "control/full-policy-control"], "repeatable, in source order");
    // A rule that is not selected does not run: no part in the verdict or the exit code.
    let out = check(&["--ignore", "enterprise-voice/,federation/,control/"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(doc["files"][0]["verdict"], "online-viable");
}

#[test]
fn unknown_codes_and_prefixes_exit_2_with_a_did_you_mean() {
    let tmp = tmp_env(&[("e.lync.kdl", VOICE)]);
    for (flag, bad, hint) in [
        ("--select", "enterprise-voic/", "did you mean `enterprise-voice/`?"),
        ("--ignore", "schema:value", "did you mean `schema::value`?"),
        ("--rule", "enterprise-voice/call-prk=off", "did you mean `enterprise-voice/call-park`?"),
        ("--rule", "enterprise-voice/call-park=eror", "did you mean `error`?"),
    ] {
        let out = run_in(tmp.path(), &["check", flag, bad, "e.lync.kdl"], None);
        assert_eq!(out.code, 2, "{flag} {bad}: {}", out.stderr);
        assert!(out.stderr.contains(hint), "{flag} {bad}: {}", out.stderr);
    }
}

#[test]
fn the_configuration_selects_too_and_the_flags_win() {
    let tmp = tmp_env(&[
        ("e.lync.kdl", &VOICE.replace("\"ful\"", "\"full\"")),
        (
            "lync-lint.kdl",
            "select \"federation/\" \"enterprise-voice/\"\nignore \"enterprise-voice/call-park\"\nrule \"federation/xmpp\" severity=\"warning\"\n",
        ),
    ]);
    let out = run_in(tmp.path(), &["check", "--format", "json", "e.lync.kdl"], None);
    assert_eq!(codes(&out.stdout), ["enterprise-voice/response-groups", "federation/xmpp"]);
    let out = run_in(tmp.path(), &["check", "--format", "json", "--ignore", "federation/", "e.lync.kdl"], None);
    assert_eq!(
        codes(&out.stdout),
        ["enterprise-voice/call-park", "enterprise-voice/response-groups"],
        "--ignore replaces the config's"
    );
    // --rule overrides the configuration's rule.
    let out = run_in(tmp.path(), &["check", "--format", "json", "--rule", "federation/xmpp=error", "e.lync.kdl"], None);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let xmpp = doc["files"][0]["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .find(|d| d["code"] == "federation/xmpp")
        .cloned()
        .expect("xmpp");
    assert_eq!(xmpp["severity"], "error");
    let shown = run_in(tmp.path(), &["check", "--show-config", "--ignore", "schema::"], None).stdout;
    let line = |prefix: &str| shown.lines().find(|l| l.starts_with(prefix)).unwrap_or_default().to_owned();
    assert!(line("select: federation/ (").ends_with("lync-lint.kdl:1)"), "{shown}");
    assert_eq!(line("ignore: "), "ignore: schema:: (command line)", "{shown}");
    assert!(line("rule: federation/xmpp = warning (").ends_with("lync-lint.kdl:3)"), "{shown}");
    let bad = tmp_env(&[("e.lync.kdl", VOICE), ("lync-lint.kdl", "select \"federaton/\"\n")]);
    let out = run_in(bad.path(), &["check", "e.lync.kdl"], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("config::unknown-code") && out.stderr.contains("did you mean `federation/`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn rule_levels_and_exit_zero() {
    let tmp = tmp_env(&[("e.lync.kdl", &VOICE.replace("\"ful\"", "\"full\""))]);
    let args =
        ["check", "--rule", "enterprise-voice/call-park=off", "--rule", "enterprise-voice/response-groups=advice"];
    let out = run_in(tmp.path(), &[&args[..], &["--format", "json", "e.lync.kdl"]].concat(), None);
    let c = codes(&out.stdout);
    assert!(!c.contains(&"enterprise-voice/call-park".to_owned()), "{c:?}");
    assert!(out.stdout.contains("\"severity\": \"advice\""));
    let out = run_in(tmp.path(), &["check", "--exit-zero", "e.lync.kdl"], None);
    assert_eq!(out.code, 0, "errors are reported but the exit is 0: {}", out.stdout);
    assert!(out.stdout.contains("errors"));
    let out = run_in(tmp.path(), &["check", "--exit-zero", "missing.lync.kdl"], None);
    assert_eq!(out.code, 2, "tool failures still exit 2");
}

#[test]
fn statistics_count_codes_most_frequent_first() {
    let out = run(&["check", "--statistics", "fixtures/"]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(!out.stdout.contains('×') && !out.stdout.contains("checked"), "no diagnostics, no summary: {}", out.stdout);
    let counts: Vec<usize> =
        lines.iter().map(|l| l.split_whitespace().next().and_then(|n| n.parse().ok()).expect("count")).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{}", out.stdout);
    assert!(
        lines.iter().any(|l| l.contains("error")
            && l.contains("enterprise-voice/pbx-replacement")
            && l.contains("Replacing the PBX")),
        "{}",
        out.stdout
    );
    let json = run(&["check", "--statistics", "--format", "json", "fixtures/"]);
    let stats: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let first = &stats[0];
    assert_eq!(first["count"].as_u64(), Some(counts[0] as u64));
    for key in ["code", "count", "severity", "title"] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    let total: u64 = stats.as_array().expect("array").iter().map(|s| s["count"].as_u64().unwrap_or(0)).sum();
    assert_eq!(usize::try_from(total).ok(), Some(counts.iter().sum::<usize>()));
}

#[test]
fn concise_lines_are_file_line_col_severity_code_message() {
    let out = run(&["check", "--format", "concise", "fixtures/contact-centre.lync.kdl"]);
    let diag_lines: Vec<&str> = out.stdout.lines().take_while(|l| !l.starts_with("checked ")).collect();
    assert!(diag_lines.len() >= 5, "{}", out.stdout);
    let mut last = (0, 0);
    for l in &diag_lines {
        let (file, rest) = l.split_once(':').expect("FILE:");
        assert_eq!(file, "fixtures/contact-centre.lync.kdl");
        let mut parts = rest.splitn(3, ':');
        let line: usize = parts.next().and_then(|n| n.parse().ok()).expect("LINE");
        let col: usize = parts.next().and_then(|n| n.parse().ok()).expect("COL");
        let tail = parts.next().expect("rest").trim_start();
        let mut words = tail.splitn(3, ' ');
        assert!(matches!(words.next(), Some("error" | "warning" | "advice")), "{l}");
        assert!(words.next().is_some_and(|c| c.contains('/') || c.contains("::")), "{l}");
        assert!(words.next().is_some_and(|m| !m.is_empty()), "{l}");
        assert!((line, col) >= last, "source order: {l}");
        last = (line, col);
    }
    assert!(out.stdout.contains("checked 1 file"), "then the summary");
}

#[test]
fn diagnostics_come_in_source_order_in_every_format() {
    let out = run(&["check", "--format", "json", "fixtures/contact-centre.lync.kdl"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let at: Vec<(u64, u64)> = doc["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| (d["line"].as_u64().expect("line"), d["column"].as_u64().expect("column")))
        .collect();
    assert!(at.len() >= 5 && at.windows(2).all(|w| w[0] <= w[1]), "{at:?}");
    let github = run(&["check", "--format", "github", "fixtures/contact-centre.lync.kdl"]).stdout;
    let lines: Vec<u64> = github
        .lines()
        .filter_map(|l| l.split("line=").nth(1))
        .filter_map(|l| l.split(',').next()?.parse().ok())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{github}");
}

#[test]
fn gitlab_code_quality_has_the_fields_gitlab_documents() {
    let tmp = tmp_env(&[("e.lync.kdl", VOICE)]);
    std::fs::create_dir(tmp.path().join("envs")).expect("dir");
    std::fs::write(tmp.path().join("envs/a.lync.kdl"), VOICE.replace("\"ful\"", "\"full\"")).expect("write");
    let out = run_in(tmp.path(), &["check", "--format", "gitlab", "envs/a.lync.kdl"], None);
    let issues: serde_json::Value = serde_json::from_str(&out.stdout).expect("json array");
    let issues = issues.as_array().expect("array");
    assert!(issues.len() >= 3);
    let mut prints = std::collections::HashSet::new();
    for i in issues {
        assert!(i["description"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(i["check_name"].as_str().is_some());
        assert!(matches!(i["severity"].as_str(), Some("info" | "minor" | "major" | "critical" | "blocker")));
        assert_eq!(i["location"]["path"], "envs/a.lync.kdl", "relative to the working directory");
        assert!(i["location"]["lines"]["begin"].as_u64().is_some_and(|l| l >= 1));
        assert!(prints.insert(i["fingerprint"].as_str().expect("fingerprint").to_owned()), "unique: {i}");
    }
    // Lines moved: the same fingerprints.
    std::fs::write(
        tmp.path().join("envs/a.lync.kdl"),
        format!("// a new comment\n\n{}", VOICE.replace("\"ful\"", "\"full\"")),
    )
    .expect("write");
    let moved: serde_json::Value =
        serde_json::from_str(&run_in(tmp.path(), &["check", "--format", "gitlab", "envs/a.lync.kdl"], None).stdout)
            .expect("json");
    let again: std::collections::HashSet<String> =
        moved.as_array().expect("array").iter().map(|i| i["fingerprint"].as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(again, prints);
    // Both formats also as --report files.
    let out = run_in(
        tmp.path(),
        &["check", "--report", "gitlab=cq.json", "--report", "concise=out.txt", "envs/a.lync.kdl"],
        None,
    );
    assert_eq!(out.code, 1);
    let cq: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("cq.json")).expect("cq")).expect("json");
    assert_eq!(cq.as_array().map(Vec::len), Some(issues.len()));
    assert!(std::fs::read_to_string(tmp.path().join("out.txt")).expect("concise").starts_with("envs/a.lync.kdl:"));
}

#[test]
fn fix_repairs_the_typos_fixture_and_leaves_the_rest_reported() {
    let typos = std::fs::read_to_string("fixtures/typos.lync.kdl").expect("fixture");
    let tmp = tmp_env(&[("t.lync.kdl", &typos)]);
    let before = run_in(tmp.path(), &["check", "--format", "json", "t.lync.kdl"], None);
    let n_before = codes(&before.stdout).len();
    // --diff: a unified diff on stdout and nothing else; the file is untouched; exit 1.
    let diff = run_in(tmp.path(), &["check", "--diff", "t.lync.kdl"], None);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(diff.stdout.starts_with("--- t.lync.kdl\n+++ t.lync.kdl\n@@"), "{}", diff.stdout);
    for (old, new) in [
        ("pbx-replacment #true", "pbx-replacement #true"),
        ("contry=", "country="),
        ("\"ful\"", "\"full\""),
        ("call-park \"yes\"", "call-park #true"),
    ] {
        assert!(diff.stdout.contains(&format!("-{}", typos.lines().find(|l| l.contains(old)).expect("line"))), "{old}");
        assert!(diff.stdout.lines().any(|l| l.starts_with('+') && l.contains(new)), "{new}: {}", diff.stdout);
    }
    assert!(!diff.stdout.contains("checked"), "nothing else on stdout");
    assert_eq!(std::fs::read_to_string(tmp.path().join("t.lync.kdl")).expect("read"), typos, "--diff writes nothing");
    // --fix: written in place; what remains is reported; comments and the rest byte-identical.
    let fixed = run_in(tmp.path(), &["check", "--fix", "t.lync.kdl"], None);
    assert!(fixed.stdout.contains("fixed 4 problems in 1 file"), "{}", fixed.stdout);
    let after = std::fs::read_to_string(tmp.path().join("t.lync.kdl")).expect("read");
    assert_ne!(after, typos);
    assert_eq!(after.lines().count(), typos.lines().count());
    for (a, b) in typos.lines().zip(after.lines()) {
        let touched = ["pbx-replacment", "contry=", "\"ful\"", "call-park \"yes\""].iter().any(|t| a.contains(t));
        if !touched {
            assert_eq!(a, b, "only the fixes' spans change");
        }
    }
    let remaining = run_in(tmp.path(), &["check", "--format", "json", "t.lync.kdl"], None);
    assert_eq!(codes(&remaining.stdout).len(), n_before - 4, "{}", remaining.stdout);
    // Fixing twice changes nothing the second time.
    let again = run_in(tmp.path(), &["check", "--fix", "t.lync.kdl"], None);
    assert!(!again.stdout.contains("fixed"), "{}", again.stdout);
    assert_eq!(std::fs::read_to_string(tmp.path().join("t.lync.kdl")).expect("read"), after);
    let clean_diff = run_in(tmp.path(), &["check", "--diff", "t.lync.kdl"], None);
    assert_eq!((clean_diff.code, clean_diff.stdout.as_str()), (0, ""), "no fix left: exit 0, no diff");
    // The concise format's summary is on stdout too: the count of fixes follows it there.
    std::fs::write(tmp.path().join("t.lync.kdl"), &typos).expect("write");
    let concise = run_in(tmp.path(), &["check", "--fix", "--format", "concise", "t.lync.kdl"], None);
    assert!(concise.stdout.ends_with("fixed 4 problems in 1 file\n"), "{}", concise.stdout);
    assert!(!concise.stderr.contains("fixed"), "{}", concise.stderr);
    // Elsewhere it goes to stderr, a line of its own with no blank line after it.
    std::fs::write(tmp.path().join("t.lync.kdl"), &typos).expect("write");
    let json = run_in(tmp.path(), &["check", "--fix", "--format", "json", "t.lync.kdl"], None);
    assert!(
        json.stderr.ends_with("\nfixed 4 problems in 1 file\n") || json.stderr == "fixed 4 problems in 1 file\n",
        "{:?}",
        json.stderr
    );
}

#[test]
fn fix_on_standard_input_prints_the_fixed_text_alone() {
    let tmp = tmp_env(&[]);
    let out = run_in(
        tmp.path(),
        &["check", "--fix", "-", "--stdin-filename", "s.lync.kdl"],
        Some("voice {\n    call-prak true\n}\n"),
    );
    assert_eq!(out.stdout, "voice {\n    call-park #true\n}\n", "stdout: the fixed text alone");
    assert!(
        out.stderr.contains("enterprise-voice/call-park") && out.stderr.contains("fixed 2 problems in 1 file"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 1, "what remains is an error finding");
}
