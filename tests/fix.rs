//! The safe fixes of SPEC §7.1 through the binary crate's `fix` module, as `check --fix` and
//! `--diff` use it: the typos fixture, atomic writes that lose nothing (a file changed
//! meanwhile, permissions, links, byte order marks, line endings, a crash before the rename),
//! diffs, and properties on generated files (the fixed text parses, has no more problems,
//! and a second run changes nothing; v1 rewrites keep every value, by the `kdl` crate's v1
//! parser).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lync_lint::fix::{self, FixOutcome, FixSummary, Written};
use lync_lint_core::diag::SourceFile;
use lync_lint_core::engine::{CheckOptions, FileReport};
use lync_lint_core::pack::PackSet;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

use crate::common::builtin;

fn packs() -> &'static PackSet {
    static PACKS: OnceLock<PackSet> = OnceLock::new();
    PACKS.get_or_init(builtin)
}

fn opts() -> CheckOptions {
    lync_lint::settings::check_options()
}

fn check(name: &str, text: &str) -> FileReport {
    lync_lint_core::engine::check(SourceFile::new(name, text), packs(), &opts())
}

fn codes(r: &FileReport) -> Vec<&str> {
    r.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn typos() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/typos.lync.kdl")).expect("fixture")
}

/// A copy of `text` as `name` in a new temporary directory.
fn copy(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    fs::write(&path, text).expect("write");
    (dir, path)
}

/// Reads, checks and fixes `path` as `check --fix` does.
fn fix_path(path: &Path) -> FixOutcome {
    let text = fs::read_to_string(path).expect("read");
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    fix::fix_file(path, &check("env.lync.kdl", text), packs(), &opts()).expect("fixes")
}

/// The other files of a directory: no temporary file is left behind.
fn others(dir: &Path, name: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != name)
        .collect();
    names.sort();
    names
}

#[test]
fn the_typos_fixture_gets_its_fixable_mistakes_fixed_and_the_rest_reported() {
    let original = typos();
    let (dir, path) = copy("typos.lync.kdl", &original);
    let FixOutcome::Fixed(f) = fix_path(&path) else { panic!("the fixture has fixes") };
    let expected = original
        .replacen("pbx-replacment #true", "pbx-replacement #true", 1)
        .replacen("contry=\"US\"", "country=\"US\"", 1)
        .replacen("call-park \"yes\"", "call-park #true", 1)
        .replacen("policies \"ful\"", "policies \"full\"", 1);
    assert_ne!(expected, original);
    assert_eq!(fs::read_to_string(&path).expect("read"), expected, "only the four tokens change");
    assert_eq!(f.text, expected);
    assert_eq!(f.fixes, 4);
    let left = codes(&f.report);
    assert_eq!(left, codes(&check("typos.lync.kdl", &expected)), "the report is the fixed text's");
    for code in ["schema::arity", "schema::value", "schema::duplicate", "schema::type", "schema::unknown-node"] {
        assert!(left.contains(&code), "`{code}` is still reported: {left:?}");
    }
    let unknown: Vec<String> = f.report.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(unknown.iter().any(|m| m.contains("`enabled`")), "no fix for a node that has no place: {unknown:?}");
    assert!(!unknown.iter().any(|m| m.contains("pbx-replacment") || m.contains("contry")), "{unknown:?}");
    assert!(others(dir.path(), "typos.lync.kdl").is_empty(), "no temporary file left");
    let mut summary = FixSummary::default();
    summary.add(&FixOutcome::Fixed(f));
    assert_eq!(summary.summary().as_deref(), Some("fixed 4 problems in 1 file\n"));
    assert!(matches!(fix_path(&path), FixOutcome::Clean), "fixing twice changes nothing");
}

#[test]
fn a_diff_shows_the_fixes_and_writes_nothing() {
    let original = typos();
    let (_dir, path) = copy("typos.lync.kdl", &original);
    let report = check("typos.lync.kdl", &original);
    let f = fix::fixed(&report, packs(), &opts()).expect("fixes");
    let diff = fix::diff("typos.lync.kdl", &original, &f.text);
    assert_eq!(fs::read_to_string(&path).expect("read"), original, "nothing written");
    assert!(diff.starts_with("--- typos.lync.kdl\n+++ typos.lync.kdl\n@@ -"), "{diff}");
    let removed: Vec<&str> = diff.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).collect();
    let added: Vec<&str> = diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
    assert_eq!(removed.len(), 4, "{diff}");
    assert_eq!(added.len(), 4, "{diff}");
    assert!(added.iter().any(|l| l.contains("policies \"full\"")), "{diff}");
    // Applying the hunks to the original gives the fixed text.
    assert_eq!(apply_unified(&original, &diff), f.text);
    assert_eq!(fix::diff("x", "same\n", "same\n"), "");
    let no_newline = fix::diff("x", "a true", "a #true");
    assert_eq!(
        no_newline,
        "--- x\n+++ x\n@@ -1 +1 @@\n-a true\n\\ No newline at end of file\n+a #true\n\\ No newline at end of file\n"
    );
}

