//! Hostile directory trees and streams: many files, symbolic link loops and broken links,
//! unreadable files and directories, odd names, files that vanish, stdout closed early.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::{GOOD, lint, tree};

/// 100,000 files in one directory, all checked, in sorted order.
#[test]
fn a_directory_of_100_000_files_is_checked() {
    let tmp = tree(&[]);
    let dir = tmp.path().join("many");
    std::fs::create_dir(&dir).expect("mkdir");
    let start = Instant::now();
    for i in 0..100_000 {
        std::fs::write(dir.join(format!("e{i:06}.lync.kdl")), GOOD).expect("write");
    }
    let created = start.elapsed();
    let checking = Instant::now();
    let run = lint(tmp.path(), &["check", "--no-config", "--format", "json", "many"]);
    let checked = checking.elapsed();
    let doc = super::json(run.expect(0));
    let files = doc["files"].as_array().expect("files");
    assert_eq!(files.len(), 100_000);
    assert_eq!(files[0]["path"], "many/e000000.lync.kdl");
    assert_eq!(files[99_999]["path"], "many/e099999.lync.kdl");
    println!("100,000 files: created in {created:?}, checked in {checked:?}");
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_and_broken_links_are_reported_and_the_walk_goes_on() {
    use std::os::unix::fs::symlink;
    let tmp = tree(&[("envs/a.lync.kdl", GOOD), ("envs/sub/b.lync.kdl", GOOD), ("envs/z.lync.kdl", GOOD)]);
    let envs = tmp.path().join("envs");
    symlink("..", envs.join("sub/loop")).expect("loop");
    symlink("missing.lync.kdl", envs.join("gone.lync.kdl")).expect("broken");
    symlink("missing", envs.join("not-selected")).expect("broken, not an environment file");
    symlink("a.lync.kdl", envs.join("linked.lync.kdl")).expect("link to a file");
    let run = lint(tmp.path(), &["check", "--no-config", "envs"]);
    run.expect(2);
    assert!(run.stderr.contains("`envs/sub/loop` is a symbolic link loop (it leads back to `envs`)"), "{}", run.stderr);
    assert!(run.stderr.contains("cannot read `envs/gone.lync.kdl`: a broken symbolic link"), "{}", run.stderr);
    assert!(!run.stderr.contains("not-selected"), "{}", run.stderr);
    assert!(run.stdout.contains("checked 4 files"), "{}", run.stdout);
    for f in ["a", "linked", "sub/b", "z"] {
        assert!(run.stdout.contains(&format!("envs/{f}.lync.kdl: online-viable")), "{f}: {}", run.stdout);
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_reported_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp =
        tree(&[("a.lync.kdl", GOOD), ("locked.lync.kdl", GOOD), ("closed/c.lync.kdl", GOOD), ("z.lync.kdl", GOOD)]);
    let (file, dir) = (tmp.path().join("locked.lync.kdl"), tmp.path().join("closed"));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let ignored = super::permissions_are_ignored(&file) || super::permissions_are_ignored(&dir);
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stdout.contains("a.lync.kdl: online-viable") && run.stdout.contains("z.lync.kdl: online-viable"));
    if !ignored {
        run.expect(2);
        assert!(run.stderr.contains("cannot read `./locked.lync.kdl`: Permission denied"), "{}", run.stderr);
        assert!(run.stderr.contains("cannot read `./closed`: Permission denied"), "{}", run.stderr);
        assert!(run.stdout.contains("checked 2 files"), "{}", run.stdout);
    }
}

#[test]
fn names_with_spaces_and_non_ascii_characters_are_fine() {
    let names = ["with space/an env.lync.kdl", "Zürich/büro 東京.lync.kdl", "emoji 🚀.lync.kdl", "-dash.lync.kdl"];
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, b"voise {\n}\n" as &[u8])).collect();
    let tmp = tree(&files);
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    run.expect(1);
    for n in names {
        assert!(run.stdout.contains(&format!("[{n}:1:1]")), "{n}: {}", run.stdout);
    }
    let run = lint(tmp.path(), &["check", "--no-config", "--format", "json", "--", "Zürich/büro 東京.lync.kdl"]);
    assert_eq!(super::json(run.expect(1))["files"][0]["path"], "Zürich/büro 東京.lync.kdl");
}

/// A named file that does not exist (deleted before the run) is reported, the rest checked.
#[test]
fn a_missing_named_file_is_reported_and_the_rest_is_checked() {
    let tmp = tree(&[("a.lync.kdl", GOOD)]);
    let run = lint(tmp.path(), &["check", "--no-config", "a.lync.kdl", "deleted.lync.kdl"]);
    run.expect(2);
    assert!(run.stderr.contains("`deleted.lync.kdl` does not exist"), "{}", run.stderr);
    assert!(run.stdout.contains("a.lync.kdl: online-viable"));
}

/// Files deleted while the run reads them: whichever are gone when read are reported
/// (exit 2), the others are checked. Timing decides how many; nothing may panic.
#[test]
fn files_deleted_during_the_run_are_reported() {
    let tmp = tree(&[]);
    let dir = tmp.path().join("envs");
    std::fs::create_dir(&dir).expect("mkdir");
    let n = 3_000;
    for i in 0..n {
        std::fs::write(dir.join(format!("e{i:05}.lync.kdl")), GOOD).expect("write");
    }
    let child = Command::new(assert_cmd::cargo::cargo_bin("lync-lint"))
        .current_dir(tmp.path())
        .args(["check", "--no-config", "-q", "envs"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    for i in (0..n).rev().step_by(2) {
        let _ = std::fs::remove_file(dir.join(format!("e{i:05}.lync.kdl")));
    }
    let out = child.wait_with_output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    match out.status.code() {
        Some(0) => assert!(stderr.is_empty(), "{stderr}"),
        Some(2) => {
            let lines: Vec<&str> = stderr.lines().collect();
            assert!(!lines.is_empty() && lines.iter().all(|l| l.starts_with("error: ")), "{stderr}");
            assert!(lines.iter().any(|l| l.contains("No such file or directory") || l.contains("does not exist")));
            println!("{} of {} files were gone when read", lines.len(), n / 2);
        }
        code => panic!("exit code {code:?}: {stderr}"),
    }
}

/// `lync-lint check DIR | head -1`: the rest of the output has nowhere to go; the run ends
/// quietly, without a panic or an error message.
#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let finding: &[u8] = b"voice {\n    pbx-replacement #true\n    call-park #true\n}\n";
    let files: Vec<(String, &[u8])> = (0..200).map(|i| (format!("e{i:03}.lync.kdl"), finding)).collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let tmp = tree(&files);
    for format in ["human", "json", "sarif"] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lync-lint"))
            .current_dir(tmp.path())
            .args(["check", "--no-config", "--format", format, "."])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("one line");
        // The reader is dropped here: stdout is closed after one line, like `| head -1`.
        let mut stderr = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
        let status = child.wait().expect("exits");
        assert!(!first.is_empty(), "{format}");
        assert_eq!(stderr, "", "{format}: quiet");
        assert!(matches!(status.code(), Some(0 | 1)), "{format}: {status:?}");
    }
}
