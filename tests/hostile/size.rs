//! Big inputs: a file over the size limit, a line of 10 MB, deep nesting, a million siblings.

use std::io::Write as _;
use std::time::Instant;

use super::{GOOD, lint, lint_stdin, tree};

/// `lync_lint_core::source::MAX_FILE_SIZE`, as the user reads it.
const LIMIT: u64 = 16 * 1024 * 1024;

#[test]
fn the_size_limit_matches_the_documented_one() {
    assert_eq!(lync_lint_core::source::MAX_FILE_SIZE, LIMIT);
}

/// A 200 MB file is refused before it is read (a sparse file: no disk, no time), reported,
/// and the other files are still checked: exit code 2.
#[test]
fn a_200_mb_file_is_refused_unread_and_the_rest_is_checked() {
    let tmp = tree(&[("ok.lync.kdl", GOOD)]);
    let big = std::fs::File::create(tmp.path().join("big.lync.kdl")).expect("create");
    big.set_len(200 * 1024 * 1024).expect("sparse file");
    let start = Instant::now();
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    run.expect(2);
    assert!(
        run.stderr.contains("cannot read `./big.lync.kdl`: the file is 200.0 MiB, larger than the 16 MiB limit"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("checked 1 file") && run.stdout.contains("ok.lync.kdl: online-viable"));
    assert!(start.elapsed().as_secs() < 30, "refused without reading it: {:?}", start.elapsed());
}

/// Standard input and files whose size is unknown are read only up to the limit.
#[test]
fn endless_or_oversized_streams_are_cut_at_the_limit() {
    let tmp = tree(&[]);
    let mut input = b"// ".to_vec();
    input.resize(usize::try_from(LIMIT).expect("fits") + 10, b'x');
    let run = lint_stdin(tmp.path(), &["check", "--no-config", "-"], Some(input));
    run.expect(2);
    assert!(run.stderr.contains("cannot read `<stdin>`: the file is more than 16 MiB"), "{}", run.stderr);
    if std::path::Path::new("/dev/zero").exists() {
        let run = lint(tmp.path(), &["check", "--no-config", "/dev/zero"]);
        assert!(run.expect(2).stderr.contains("larger than the 16 MiB limit"), "{}", run.stderr);
    }
}

/// A line of 10 MB with a mistake at its end: described in words with its position, not
/// drawn (miette's drawing panics on lines this long), in every output.
#[test]
fn a_line_of_10_mb_is_reported_without_drawing_it() {
    let tmp = tree(&[]);
    let path = tmp.path().join("long.lync.kdl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    f.write_all(b"organization \"").expect("write");
    f.write_all(&vec![b'a'; 10_000_000]).expect("write");
    f.write_all(b"\" users=10 bogus=1\nvoise {\n}\n").expect("write");
    f.flush().expect("flush");
    drop(f);
    let start = Instant::now();
    let run = lint(tmp.path(), &["check", "--no-config", "long.lync.kdl"]);
    run.expect(1);
    assert!(
        run.stdout.contains("at long.lync.kdl:1:10000026: not in the vocabulary (line 1 is 10000033 bytes long,"),
        "{}",
        super::clip(&run.stdout)
    );
    assert!(run.stdout.contains("[long.lync.kdl:2:1]"), "the short line is still drawn");
    assert!(run.stdout.len() < 10_000, "nothing of the long line is drawn: {} bytes", run.stdout.len());
    let run = lint(tmp.path(), &["check", "--no-config", "--narrate", "long.lync.kdl"]);
    assert!(run.expect(1).stdout.len() < 10_000, "nor narrated");
    let doc = super::json(&lint(tmp.path(), &["check", "--no-config", "--format", "json", "long.lync.kdl"]));
    assert_eq!(super::first_position(&doc), (1, 10_000_026, 1, 10_000_031));
    println!("a line of 10 MB: {:?} for three runs", start.elapsed());
}

/// Thousands of syntax errors along one long line (`x "` repeated): a known panic of the
/// drawing, and quadratic output; now each is one line of words, and at most 100 are drawn.
#[test]
fn many_errors_on_one_long_line_are_described_and_capped() {
    let tmp = tree(&[("q.lync.kdl", "x \"".repeat(100_000).as_bytes())]);
    let start = Instant::now();
    let run = lint(tmp.path(), &["check", "--no-config", "q.lync.kdl"]);
    run.expect(1);
    // The `kdl` crate's first error is at column 3; when the crate runs past its time budget
    // (a loaded machine), the parser's own error, at column 7, is reported instead. Either is
    // described by its position, not drawn.
    assert!(
        run.stdout.contains("at q.lync.kdl:1:3:") || run.stdout.contains("at q.lync.kdl:1:7:"),
        "{}",
        super::clip(&run.stdout)
    );
    assert!(run.stdout.matches("kdl::syntax").count() <= 100, "at most 100 syntax errors per file");
    assert!(run.stdout.len() < 200_000, "{} bytes", run.stdout.len());
    // Schema errors are not capped by the parser: the drawing is.
    let many = "unknown #true\n".repeat(150);
    let tmp = tree(&[("m.lync.kdl", many.as_bytes())]);
    let run = lint(tmp.path(), &["check", "--no-config", "m.lync.kdl"]);
    run.expect(1);
    assert!(
        run.stdout.contains("50 more diagnostics not drawn (`--format json` lists them all)"),
        "{}",
        super::clip(&run.stdout)
    );
    println!("100,000 × `x \"` on one line: {:?}", start.elapsed());
}

/// 100,000 levels of children, in an environment file: one clear error, no stack overflow.
#[test]
fn nesting_100_000_levels_deep_is_one_clear_error() {
    let depth = 100_000;
    let text = format!("{}{}", "voice {\n".repeat(depth), "}\n".repeat(depth));
    let compact = format!("{}{}", "a{".repeat(depth), "}".repeat(depth));
    let tmp = tree(&[("deep.lync.kdl", text.as_bytes()), ("compact.lync.kdl", compact.as_bytes())]);
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    run.expect(1);
    assert_eq!(run.stdout.matches("nesting too deep").count(), 2, "{}", super::clip(&run.stdout));
    assert!(run.stdout.contains("[deep.lync.kdl:129:7]"), "{}", super::clip(&run.stdout));
}

/// A million sibling nodes (9 MB) are checked in one go.
#[test]
fn a_million_siblings_are_checked() {
    let tmp = tree(&[("sites.lync.kdl", "site \"a\"\n".repeat(1_000_000).as_bytes())]);
    let start = Instant::now();
    let run = lint(tmp.path(), &["check", "--no-config", "sites.lync.kdl"]);
    run.expect(0);
    assert!(run.stdout.contains("sites.lync.kdl: online-viable"), "{}", run.stdout);
    println!("1,000,000 siblings: {:?}", start.elapsed());
}

/// A million siblings that each carry a label of one finding: JSON lists them all, the
/// human output draws a few and counts the others.
#[test]
fn a_finding_with_200_000_labels_draws_a_few() {
    let text = format!("federation {{\n{}}}\n", "    xmpp \"a\"\n".repeat(200_000));
    let tmp = tree(&[("xmpp.lync.kdl", text.as_bytes())]);
    let start = Instant::now();
    let run = lint(tmp.path(), &["check", "--no-config", "xmpp.lync.kdl"]);
    run.expect(1);
    assert!(run.stdout.contains("not drawn: 199984 more label(s), at `xmpp.lync.kdl:18:5`"), "{}", run.stdout);
    assert!(run.stdout.len() < 10_000, "{} bytes", run.stdout.len());
    println!("a finding with 200,000 labels: {:?}", start.elapsed());
}

/// Thousands of schema errors (not capped) on one long line, in a machine format: each
/// position is counted from the previous one, so this is one pass over the line, not one
/// pass per diagnostic (it was quadratic: 11 s for 100,000 in a release build).
#[test]
fn many_positions_on_one_long_line_are_counted_once() {
    let n = 20_000;
    let line = "unknown #true; ".repeat(n);
    let tmp = tree(&[("l.lync.kdl", format!("é{line}").as_bytes())]);
    let doc = super::json(&lint(tmp.path(), &["check", "--no-config", "--format", "json", "l.lync.kdl"]));
    let diags = doc["files"][0]["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diags.len(), n);
    let last = &diags[n - 1];
    // `é` is one column; each repetition is 15.
    assert_eq!((last["line"].as_u64(), last["column"].as_u64()), (Some(1), Some(2 + 15 * (n as u64 - 1))), "{last}");
}