/// Applies a unified diff (as `fix::diff` writes it) to `text`.
fn apply_unified(text: &str, diff: &str) -> String {
    let old: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut at = 0;
    let mut lines = diff.split_inclusive('\n').skip(2).peekable();
    while let Some(header) = lines.next() {
        let start: usize = header[4..].split([',', ' ']).next().and_then(|n| n.parse().ok()).expect("hunk start");
        let start = start.saturating_sub(1);
        out.extend(old[at..start].iter().copied());
        at = start;
        while let Some(l) = lines.next_if(|l| !l.starts_with("@@")) {
            match l.as_bytes()[0] {
                b' ' => {
                    out.push_str(&l[1..]);
                    at += 1;
                }
                b'-' => at += 1,
                b'+' => out.push_str(&l[1..]),
                _ => {}
            }
        }
    }
    out.extend(old[at..].iter().copied());
    out
}

#[test]
fn a_file_changed_since_it_was_read_is_left_alone() {
    let text = "voice {\n    pbx-replacment #true\n}\n";
    let (dir, path) = copy("env.lync.kdl", text);
    let report = check("env.lync.kdl", text);
    let edited = "voice {\n    pbx-replacment #true\n    call-park #true\n}\n";
    fs::write(&path, edited).expect("an editor saves");
    let outcome = fix::fix_file(&path, &report, packs(), &opts()).expect("no error");
    assert!(matches!(outcome, FixOutcome::Changed), "{outcome:?}");
    assert_eq!(fs::read_to_string(&path).expect("read"), edited);
    assert!(others(dir.path(), "env.lync.kdl").is_empty());
    let mut summary = FixSummary::default();
    summary.add(&outcome);
    assert_eq!(summary.summary().as_deref(), Some("1 file changed while checked, not fixed\n"));
    assert_eq!(fix::write(&path, text, "anything").expect("no error"), Written::Changed);
}

#[test]
fn line_endings_comments_and_a_byte_order_mark_are_kept() {
    let text = "\u{FEFF}// keep me\r\nvoice {\r\n    pbx-replacment \"yes\" /* and me */\r\n\r\n}\r\n";
    let (_dir, path) = copy("env.lync.kdl", text);
    assert!(matches!(fix_path(&path), FixOutcome::Fixed(_)));
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        "\u{FEFF}// keep me\r\nvoice {\r\n    pbx-replacement #true /* and me */\r\n\r\n}\r\n"
    );
}

#[cfg(unix)]
#[test]
fn permissions_are_kept_links_stay_links_and_read_only_files_are_not_written() {
    use std::os::unix::fs::PermissionsExt;
    let text = "voice {\n    call-park \"no\"\n}\n";
    let (dir, path) = copy("env.lync.kdl", text);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    assert!(matches!(fix_path(&path), FixOutcome::Fixed(_)));
    assert_eq!(fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o640);

    let link = dir.path().join("link.lync.kdl");
    fs::write(&path, text).expect("write");
    std::os::unix::fs::symlink(&path, &link).expect("symlink");
    assert!(matches!(fix_path(&link), FixOutcome::Fixed(_)));
    assert!(fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(), "still a link");
    assert_eq!(fs::read_to_string(&path).expect("read"), "voice {\n    call-park #false\n}\n", "its target fixed");

    fs::write(&path, text).expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).expect("chmod");
    let err = fix::fix_file(&path, &check("env.lync.kdl", text), packs(), &opts()).expect_err("read-only");
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    assert_eq!(fs::read_to_string(&path).expect("read"), text);
    assert_eq!(others(dir.path(), "env.lync.kdl"), ["link.lync.kdl"], "no temporary file left");
}

