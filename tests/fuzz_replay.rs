//! Replays the fuzz targets' bodies (`fuzz/harness.rs`) in `cargo test`: every input kept in
//! `fuzz/regressions/<target>/` (inputs that once crashed or hung a target, see CONTRIBUTING.md
//! "Fuzzing"), and the seeds the campaign starts from: the repository's KDL files and the
//! official KDL suite's inputs.

use std::path::{Path, PathBuf};

#[path = "../fuzz/harness.rs"]
pub mod harness;

/// A fuzz target's body.
type Body = fn(&[u8]);

const TARGETS: &[(&str, Body)] = &[
    ("parse", harness::parse),
    ("kql", harness::kql),
    ("pack", harness::pack),
    ("config", harness::config),
    ("check", harness::check),
];

fn files_under(dir: &Path, keep: fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && keep(e.path()))
        .map(walkdir::DirEntry::into_path)
        .collect();
    out.sort();
    out
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn kept_crash_inputs_no_longer_crash() {
    let mut replayed = 0;
    for (target, body) in TARGETS {
        let dir = root().join("fuzz/regressions").join(target);
        assert!(dir.is_dir(), "missing {}", dir.display());
        for input in files_under(&dir, |p| p.file_name().is_some_and(|n| n != ".keep")) {
            let data = std::fs::read(&input).expect("readable");
            // A panic names the input: catch it to say which.
            assert!(
                std::panic::catch_unwind(|| body(&data)).is_ok(),
                "fuzz target `{target}` fails again on {}",
                input.display()
            );
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} kept fuzz inputs");
}

#[test]
fn repository_kdl_files_pass_every_target() {
    let is_kdl = |p: &Path| p.extension().is_some_and(|e| e == "kdl");
    let files: Vec<PathBuf> =
        [root().join("fixtures"), root().join("policies")].iter().flat_map(|d| files_under(d, is_kdl)).collect();
    assert!(files.len() > 20, "the repository's KDL files are found");
    for f in &files {
        let data = std::fs::read(f).expect("readable");
        harness::parse(&data);
        harness::check(&data);
        harness::config(&data);
        for role in 0..4u8 {
            harness::pack(&[&[role], data.as_slice()].concat());
        }
    }
}

#[test]
fn kdl_suite_inputs_pass_parse_kql_and_check() {
    let dir = root().join("tests/data/kdl-test-cases/input");
    assert!(dir.is_dir(), "the KDL test suite is missing: expected `{}`", dir.display());
    let inputs = files_under(&dir, |p| p.extension().is_some_and(|e| e == "kdl"));
    assert!(inputs.len() >= 300, "the suite has its inputs");
    for f in &inputs {
        let data = std::fs::read(f).expect("readable");
        harness::parse(&data);
        harness::check(&data);
        harness::kql(&[b"top() > node\n".as_slice(), data.as_slice()].concat());
    }
}

/// The kept inputs through the real binary, as environment files: a documented exit code
/// (0, 1 or 2), no panic message, and one verdict line per file.
#[test]
fn kept_crash_inputs_through_check() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut n = 0;
    for (target, _) in TARGETS {
        for input in
            files_under(&root().join("fuzz/regressions").join(target), |p| p.file_name().is_some_and(|n| n != ".keep"))
        {
            let name = format!("{target}-{}.lync.kdl", input.file_name().unwrap_or_default().to_string_lossy());
            std::fs::copy(&input, tmp.path().join(name)).expect("copied");
            n += 1;
        }
    }
    if n == 0 {
        return;
    }
    let run = crate::common::run_in(tmp.path(), &["check", "--no-config", "."], None);
    assert!(matches!(run.code, 0..=2), "exit {}: {}", run.code, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stdout.contains(&format!("checked {n} file")), "{}", run.stdout);
}
