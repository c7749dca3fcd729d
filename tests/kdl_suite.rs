//! The parser against the official KDL v2 test suite and, differentially, against the `kdl`
//! crate.
//!
//! - Conformance: every input of `tests/data/kdl-test-cases/` (a copy kept in the repository) must
//!   parse and print, in the suite's normalized form, exactly as its `expected_kdl` file, or
//!   be rejected when it has none.
//! - Differential: on generated documents (valid by construction, then mutated), on the
//!   suite's inputs and on every KDL file of the repository, whenever both the fast parser
//!   and the `kdl` crate path (`lync_lint::syntax::reference`) accept a document they must
//!   produce the same nodes, values and spans.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lync_lint::syntax::{parse, reference};
use lync_lint_core::doc::{Document, Entry, Node, Value};

use crate::corpus::rng::Rng;

fn suite_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kdl-test-cases");
    assert!(
        dir.join("input").is_dir(),
        "the KDL test suite is missing: expected `{}` with `input/` and `expected_kdl/` (a copy of kdl-org/kdl tests/test_cases)",
        dir.display()
    );
    dir
}

fn suite_inputs() -> Vec<(String, String, Option<String>)> {
    let dir = suite_dir();
    let mut names: Vec<String> = std::fs::read_dir(dir.join("input"))
        .expect("the suite's input folder is readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "kdl"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let input = std::fs::read_to_string(dir.join("input").join(&name)).expect("input is UTF-8");
            let expected = std::fs::read_to_string(dir.join("expected_kdl").join(&name)).ok();
            (name, input, expected)
        })
        .collect()
}

#[test]
fn official_test_suite() {
    let cases = suite_inputs();
    assert_eq!(cases.len(), 336, "the suite has 336 inputs");
    let mut wrong = Vec::new();
    for (name, input, expected) in &cases {
        match (parse(input), expected) {
            (Ok(doc), Some(expected)) => {
                let printed = print(input, &doc);
                if &printed != expected {
                    wrong.push(format!("{name}: printed {printed:?}, expected {expected:?}"));
                }
            }
            (Err(errs), Some(_)) => wrong.push(format!("{name}: rejected a valid document: {errs:?}")),
            (Ok(doc), None) => wrong.push(format!("{name}: accepted an invalid document: {doc:?}")),
            (Err(errs), None) => {
                if errs.is_empty() || errs.iter().any(|e| e.message.is_empty() || e.span.end > input.len()) {
                    wrong.push(format!("{name}: rejected without a usable error: {errs:?}"));
                }
            }
        }
    }
    let right = cases.len() - wrong.len();
    assert!(wrong.is_empty(), "{right}/{} right:\n{}", cases.len(), wrong.join("\n"));
}

// ---------------------------------------------------------------------------------------
// The suite's normalized form

