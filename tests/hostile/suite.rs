//! The official KDL test suite through the binary: every input of
//! `tests/data/kdl-test-cases/input/` (a copy of kdl-org/kdl's `tests/test_cases`) is checked as
//! an environment file, all in one run. `expected_kdl/NAME` exists exactly when the input is
//! valid KDL v2. A valid input may still break the vocabulary (schema errors), so only
//! `kdl::syntax` diagnostics are counted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{clip, json, lint, tree};

/// The suite's folder, next to the repository; a clear failure when it is missing.
fn suite_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kdl-test-cases");
    assert!(
        dir.join("input").is_dir() && dir.join("expected_kdl").is_dir(),
        "the KDL test suite is missing: expected `{}` with `input/` and `expected_kdl/` (a copy of kdl-org/kdl tests/test_cases)",
        dir.display()
    );
    dir
}

/// `(name without .kdl, bytes, valid)` of every input, sorted by name.
fn cases() -> Vec<(String, Vec<u8>, bool)> {
    let dir = suite_dir();
    let mut cases: Vec<(String, Vec<u8>, bool)> = std::fs::read_dir(dir.join("input"))
        .expect("the suite's input folder is readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .map(|p| {
            let file = p.file_name().expect("name").to_string_lossy().into_owned();
            let valid = dir.join("expected_kdl").join(&file).is_file();
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (file.trim_end_matches(".kdl").to_owned(), bytes, valid)
        })
        .collect();
    cases.sort();
    cases
}

/// The codes of each file's diagnostics, by file name.
fn codes_by_file(doc: &Value) -> BTreeMap<String, Vec<String>> {
    let files = doc["files"].as_array().expect("files");
    files
        .iter()
        .map(|f| {
            let path = f["path"].as_str().expect("path");
            let name = Path::new(path).file_name().expect("a file name").to_string_lossy().into_owned();
            let codes = f["diagnostics"].as_array().expect("diagnostics");
            (name, codes.iter().map(|d| d["code"].as_str().expect("code").to_owned()).collect())
        })
        .collect()
}

#[test]
fn the_official_kdl_suite_through_the_binary() {
    let cases = cases();
    assert!(cases.len() >= 300, "the suite has 336 inputs, found {}", cases.len());
    assert!(cases.iter().any(|c| c.2) && cases.iter().any(|c| !c.2), "valid and invalid inputs");
    let files: Vec<(String, &[u8])> =
        cases.iter().map(|(name, bytes, _)| (format!("{name}.lync.kdl"), bytes.as_slice())).collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let tmp = tree(&files);
    let run = lint(tmp.path(), &["check", "--no-config", "--format", "json", "."]);
    assert!(!run.stderr.contains("panicked"), "a panic:\n{}", run.stderr);
    // Invalid inputs are errors in linted files: 1, never 2 (every file is readable) nor a
    // signal.
    assert_eq!(run.code, Some(1), "exit code\n--- stderr\n{}\n--- stdout\n{}", run.stderr, clip(&run.stdout));
    let doc = json(&run);
    let by_file = codes_by_file(&doc);
    assert_eq!(doc["summary"]["files"], cases.len(), "every input is checked once");
    let mut wrong = Vec::new();
    for (name, _, valid) in &cases {
        let file = format!("{name}.lync.kdl");
        let Some(codes) = by_file.get(&file) else {
            wrong.push(format!("{file}: not in the output"));
            continue;
        };
        let syntax = codes.iter().filter(|c| *c == "kdl::syntax").count();
        match (valid, syntax) {
            (true, 0) | (false, 1..) => {}
            (true, n) => wrong.push(format!("{file}: valid KDL, but {n} `kdl::syntax` diagnostic(s): {codes:?}")),
            (false, 0) => wrong.push(format!("{file}: invalid KDL, but no `kdl::syntax` diagnostic: {codes:?}")),
        }
    }
    assert!(wrong.is_empty(), "{} of {} inputs wrong:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}