#[test]
fn standard_input_gets_the_fixed_text() {
    let report = check("<stdin>", "voice {\n    call-park true\n}\n");
    assert_eq!(codes(&report), ["kdl::syntax"]);
    let f = fix::fixed(&report, packs(), &opts()).expect("a v1 keyword to fix");
    assert_eq!(f.text, "voice {\n    call-park #true\n}\n");
    assert_eq!(codes(&f.report), ["enterprise-voice/call-park"], "what remains: the finding");
    assert!(fix::fixed(&check("<stdin>", &f.text), packs(), &opts()).is_none());
}

/// `lync-lint check --fix` (the test build of the binary, which has the crash hook) is killed
/// between writing the temporary file and the rename, as a crash would kill it.
#[test]
fn a_crash_before_the_rename_leaves_the_original_whole() {
    // Release builds do not have the hook (cargo test builds the binary in the same profile).
    if !cfg!(debug_assertions) {
        return;
    }
    let text = "voice {\n    pbx-replacment #true\n}\n";
    let (dir, path) = copy("env.lync.kdl", text);
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("lync-lint"))
        .args(["check", "--fix", "--no-config"])
        .arg(&path)
        .env(fix::CRASH_BEFORE_RENAME, "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the child runs");
    assert!(!status.success(), "the child was killed before the rename: {status:?}");
    assert_eq!(fs::read_to_string(&path).expect("read"), text, "the original is intact");
    let left = others(dir.path(), "env.lync.kdl");
    assert_eq!(left.len(), 1, "the temporary file of the crashed run: {left:?}");
    let tmp = fs::read_to_string(dir.path().join(&left[0])).expect("read");
    assert_eq!(tmp, "voice {\n    pbx-replacement #true\n}\n", "it was written in full, then the process died");
    let tmp_name = left[0].strip_prefix(".env.lync.kdl.lync-lint-fix.").and_then(|n| n.strip_suffix(".tmp"));
    assert!(tmp_name.is_some(), "hidden, beside the file, not an environment file: {left:?}");
    assert!(matches!(fix_path(&path), FixOutcome::Fixed(_)), "a later run fixes the file");
    assert_eq!(fs::read_to_string(&path).expect("read"), tmp);
}

// ------------------------------------------------------------------ properties

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = &'static str> + Clone {
    select(items)
}

/// A child line of `voice`: known and misspelled needs, with v2, v1 and string booleans.
fn voice_line() -> impl Strategy<Value = String> {
    let name = pick(&[
        "call-park",
        "call-prk",
        "pbx-replacement",
        "pbx-replacment",
        "pstn-calling",
        "pstn-caling",
        "voicemail",
        "vociemail",
        "qos",
        "telepathy",
    ]);
    let value = pick(&["#true", "#false", "true", "false", "\"yes\"", "\"no\"", "\"maybe\"", "1", "null"]);
    let users = pick(&["", " users=10", " user=10", " users=5000", " usrs=\"10\""]);
    (name, value, users).prop_map(|(n, v, u)| format!("{n} {v}{u}"))
}

/// One top-level piece of an environment file (several lines, with `\n` line ends).
fn top_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(voice_line(), 0..5).prop_map(|lines| {
            let body: Vec<String> = lines.iter().map(|l| format!("    {l}\n")).collect();
            format!("voice {{\n{}}}\n", body.concat())
        }),
        (
            pick(&["site", "stie"]),
            pick(&["\"HQ\"", "HQ", "r\"HQ\""]),
            pick(&["country", "contry", "cuntry"]),
            pick(&["\"US\"", "US", "\"us\""])
        )
            .prop_map(|(s, n, c, v)| format!("{s} {n} {c}={v}\n")),
        (pick(&["organization", "organisation"]), pick(&["100", "10", "true"]))
            .prop_map(|(o, u)| format!("{o} \"Acme\" users={u}\n")),
        (pick(&["policies", "polices"]), pick(&["\"ful\"", "\"full\"", "basic", "\"bsic\"", "\"none\"", "true"]))
            .prop_map(|(p, v)| format!("management {{\n    {p} {v}\n}}\n")),
        pick(&["// a comment with true and \"yes\"\n", "/* block true */\n", "\n", "// pbx-replacment\n"])
            .prop_map(str::to_owned),
    ]
}

/// An environment file: pieces, with LF or CRLF line endings.
fn env_file() -> impl Strategy<Value = String> {
    (prop::collection::vec(top_piece(), 0..6), any::<bool>()).prop_map(|(pieces, crlf)| {
        let text = pieces.concat();
        if crlf { text.replace('\n', "\r\n") } else { text }
    })
}