fn print(src: &str, doc: &Document) -> String {
    let mut out = String::new();
    for node in &doc.nodes {
        print_node(src, node, 0, &mut out);
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

fn print_node(src: &str, node: &Node, depth: usize, out: &mut String) {
    out.push_str(&"    ".repeat(depth));
    if let Some(ty) = &node.ty {
        let _ = write!(out, "({})", ident(&ty.value));
    }
    out.push_str(&ident(&node.name.value));
    for arg in node.args() {
        out.push(' ');
        print_entry_value(src, arg, out);
    }
    let mut props: Vec<&Entry> = Vec::new();
    for p in node.props() {
        let key = &p.name.as_ref().expect("a property").value;
        props.retain(|q| q.name.as_ref().expect("a property").value != key);
        props.push(p);
    }
    props.sort_by(|a, b| a.name.as_ref().map(|n| &n.value).cmp(&b.name.as_ref().map(|n| &n.value)));
    for p in props {
        let _ = write!(out, " {}=", ident(&p.name.as_ref().expect("a property").value));
        print_entry_value(src, p, out);
    }
    if node.children().is_empty() {
        out.push('\n');
    } else {
        out.push_str(" {\n");
        for child in node.children() {
            print_node(src, child, depth + 1, out);
        }
        out.push_str(&"    ".repeat(depth));
        out.push_str("}\n");
    }
}

fn print_entry_value(src: &str, e: &Entry, out: &mut String) {
    if let Some(ty) = &e.ty {
        let _ = write!(out, "({})", ident(&ty.value));
    }
    match &e.value {
        Value::String(s) => out.push_str(&ident(s)),
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(_) => out.push_str(&float_text(&src[e.value_span().start..e.value_span().end])),
        Value::Bool(b) => {
            let _ = write!(out, "#{b}");
        }
        Value::Null => out.push_str("#null"),
    }
}

/// Floats are printed from their source text (`1.23E+1000` is not an `f64`): no
/// underscores, no leading `+`, `E` with an explicit exponent sign.
fn float_text(token: &str) -> String {
    if token.starts_with('#') {
        return token.to_owned();
    }
    let mut s: String = token.chars().filter(|&c| c != '_').collect();
    if let Some(rest) = s.strip_prefix('+') {
        s = rest.to_owned();
    }
    if let Some(e) = s.find(['e', 'E']) {
        let (mantissa, exp) = s.split_at(e);
        let exp = &exp[1..];
        let sign = if exp.starts_with(['+', '-']) { "" } else { "+" };
        s = format!("{mantissa}E{sign}{exp}");
    }
    s
}

/// A string as a bare identifier when it can be one, else quoted and escaped.
fn ident(s: &str) -> String {
    let bare_char =
        |c: char| !c.is_whitespace() && !c.is_control() && !"\\/(){};[]\"#=".contains(c) && !matches!(c, '\u{FEFF}');
    let b = s.as_bytes();
    let signed = matches!(b.first(), Some(b'+' | b'-'));
    let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let dot = usize::from(signed);
    let numeric = digit_at(0) || (signed && digit_at(1)) || (b.get(dot) == Some(&b'.') && digit_at(dot + 1));
    let keyword = matches!(s, "true" | "false" | "null" | "inf" | "-inf" | "nan");
    if !s.is_empty() && s.chars().all(bare_char) && !numeric && !keyword {
        return s.to_owned();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------
// Differential tests against the `kdl` crate

/// Outcome counts of a differential run.
#[derive(Debug, Default)]
struct Tally {
    both: usize,
    only_fast: usize,
    only_kdl: usize,
    neither: usize,
}

/// Parses `src` with both parsers; when both accept, the documents must be identical
/// (compared through `Debug`, so `NaN`s compare equal and `-0.0` differs from `0.0`).
fn compare(src: &str, what: &str, tally: &mut Tally) {
    match (parse(src), reference::parse(src)) {
        (Ok(fast), Ok(kdl)) => {
            tally.both += 1;
            let (f, k) = (format!("{fast:#?}"), format!("{kdl:#?}"));
            if f != k {
                let line = f.lines().zip(k.lines()).position(|(a, b)| a != b).unwrap_or(0);
                let context: Vec<String> = f
                    .lines()
                    .zip(k.lines())
                    .skip(line.saturating_sub(6))
                    .take(8)
                    .map(|(a, b)| format!("{a:<50} | {b}"))
                    .collect();
                panic!("{what}: the parsers disagree on\n{src}\n--- fast | kdl ---\n{}", context.join("\n"));
            }
        }
        // Known differences, all bugs of the crate: it rejects a slashdashed node ended by
        // `;` and `/-` with no space before it, and accepts U+007F, bidi controls in
        // comments, bare `-inf` and `/- /-`.
        (Ok(_), Err(_)) => tally.only_fast += 1,
        (Err(_), Ok(_)) => tally.only_kdl += 1,
        (Err(_), Err(_)) => tally.neither += 1,
    }
}

#[test]
fn differential_on_the_suite_and_the_repository() {
    let mut tally = Tally::default();
    for (name, input, _) in suite_inputs() {
        compare(&input, &name, &mut tally);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["fixtures", "policies", "src"] {
        collect_kdl(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "found the repository's KDL files");
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let mut own = Tally::default();
        compare(&text, &path.display().to_string(), &mut own);
        assert_eq!(own.both, 1, "both parsers accept {}", path.display());
    }
    // The crate accepts 2 invalid inputs and rejects 3 valid ones (kdl-rs issue #146).
    assert!(tally.both >= 230, "{tally:?}");
}

fn collect_kdl(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_kdl(&path, out);
        } else if path.extension().is_some_and(|e| e == "kdl") {
            out.push(path);
        }
    }
}

#[test]
fn differential_on_generated_documents() {
    let mut rng = Rng(0x5EED_2013);
    let mut valid = Tally::default();
    let mut mutated = Tally::default();
    for i in 0..1200 {
        let doc = gen_document(&mut rng);
        let before = valid.only_kdl + valid.neither;
        compare(&doc, &format!("generated document {i}"), &mut valid);
        assert_eq!(
            valid.only_kdl + valid.neither,
            before,
            "the fast parser rejects a valid document:\n{doc}\n{:?}",
            parse(&doc)
        );
        for _ in 0..2 {
            let m = mutate(&mut rng, &doc);
            compare(&m, &format!("mutation of generated document {i}"), &mut mutated);
        }
    }
    eprintln!("valid: {valid:?}\nmutated: {mutated:?}");
    assert!(valid.both >= 1100, "the kdl crate accepts most generated documents: {valid:?}");
    assert!(mutated.both >= 300 && mutated.neither >= 300, "mutations give both outcomes: {mutated:?}");
}

const NAMES: &[&str] = &[
    "node",
    "a",
    "site",
    "voice",
    "pbx-replacement",
    "x_y",
    "foo.bar",
    "-",
    "+",
    "--x",
    "_1",
    "é",
    "日本",
    "?q",
    "a:b",
    "~",
    "+.",
    ".x",
    "-.y",
    "\"with space\"",
    "\"\"",
    "#\"raw\"#",
    "##\"r#\"x\"##",
    "\"esc\\n\\u{1F600}\"",
    "\"a=b\"",
];
const VALUES: &[&str] = &[
    "1",
    "-2",
    "+3",
    "0",
    "1_000",
    "0x1F",
    "0xdead_beef",
    "-0x10",
    "0o17",
    "0b1010",
    "1.5",
    "-0.25",
    "1e3",
    "2.5E-3",
    "1_0.0_1",
    "1.0e+10",
    "#true",
    "#false",
    "#null",
    "#inf",
    "#-inf",
    "#nan",
    "bare",
    "x-y",
    "\"quoted\"",
    "\"tab\\there\"",
    "\"q\\\"\\\\\"",
    "\"\\s\\b\\f\\r\"",
    "\"ws \\   \n   escape\"",
    "#\"raw \\n\"#",
    "##\"a\"#b\"##",
    "\"\"\"\n  multi\n    line\n  \"\"\"",
    "#\"\"\"\n\traw \"\"\" multi\n\t\"\"\"#",
    "\"\"\"\n\"\"\"",
    "\"ünï\"",
    "\"\"",
    "170141183460469231731687303715884105727",
    "1.23E+1000",
];
const SPACES: &[&str] = &[
    " ",
    " ",
    " ",
    "  ",
    "\t",
    " /* c */ ",
    " /*a/*n*/b*/ ",
    "\u{3000}",
    "\u{A0}",
    " \\\n  ",
    " \\ // c\n ",
    " \\\r\n",
];
const TERMINATORS: &[&str] = &["\n", "\n", ";", "; ", "\r\n", " // comment\n", "\n\n", ";\n", "\u{2028}", "\u{85}"];
const TYPES: &[&str] = &["(t)", "(date)", "(\"q t\")", "(#\"r\"#)", "( t )", "(t /*c*/)"];

fn gen_document(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.chance(3) {
        out.push('\u{FEFF}');
    }
    if rng.chance(20) {
        out.push_str(rng.pick(&["// header\n", "/* block */\n", "\n", "/- kdl-version 2\n"]));
    }
    gen_nodes(rng, &mut out, 0);
    out
}

fn gen_nodes(rng: &mut Rng, out: &mut String, depth: usize) {
    let n = 1 + rng.below(if depth == 0 { 6 } else { 4 });
    for i in 0..n {
        if depth > 0 || i > 0 || rng.chance(50) {
            out.push_str(&"    ".repeat(depth));
        }
        // The `kdl` crate rejects a slashdashed node ended by `;` (valid KDL): not generated.
        let slashdashed = rng.chance(5);
        if slashdashed {
            out.push_str(rng.pick(&["/-", "/- ", "/-\n"]));
        }
        gen_node(rng, out, depth);
        if i + 1 < n || depth == 0 || rng.chance(50) {
            let terminators = if slashdashed { &TERMINATORS[..2] } else { TERMINATORS };
            out.push_str(rng.pick(terminators));
        }
    }
}

fn gen_node(rng: &mut Rng, out: &mut String, depth: usize) {
    if rng.chance(10) {
        out.push_str(rng.pick(TYPES));
        if rng.chance(20) {
            out.push(' ');
        }
    }
    out.push_str(rng.pick(NAMES));
    for _ in 0..rng.below(5) {
        out.push_str(rng.pick(SPACES));
        if rng.chance(8) {
            out.push_str(rng.pick(&["/-", "/- "]));
        }
        if rng.chance(40) {
            out.push_str(rng.pick(NAMES));
            out.push_str(rng.pick(&["=", "=", " = ", "= "]));
        }
        if rng.chance(8) {
            out.push_str(rng.pick(TYPES));
        }
        out.push_str(rng.pick(VALUES));
    }
    if depth < 3 && rng.chance(35) {
        if rng.chance(10) {
            out.push_str(" /-{ gone; x 1 }");
        }
        out.push_str(rng.pick(&[" {", "{", " {\n", " {\n"]));
        if rng.chance(85) {
            out.push('\n');
            gen_nodes(rng, out, depth + 1);
            out.push_str(&"    ".repeat(depth));
        }
        out.push('}');
        if rng.chance(10) {
            out.push_str(" /- {\n}");
        }
    }
    if rng.chance(10) {
        out.push_str(rng.pick(SPACES));
    }
}

const SNIPPETS: &[&str] = &[
    "{", "}", "\"", "/-", "#", "=", ";", "\\", "(t)", "\n", " ", "0x", "/*", "*/", "\"\"\"", ".", "-", "e", "_", "1",
    "#\"", "\u{7f}", "\u{200E}", "true",
];

/// A copy of `doc` with one to three small random edits, on character boundaries.
fn mutate(rng: &mut Rng, doc: &str) -> String {
    let mut s = doc.to_owned();
    for _ in 0..=rng.below(3) {
        let boundaries: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
        let at = boundaries[rng.below(boundaries.len())];
        match rng.below(3) {
            0 => s.insert_str(at, rng.pick(SNIPPETS)),
            1 => {
                let end = boundaries.iter().copied().find(|&e| e > at + rng.below(4)).unwrap_or(s.len());
                s.replace_range(at..end, "");
            }
            _ => {
                let end = boundaries.iter().copied().find(|&e| e > at + rng.below(12)).unwrap_or(s.len());
                let piece = s[at..end].to_owned();
                s.insert_str(end, &piece);
            }
        }
    }
    s
}
