//! The tool's own files under hostile input: a policy pack (`--policies`), a configuration
//! (`lync-lint.kdl`) and pack tests (`*.test.kdl` run by `lync-lint test`). Each problem is
//! reported with the file's name and exit code 2; nothing is checked with a broken setup.

use std::path::Path;

use super::{GOOD, Run, lint, tree};

/// 100,000 levels of children.
fn deep(open: &str) -> Vec<u8> {
    format!("{}{}", format!("{open} {{\n").repeat(100_000), "}\n".repeat(100_000)).into_bytes()
}

/// A copy of the ACME example pack in `dir/pack`, plus `extra` (path in the pack, contents).
fn pack_with(dir: &Path, extra: &[(&str, &[u8])]) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/packs/acme");
    for sub in ["", "rules", "tests"] {
        std::fs::create_dir_all(dir.join("pack").join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(source.join(sub)).expect("read pack").flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), dir.join("pack").join(sub).join(entry.file_name())).expect("copy");
            }
        }
    }
    for (path, contents) in extra {
        std::fs::write(dir.join("pack").join(path), contents).expect("write");
    }
}

fn check_with_pack(extra: &[(&str, &[u8])]) -> Run {
    let tmp = tree(&[("env.lync.kdl", GOOD)]);
    pack_with(tmp.path(), extra);
    lint(tmp.path(), &["check", "--no-config", "--policies", "pack", "env.lync.kdl"])
}

#[test]
fn the_intact_pack_loads() {
    check_with_pack(&[]).expect(0);
}

#[test]
fn a_deeply_nested_policy_or_vocabulary_is_one_clear_error() {
    for (file, node) in [("rules/deep.kdl", "policy"), ("vocabulary.kdl", "vocabulary")] {
        let run = check_with_pack(&[(file, &deep(node))]);
        run.expect(2);
        assert!(run.stderr.contains("nesting too deep"), "{file}: {}", super::clip(&run.stderr));
        assert!(run.stderr.contains(&format!("[pack/{file}:129:")), "{file}: {}", super::clip(&run.stderr));
        assert!(run.stderr.contains("the policy packs have 1 problem(s); nothing was checked"), "{}", run.stderr);
    }
}

#[test]
fn a_policy_file_that_is_not_text_is_refused_with_the_byte_offset() {
    let cases: [(&[u8], &str); 3] = [
        (b"policy \"acme/x\" {\n    title \"caf\xe9\"\n}\n", "not valid UTF-8 (byte 32)"),
        (b"policy \"acme/x\" {\n    title \"a\x00b\"\n}\n", "a NUL byte at byte 30: not a text file"),
        (b"\xEF\xBB\xBF\xff", "not valid UTF-8 (byte 3)"),
    ];
    for (contents, message) in cases {
        let run = check_with_pack(&[("rules/bad.kdl", contents)]);
        run.expect(2);
        assert!(run.stderr.contains(&format!("cannot read `pack/rules/bad.kdl`: {message}")), "{}", run.stderr);
    }
}

#[test]
fn a_byte_order_mark_in_a_pack_file_is_not_a_column() {
    let run = check_with_pack(&[("rules/bom.kdl", b"\xEF\xBB\xBFpolcy \"acme/x\" {\n}\n")]);
    run.expect(2);
    assert!(run.stderr.contains("[pack/rules/bom.kdl:1:1]"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn an_oversized_pack_file_is_refused() {
    let tmp = tree(&[("env.lync.kdl", GOOD)]);
    pack_with(tmp.path(), &[]);
    let big = std::fs::File::create(tmp.path().join("pack/rules/big.kdl")).expect("create");
    big.set_len(200 * 1024 * 1024).expect("sparse");
    let run = lint(tmp.path(), &["check", "--no-config", "--policies", "pack", "env.lync.kdl"]);
    assert!(run.expect(2).stderr.contains("larger than the 16 MiB limit"), "{}", run.stderr);
}

fn check_with_config(config: &[u8]) -> Run {
    let tmp = tree(&[("env.lync.kdl", GOOD), ("lync-lint.kdl", config)]);
    lint(tmp.path(), &["check", "env.lync.kdl"])
}

#[test]
fn a_hostile_configuration_is_reported_and_nothing_is_checked() {
    let run = check_with_config(&deep("include"));
    run.expect(2);
    assert!(run.stderr.contains("nesting too deep") && run.stderr.contains("lync-lint.kdl:129:9]"), "{}", run.stderr);
    assert!(run.stderr.contains("lync-lint.kdl` has mistakes; nothing was checked"), "{}", run.stderr);
    let run = check_with_config(b"format \"j\xf6son\"\n");
    assert!(run.expect(2).stderr.contains("lync-lint.kdl`: not valid UTF-8 (byte 9)"), "{}", run.stderr);
    let run = check_with_config(b"format \"json\"\x00\n");
    assert!(run.expect(2).stderr.contains("a NUL byte at byte 13"), "{}", run.stderr);
    let run = check_with_config(b"\xEF\xBB\xBFformt \"json\"\r\n");
    assert!(run.expect(2).stderr.contains("lync-lint.kdl:1:1]"), "{}", run.stderr);
    // A byte order mark alone, and CRLF line endings, are a valid configuration.
    check_with_config(b"\xEF\xBB\xBF").expect(0);
    let run = check_with_config(b"format \"json\"\r\ntarget \"online\"\r\n");
    assert_eq!(super::json(run.expect(0))["files"][0]["verdict"], "online-viable");
}

fn test_pack(extra: &[(&str, &[u8])]) -> Run {
    let tmp = tree(&[]);
    pack_with(tmp.path(), extra);
    lint(tmp.path(), &["test", "--no-config", "pack"])
}

#[test]
fn hostile_pack_tests_are_reported_and_no_test_runs() {
    test_pack(&[]).expect(0);
    let mut env = b"test \"deep\" {\n    env {\n".to_vec();
    env.extend(deep("voice"));
    env.extend(b"    }\n}\n");
    let run = test_pack(&[("tests/deep.test.kdl", &env)]);
    run.expect(2);
    assert!(run.stderr.contains("nesting too deep"), "{}", super::clip(&run.stderr));
    assert!(run.stderr.contains("[pack/tests/deep.test.kdl:"), "{}", super::clip(&run.stderr));
    let run = test_pack(&[("tests/bad.test.kdl", b"test \"x\" {\n    env {\n        site \"\xff\"\n    }\n}\n")]);
    run.expect(2);
    assert!(run.stderr.contains("cannot read `pack/tests/bad.test.kdl`: not valid UTF-8 (byte 35)"), "{}", run.stderr);
}