/// The syntax and schema problems of `text` (what fixes address; findings appear once a
/// file's needs are known, so they are not counted).
fn problems(text: &str) -> usize {
    check("env.lync.kdl", text)
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("kdl::") || d.code.starts_with("schema::"))
        .count()
}

proptest! {
    #![proptest_config(config(256))]

    /// The fixed text parses, has no more problems than the file had (a KDL v1 file: than once
    /// it is read as v2 at all), keeps its comments and line endings, and a second run
    /// changes nothing.
    #[test]
    fn fixing_parses_does_not_add_problems_and_converges(text in env_file()) {
        let report = check("env.lync.kdl", &text);
        let fixed = fix::fixed(&report, packs(), &opts());
        let after = fixed.as_ref().map_or(text.as_str(), |f| f.text.as_str());
        prop_assert!(lync_lint_core::parse::parse(after).is_ok(), "does not parse:\n{after}");
        let read = if lync_lint_core::parse::parse(&text).is_ok() {
            text.clone()
        } else {
            lync_lint_core::fix::apply(&text, &lync_lint_core::fix::v1_to_v2(&text))
        };
        prop_assert!(problems(after) <= problems(&read), "more problems after fixing:\n{text}\n---\n{after}");
        for line in text.split_inclusive('\n').filter(|l| l.starts_with("//") || l.starts_with("/*")) {
            prop_assert!(after.contains(line), "comment `{line:?}` lost:\n{after}");
        }
        prop_assert_eq!(after.matches("\r\n").count(), text.matches("\r\n").count());
        prop_assert_eq!(after.matches('\n').count(), text.matches('\n').count());
        if let Some(f) = &fixed {
            let again = check("env.lync.kdl", &f.text);
            prop_assert_eq!(codes(&f.report), codes(&again));
            prop_assert!(fix::fixed(&f.report, packs(), &opts()).is_none(), "a second run fixes more:\n{}", f.text);
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// On the generated environments of `props` (valid KDL v2, every layout, comments and
    /// line endings): no v1 rewrite, and fixing converges.
    #[test]
    fn valid_v2_files_get_no_rewrite(text in crate::props::environment()) {
        prop_assert!(lync_lint_core::fix::v1_to_v2(&text).is_empty(), "{}", text);
        if let Some(f) = fix::fixed(&check("env.lync.kdl", &text), packs(), &opts()) {
            prop_assert!(fix::fixed(&f.report, packs(), &opts()).is_none(), "a second run fixes more:\n{}", f.text);
        }
    }

    /// On anything (mutated environments, KDL-ish garbage): fixing never panics, a file is
    /// fixed only into one that parses, and a second run changes nothing.
    #[test]
    fn any_text_is_fixed_only_into_text_that_parses(
        text in prop_oneof![crate::props::mutated_environment(), crate::props::kdlish()]
    ) {
        let edits = lync_lint_core::fix::v1_to_v2(&text);
        for e in &edits {
            prop_assert!(e.span.end <= text.len() && text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        }
        if let Some(f) = fix::fixed(&check("env.lync.kdl", &text), packs(), &opts()) {
            prop_assert!(lync_lint_core::parse::parse(&f.text).is_ok(), "{:?}\n---\n{:?}", text, f.text);
            prop_assert!(fix::fixed(&f.report, packs(), &opts()).is_none(), "a second run fixes more:\n{:?}", f.text);
        }
    }
}

// ------------------------------------------------------------------ v1 against the kdl crate

/// A KDL v1 value: strings (with `\/` and literal newlines), raw strings, keywords, numbers.
fn v1_value() -> impl Strategy<Value = String> {
    pick(&[
        "true",
        "false",
        "null",
        "\"plain\"",
        "\"a\\/b\"",
        "\"two\nlines\"",
        "\"crlf\r\nline\"",
        "\"tab\\t\\u{E9}\"",
        "r\"raw \\ text\"",
        "r#\"has \"quotes\"\"#",
        "r##\"x\"#y\"##",
        "r\"multi\nline\"",
        "r\"\"",
        "1",
        "-2.5",
        "0x1F",
        "1_000",
    ])
    .prop_map(str::to_owned)
}

/// A KDL v1 name: identifiers v2 reads as they are, and some it must have quoted.
fn v1_name() -> impl Strategy<Value = String> {
    pick(&["node", "call-park", "a#b", "inf", "-inf", "nan", "x.y", "\"quoted name\"", "\"true\"", "über"])
        .prop_map(str::to_owned)
}

/// A KDL v1 document: nodes with annotations, arguments, properties, children and comments.
fn v1_document() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        v1_value(),
        (v1_name(), v1_value()).prop_map(|(n, v)| format!("{n}={v}")),
        (pick(&["u8", "date", "inf"]), v1_value()).prop_map(|(t, v)| format!("({t}){v}")),
    ];
    let node = (
        prop::option::of(pick(&["ty", "a#b"])),
        v1_name(),
        prop::collection::vec(entry, 0..4),
        prop::option::of(prop::collection::vec((v1_name(), v1_value()), 0..3)),
        pick(&["", " // note true", " /* c */"]),
    )
        .prop_map(|(ty, name, entries, children, comment)| {
            let mut s = ty.map_or_else(String::new, |t| format!("({t})"));
            s.push_str(&name);
            for e in entries {
                s.push(' ');
                s.push_str(&e);
            }
            if let Some(children) = children {
                s.push_str(" {\n");
                for (n, v) in children {
                    s.push_str("    ");
                    s.push_str(&n);
                    s.push(' ');
                    s.push_str(&v);
                    s.push('\n');
                }
                s.push('}');
            }
            s.push_str(comment);
            s
        });
    (prop::collection::vec(node, 1..5), any::<bool>()).prop_map(|(nodes, crlf)| {
        let text = nodes.join("\n") + "\n";
        if crlf { text.replace('\n', "\r\n") } else { text }
    })
}

/// A document as comparable data: per node, its annotation, name, entries and children.
fn shape(doc: &kdl::KdlDocument) -> Vec<String> {
    doc.nodes()
        .iter()
        .map(|n| {
            let entries: Vec<String> = n
                .entries()
                .iter()
                .map(|e| {
                    format!(
                        "{:?}|{:?}|{:?}",
                        e.ty().map(kdl::KdlIdentifier::value),
                        e.name().map(kdl::KdlIdentifier::value),
                        e.value()
                    )
                })
                .collect();
            let children = n.children().map(shape);
            format!("{:?}|{}|{entries:?}|{children:?}", n.ty().map(kdl::KdlIdentifier::value), n.name().value())
        })
        .collect()
}

proptest! {
    #![proptest_config(config(256))]

    /// Rewritten v1 documents parse as v2 (by our parser and by the `kdl` crate) to the very
    /// values the `kdl` crate's v1 parser reads.
    #[test]
    fn v1_rewrites_keep_every_value(text in v1_document()) {
        let v1 = kdl::KdlDocument::parse_v1(&text);
        prop_assume!(v1.is_ok(), "not v1 after all: {}", text);
        let v2 = lync_lint_core::fix::apply(&text, &lync_lint_core::fix::v1_to_v2(&text));
        prop_assert!(lync_lint_core::parse::parse(&v2).is_ok(), "ours rejects:\n{v2}");
        let reference = kdl::KdlDocument::parse_v2(&v2);
        prop_assert!(reference.is_ok(), "the kdl crate rejects:\n{v2}");
        prop_assert_eq!(shape(&reference.expect("v2")), shape(&v1.expect("v1")), "{}\n---\n{}", text, v2);
        prop_assert!(lync_lint_core::fix::v1_to_v2(&v2).is_empty(), "a second rewrite:\n{v2}");
    }
}

#[test]
fn the_fixtures_are_v2_and_get_no_rewrite() {
    for name in crate::common::FIXTURES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/{name}.lync.kdl"));
        let text = fs::read_to_string(path).expect("fixture");
        assert_eq!(lync_lint_core::fix::v1_to_v2(&text), [], "{name}");
    }
}

#[test]
fn a_v1_document_with_every_rewrite_reads_the_same() {
    let v1 = "(ty)a#b inf=true null (u8)\"a\\/b\" r\"raw\" r#\"q\"uote\"# \"two\r\nlines\" {\r\n    nan false; -inf 1\r\n}\r\n";
    let reference = kdl::KdlDocument::parse_v1(v1).expect("valid KDL v1");
    let v2 = lync_lint_core::fix::apply(v1, &lync_lint_core::fix::v1_to_v2(v1));
    assert_eq!(
        v2,
        "(ty)\"a#b\" \"inf\"=#true #null (u8)\"a/b\" #\"raw\"# #\"q\"uote\"# \"two\\r\\nlines\" {\r\n    \"nan\" #false; \"-inf\" 1\r\n}\r\n"
    );
    assert_eq!(shape(&kdl::KdlDocument::parse_v2(&v2).expect("valid KDL v2")), shape(&reference));
}
