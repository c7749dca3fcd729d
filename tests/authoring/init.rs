//! `lync-lint init`: a starter file generated from the vocabulary that passes `check`.

use std::path::Path;

use lync_lint_core::diag::SourceFile;
use lync_lint_core::engine::check;
use lync_lint_core::pack::{PackSet, PackSource};

use crate::common::{builtin, run_in};

fn init_text(args: &[&str]) -> String {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut all = vec!["init", "-"];
    all.extend_from_slice(args);
    let out = run_in(tmp.path(), &all, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn diagnostics(packs: &PackSet, text: &str) -> Vec<String> {
    let r = check(SourceFile::new("environment.lync.kdl", text), packs, &lync_lint::settings::check_options());
    assert!(r.verdict.is_some(), "no verdict: {:?}", r.diagnostics);
    r.diagnostics.iter().map(|d| d.code.clone()).collect()
}

#[test]
fn init_writes_a_starter_file_that_checks_clean() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = run_in(tmp.path(), &["init"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("wrote `environment.lync.kdl`"), "{}", out.stdout);
    let text = std::fs::read_to_string(tmp.path().join("environment.lync.kdl")).expect("written");
    assert!(diagnostics(&builtin(), &text).is_empty());
    let out = run_in(tmp.path(), &["check", "environment.lync.kdl"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("0 errors, 0 warnings, 0 advice"), "{}", out.stdout);
}

#[test]
fn init_with_a_target_declares_it() {
    let text = init_text(&["--target", "online"]);
    assert!(text.contains("\ndeployment {\n"), "{text}");
    assert!(text.contains("\n    target \"online\"\n"), "{text}");
    assert!(diagnostics(&builtin(), &text).is_empty());
    // Nothing rules Lync Online out yet: the on-premises choice gets the SPEC §4 warning only.
    let text = init_text(&["--target", "on-premises"]);
    assert!(text.contains("\n    target \"on-premises\"\n"), "{text}");
    assert_eq!(diagnostics(&builtin(), &text), vec!["deployment::online-viable"]);
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("mine.lync.kdl"), "organization \"Mine\"\n").expect("write");
    let out = run_in(tmp.path(), &["init", "mine.lync.kdl"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("`mine.lync.kdl` already exists; use `--force`"), "{}", out.stderr);
    let kept = std::fs::read_to_string(tmp.path().join("mine.lync.kdl")).expect("read");
    assert_eq!(kept, "organization \"Mine\"\n");
    let out = run_in(tmp.path(), &["init", "--force", "mine.lync.kdl"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(tmp.path().join("mine.lync.kdl")).expect("read");
    assert!(text.starts_with("// mine.lync.kdl: "), "{text}");
}

#[test]
fn the_starter_describes_every_node_and_allowed_value() {
    let text = init_text(&[]);
    let packs = builtin();
    for (_, n) in packs.vocab.all() {
        assert!(text.contains(&format!("/-{} ", n.name)) || text.contains(&format!("/-{}\n", n.name)), "{}", n.name);
        assert!(text.contains(n.description.as_str()), "{}", n.name);
        for v in n.args.iter().chain(&n.props) {
            for c in &v.choices {
                // Two nodes may allow the same value (`"basic"`): some line describes this one.
                let described = text.lines().any(|l| {
                    l.trim_start_matches(['/', ' ']).starts_with(&format!("\"{}\" ", c.value))
                        && l.ends_with(c.description.as_str())
                });
                assert!(described, "{}: {}", n.name, c.value);
            }
        }
    }
    assert!(text.contains("/-waiver \"RULE\" reason="), "the engine's own nodes too:\n{text}");
}

#[test]
fn uncommenting_everything_gives_a_valid_environment() {
    // The example values are accepted by the vocabulary: a user who deletes every `/-` gets
    // findings, never schema errors.
    let text = init_text(&[]).replace("/-", "");
    let doc = lync_lint_core::parse::parse(&text).expect("valid KDL");
    let schema = lync_lint_core::schema::validate(&doc, &builtin().vocab);
    assert!(schema.is_empty(), "{schema:#?}");
}

#[test]
fn init_includes_the_vocabulary_of_user_packs() {
    let acme = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/packs/acme");
    let text = init_text(&["--policies", acme.to_str().expect("utf-8")]);
    assert!(text.contains("/-data-residency \"eu\""), "{text}");
    assert!(text.contains("acme 1.2.0"), "{text}");
    let packs = lync_lint::packs::load(&[lync_lint::packs::builtin(), PackSource::from_dir(&acme).expect("readable")])
        .expect("loads");
    assert!(diagnostics(&packs, &text).is_empty());
}
