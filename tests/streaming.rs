//! Every format streams (SPEC §8): the memory of a run does not grow with the number of
//! files, nor with the number of large files. Measured through the binary, as the peak
//! resident set GNU time reports: on 2,000 and on 20,000 generated environment files (a fifth
//! of the benchmark's largest sizes, to keep the test quick in a debug build), and with one
//! and with eight 1 MB files among 2,400.

use std::path::Path;
use std::process::Command;

/// GNU time, which reports the peak resident set of a command (`.ci/run` installs it).
const TIME: &str = "/usr/bin/time";

fn write_corpus(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for i in 0..n {
        // Unpadded files: the sizes are about equal, so only their number differs.
        let env = crate::corpus::environment_of_size(i, 0);
        std::fs::write(dir.join(format!("{i:05}.lync.kdl")), env.text).expect("write");
    }
}

/// The peak resident set (KiB) of `lync-lint check` with `args` on `dir`, stdout discarded.
fn peak_kib(dir: &Path, args: &[&str]) -> u64 {
    let bin = assert_cmd::cargo::cargo_bin("lync-lint");
    let report = dir.with_extension("rss");
    let status = Command::new(TIME)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(&bin)
        .arg("check")
        .args(args)
        .arg(dir)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{TIME} is needed to measure memory (apt-get install time): {e}"));
    assert!(matches!(status.code(), Some(0 | 1)), "{args:?}: {status}");
    let text = std::fs::read_to_string(&report).expect("time's report");
    text.trim().lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("not a number: {text}"))
}

#[test]
fn memory_does_not_grow_with_the_number_of_files_in_any_format() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (small, big) = (tmp.path().join("small"), tmp.path().join("big"));
    write_corpus(&small, 2_000);
    write_corpus(&big, 20_000);
    let formats = ["human", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown"];
    let reports: Vec<String> =
        formats.iter().map(|f| format!("{f}={}", tmp.path().join(format!("report.{f}")).display())).collect();
    let mut every_report = vec!["--format", "json"];
    for r in &reports {
        every_report.extend(["--report", r.as_str()]);
    }
    let mut cases: Vec<Vec<&str>> = formats.iter().map(|f| vec!["--format", *f]).collect();
    cases.push(every_report);
    cases.push(vec!["--statistics"]);
    let mut lines = Vec::new();
    for args in &cases {
        let (s, b) = (peak_kib(&small, args), peak_kib(&big, args));
        lines.push(format!("{args:?}: {s} KiB at 2,000 files, {b} KiB at 20,000"));
        // Ten times the files: at most 8 MiB more (the list of paths grows; the reports do
        // not). Before streaming, JSON grew by tens of MiB.
        assert!(b <= s + 8 * 1024, "{}", lines.join("\n"));
    }
    // The reports were written, whole.
    for f in formats {
        let text = std::fs::read_to_string(tmp.path().join(format!("report.{f}"))).expect("report");
        assert!(text.len() > 100_000, "{f}: {} bytes", text.len());
    }
}

/// Large files are checked on the main thread: the run keeps the memory of one large file's
/// check, not one per worker thread that happened to read one.
#[test]
fn memory_does_not_grow_with_the_number_of_large_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    let write = |dir: &Path, large_every: usize| {
        std::fs::create_dir_all(dir).expect("mkdir");
        for i in 0..2_400 {
            // 1 MB files at least 256 files apart: each in its own chunk, read by whichever
            // worker takes it.
            let size = if i % large_every == large_every / 2 { 1_000_000 } else { 0 };
            let env = crate::corpus::environment_of_size(i, size);
            std::fs::write(dir.join(format!("{i:05}.lync.kdl")), env.text).expect("write");
        }
    };
    let (one, eight) = (tmp.path().join("one"), tmp.path().join("eight"));
    write(&one, 2_400);
    write(&eight, 300);
    let args = ["--format", "json"];
    let (o, e) = (peak_kib(&one, &args), peak_kib(&eight, &args));
    // A 1 MB file takes about 9 MiB to check: two worker threads keeping one each would be
    // that much more.
    assert!(e <= o + 4 * 1024, "{o} KiB with one 1 MB file, {e} KiB with eight");
}
