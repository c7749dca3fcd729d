//! Hostile file contents: empty, comments only, a byte order mark, CRLF and lone CR line
//! endings, invalid UTF-8, binary files, NUL bytes and terminal control characters.

use super::{GOOD, first_position, json, lint, lint_stdin, tree};

#[test]
fn an_empty_file_and_a_file_of_comments_are_viable() {
    let tmp = tree(&[
        ("empty.lync.kdl", b""),
        ("comments.lync.kdl", b"// nothing here\n/* nor\n   here */\n/-voice { call-park #true; }\n"),
        ("blank.lync.kdl", b"\n\n   \n\t\n"),
    ]);
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    run.expect(0);
    assert!(run.stdout.contains("checked 3 files: 0 errors"), "{}", run.stdout);
    assert_eq!(run.stdout.matches(": online-viable").count(), 3, "{}", run.stdout);
}

/// A typo on line 1 after a byte order mark: the mark is not a column, in any output.
#[test]
fn a_byte_order_mark_is_not_a_column() {
    let tmp = tree(&[("bom.lync.kdl", b"\xEF\xBB\xBFvoise {\n}\n")]);
    let human = lint(tmp.path(), &["check", "--no-config", "bom.lync.kdl"]);
    human.expect(1);
    assert!(human.stdout.contains("[bom.lync.kdl:1:1]"), "{}", human.stdout);
    let run = lint(tmp.path(), &["check", "--no-config", "--format", "json", "bom.lync.kdl"]);
    assert_eq!(first_position(&json(run.expect(1))), (1, 1, 1, 6));
    let github = lint(tmp.path(), &["check", "--no-config", "--format", "github", "bom.lync.kdl"]);
    assert!(github.expect(1).stdout.contains("line=1,col=1,endLine=1,endColumn=6"), "{}", github.stdout);
    // A byte order mark alone is an empty file.
    let tmp = tree(&[("bom.lync.kdl", b"\xEF\xBB\xBF")]);
    lint(tmp.path(), &["check", "--no-config", "."]).expect(0);
}

#[test]
fn crlf_and_lone_cr_line_endings_give_the_same_positions_as_lf() {
    for (name, eol) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let text = ["organization \"Zürich AG\"", "voice {", "    pbx-replacemnt #true", "}", ""].join(eol);
        let file = format!("{name}.lync.kdl");
        let tmp = tree(&[(&file, text.as_bytes())]);
        let human = lint(tmp.path(), &["check", "--no-config", &file]);
        human.expect(1);
        assert!(human.stdout.contains(&format!("[{file}:3:5]")), "{name}: {}", human.stdout);
        assert!(human.stdout.contains(" 3 │     pbx-replacemnt #true\n"), "{name}: {}", human.stdout);
        assert!(!human.stdout.contains('\r'), "{name}: no carriage return reaches the terminal");
        let run = lint(tmp.path(), &["check", "--no-config", "--format", "json", &file]);
        assert_eq!(first_position(&json(run.expect(1))), (3, 5, 3, 19), "{name}");
    }
}

#[test]
fn invalid_utf8_is_an_error_with_the_byte_offset() {
    // Offsets count the file's bytes, the byte order mark included.
    let tmp = tree(&[
        ("latin1.lync.kdl", b"voice {\n    call-park #true // caf\xe9\n}\n"),
        ("bom.lync.kdl", b"\xEF\xBB\xBFsite \"\xff\"\n"),
        ("truncated.lync.kdl", b"site \"\xe2\x82"),
    ]);
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    run.expect(1);
    for (file, offset) in [("latin1", 34), ("bom", 9), ("truncated", 6)] {
        let message = format!("`{file}.lync.kdl` is not valid UTF-8 (invalid byte at offset {offset})");
        assert!(run.stdout.contains(&message), "{message} in:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("[latin1.lync.kdl:2:27]"), "{}", run.stdout);
    assert_eq!(run.stdout.matches("source::encoding").count(), 3, "{}", run.stdout);
    assert!(run.stdout.contains("no verdict"));
}

#[test]
fn a_binary_file_is_reported_as_binary_and_control_characters_stay_off_the_terminal() {
    // An executable's start: control bytes, NULs and bytes that are not UTF-8.
    let elf: &[u8] =
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\x90\xd3\x1b[2J";
    let tmp = tree(&[("tool.lync.kdl", elf), ("ok.lync.kdl", GOOD)]);
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    run.expect(1);
    assert!(run.stdout.contains("`tool.lync.kdl` looks like a binary file (NUL byte at offset 7)"), "{}", run.stdout);
    assert!(run.stdout.contains("ok.lync.kdl: online-viable"), "the other file is checked");
    assert!(!run.stdout.contains('\x1b') && !run.stdout.contains('\x7f'), "{:?}", run.stdout);
}

#[test]
fn nul_bytes_in_text_are_reported_where_they_are() {
    let tmp = tree(&[("nul.lync.kdl", b"voice {\n  call-park #true\x00\x00\n}\n")]);
    let run = lint(tmp.path(), &["check", "--no-config", "--format", "json", "nul.lync.kdl"]);
    let doc = json(run.expect(1));
    assert_eq!(doc["files"][0]["diagnostics"][0]["code"], "source::binary");
    assert_eq!(first_position(&doc), (2, 18, 2, 19));
    let run = lint(tmp.path(), &["check", "--no-config", "nul.lync.kdl"]);
    assert!(run.expect(1).stdout.contains("NUL byte at offset 25"), "{}", run.stdout);
}

/// Escape sequences in a file (raw, or written as KDL escapes in strings that end up in
/// messages) never reach the terminal as they are.
#[test]
fn escape_sequences_are_not_written_to_the_terminal() {
    let raw: &[u8] = b"voice {\n    call-park \"\x1b]0;owned\x07\"\n}\n";
    let escaped: &[u8] =
        b"waiver \"nope/\\u{1b}[31m\" reason=\"\\u{1b}[2J\"\nsite \"\\u{202e}gpj\" country=\"X\\u{1b}\"\n";
    let tmp = tree(&[("raw.lync.kdl", raw), ("escaped.lync.kdl", escaped)]);
    let run = lint(tmp.path(), &["check", "--no-config", "."]);
    run.expect(1);
    for bad in ['\x1b', '\x07', '\u{202e}'] {
        assert!(!run.stdout.contains(bad), "{bad:?} in {:?}", run.stdout);
        assert!(!run.stderr.contains(bad), "{bad:?} in {:?}", run.stderr);
    }
}

#[test]
fn standard_input_gets_the_same_checks() {
    let tmp = tree(&[]);
    let args = ["check", "--no-config", "--stdin-filename", "in.lync.kdl", "-"];
    let run = lint_stdin(tmp.path(), &args, Some(b"\xEF\xBB\xBFsite \"\xff\"\r\n".to_vec()));
    assert!(run.expect(1).stdout.contains("(invalid byte at offset 9)"), "{}", run.stdout);
    let run = lint_stdin(tmp.path(), &args, Some(Vec::new()));
    assert!(run.expect(0).stdout.contains("in.lync.kdl: online-viable"), "{}", run.stdout);
}
