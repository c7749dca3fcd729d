//! Unit tests of the fast parser: values, depth, errors. The differential tests against the
//! `kdl` crate are in the binary crate (`src/syntax/tests.rs`, `tests/kdl_suite.rs`).

use super::{MAX_DEPTH, parse};
use crate::doc::{Span, Value};

#[test]
fn deep_nesting_is_refused_at_the_real_brace() {
    let ok = "a {".repeat(MAX_DEPTH) + &"}".repeat(MAX_DEPTH);
    assert!(parse(&ok).is_ok());
    // Braces inside strings and comments do not count.
    let strings = format!("a \"{}\" /* {} */\n{ok}", "{".repeat(500), "{".repeat(500));
    assert!(parse(&strings).is_ok());
    let deep = "a {".repeat(100_000);
    let errs = parse(&deep).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.starts_with("nesting too deep"), "{errs:?}");
    assert_eq!(errs[0].span, Span::new(MAX_DEPTH * 3 + 2, MAX_DEPTH * 3 + 3));
}

#[test]
fn values() {
    let doc = parse("n 1 -2 0x_ff 0o17 0b101 1_000.5 1e3 #inf #-inf #null #false \"a\\tb\" #\"\\n\"# -").unwrap_err();
    assert!(!doc.is_empty(), "`0x_ff` is not a number");
    let doc =
        parse("n 1 -2 0xff 0o17 0b101 1_000.5 1e3 #inf #-inf #null #false \"a\\tb\" #\"\\n\"# - +x .y").expect("valid");
    let values: Vec<&Value> = doc.nodes[0].entries.iter().map(|e| &e.value).collect();
    assert_eq!(
        values,
        [
            &Value::int(1),
            &Value::int(-2),
            &Value::int(255),
            &Value::int(15),
            &Value::int(5),
            &Value::Float(1000.5),
            &Value::Float(1000.0),
            &Value::Float(f64::INFINITY),
            &Value::Float(f64::NEG_INFINITY),
            &Value::Null,
            &Value::Bool(false),
            &Value::String("a\tb".into()),
            &Value::String("\\n".into()),
            &Value::String("-".into()),
            &Value::String("+x".into()),
            &Value::String(".y".into()),
        ]
    );
    let big =
        parse("n 170141183460469231731687303715884105727 -170141183460469231731687303715884105728").expect("i128");
    assert_eq!(big.nodes[0].entries[1].value, Value::int(i128::MIN));
    assert!(parse("n 170141183460469231731687303715884105728").is_err());
}

#[test]
fn multiline_strings() {
    let doc = parse("n \"\"\"\n    a\n      b\\\n   c\n\n    \\u{41}\n    \"\"\" #\"\"\"\r\n  x\"\"\"\r\n  \"\"\"#")
        .expect("valid");
    assert_eq!(doc.nodes[0].entries[0].value, Value::String("a\n  bc\n\nA".into()));
    assert_eq!(doc.nodes[0].entries[1].value, Value::String("x\"\"\"".into()));
}

#[test]
fn every_prefix_parses_or_fails_cleanly() {
    let src = "/- kdl-version 2\n(t)a \"q\\\"\\u{e9}\" #\"r\"# 1_0 0x1F -1.5e3 #true k=(u)#null /-x=1 {\n    b \"\"\"\n      ml \\\n      x\n      \"\"\" ; c /* /* n */ */ d \\ // c\n      2\n    /-{ e }\n} /- { f }\n\u{3000}é=\"ü\"\r\n";
    for end in (0..=src.len()).filter(|&e| src.is_char_boundary(e)) {
        match parse(&src[..end]) {
            Ok(_) => {}
            Err(errs) => {
                assert!(!errs.is_empty(), "prefix {end}");
                for e in errs {
                    assert!(e.span.start <= e.span.end && e.span.end <= end, "prefix {end}: {e:?}");
                    assert!(src[..end].is_char_boundary(e.span.start) && src[..end].is_char_boundary(e.span.end));
                }
            }
        }
    }
}

#[test]
fn slashdashed_blocks_count_towards_the_depth_limit_without_recursion() {
    let deep = "a /-{ b /-{ ".repeat(20_000);
    let errs = parse(&deep).unwrap_err();
    assert!(errs[0].message.starts_with("nesting too deep"), "{errs:?}");
    let ok = format!("a /-{{{}{}}}", "b {".repeat(MAX_DEPTH - 1), "}".repeat(MAX_DEPTH - 1));
    assert_eq!(parse(&ok).expect("valid").nodes.len(), 1);
}

#[test]
fn entries_need_space_between_them() {
    for bad in ["n k =1\"x\"", "n a\"b\"", "n k=1 \"a\"\"b\"", "n (t)a\"b\"", "n a /-b\"c\""] {
        assert!(parse(bad).is_err(), "{bad}");
    }
    for good in ["n k =1 \"x\"", "n a /* c */\"b\"", "n a\\\n\"b\"", "n \"a\"/-\"b\" c", "n a{}"] {
        assert!(parse(good).is_ok(), "{good}");
    }
}
