//! Tests of query parsing: error messages and spans, KDL string/number/keyword lexing,
//! `node_names` / `prop_names`, and robustness against arbitrary input.

use super::test_select::{Build, node, s, sel};
use super::{KqlError, Query};
use crate::doc::{Document, Span, Value};

fn err(q: &str) -> KqlError {
    match Query::parse(q) {
        Ok(parsed) => panic!("{q:?} should not parse: {parsed:?}"),
        Err(e) => e,
    }
}

/// Asserts the error span starts at the first occurrence of `at` in `q`.
fn err_at(q: &str, at: &str, msg: &str) -> KqlError {
    let e = err(q);
    let pos = q.find(at).unwrap_or_else(|| panic!("{at:?} not in {q:?}"));
    assert_eq!(e.span.start, pos, "{q:?}: {e:?}");
    assert!(e.message.contains(msg), "{q:?}: {:?} lacks {msg:?}", e.message);
    e
}

#[test]
fn errors_point_at_the_bad_character() {
    err_at("a > top()", "top()", "first matcher");
    err_at("a >> top() > b", "top()", "first matcher");
    let e = err_at("a[b = 1", "[", "unclosed `[`");
    assert_eq!(e.span, Span::new(1, 2));
    err_at("a[b", "[", "unclosed `[`");
    err_at("a[", "[", "unclosed `[`");
    err_at("[foo(]", "foo", "unknown accessor `foo()`");
    err_at("[foo()]", "foo", "unknown accessor");
    err_at("a >", ">", "missing selector after `>`");
    err_at("a > ", ">", "missing selector after `>`");
    err_at("a || ", "||", "missing selector after `||`");
    err_at("> a", ">", "expected a node matcher");
    err_at("a > > b", "> b", "expected a node matcher");
    err_at("[a = ]", "]", "missing value after `=`");
    assert_eq!(err("[a =").span, Span::new(4, 4));
    err_at("[a == 1]", "==", "unknown operator `==`");
    err_at("[a => 1]", "=>", "unknown operator `=>`");
    err_at("[a ~ 1]", "~", "expected `]` or a comparison operator");
    let e = err_at("[name>3]", ">", "reads as one property name");
    assert!(e.help.as_deref().is_some_and(|h| h.contains("[name > 3]")), "{e:?}");
    let e = err_at("m[max-participants>=300]", ">", "one property name");
    assert!(e.help.as_deref().is_some_and(|h| h.contains(">= …")), "{e:?}");
    err_at("[a!=1]", "!", "one property name");
    err_at("[a <3 x]", "x", "expected `]`");
    err_at("[a = 1 2]", "2", "expected `]`");
    err_at("a b", "b", "expected `>`, `>>`, `+`, `++` or `||`");
    err_at("a >b", "b", "whitespace after `>`");
    err_at("a ||b", "b", "whitespace after `||`");
    err_at("a[b]c", "c", "unexpected `c`");
    err_at("foo()", "(", "unexpected `(`");
    err_at("top()[a]", "[", "unexpected `[`");
    err_at("top( x", "x", "expected `)`");
    err_at("top(", "(", "unclosed `(`");
    err_at("(foo", "(", "unclosed `(`");
    err_at("", "", "empty query");
    err_at("   ", "", "empty query");
    err_at("[val(-1)]", "-1", "argument index");
    err_at("[val(x)]", "x", "argument index");
    err_at("[prop()]", ")", "needs a property name");
    err_at("[name(x)]", "x", "expected `)`");
    err_at("[1]", "1", "expected an accessor");
    err_at("[=1]", "=", "expected an accessor");
    err_at("[a = true]", "true", "keyword");
    err_at("[a = #yes]", "#yes", "unknown keyword");
    err_at("[a = 1x]", "1x", "not a valid number");
    err_at("[a = 0x]", "0x", "not a valid number");
    err_at("[a = 99999999999999999999999999999999999999999]", "9", "not a valid number");
    err_at("[a = \"x]", "\"", "unterminated string");
    err_at("[a = \"\\q\"]", "\\q", "invalid escape");
    err_at("[a = #\"x\"]", "#\"", "unterminated string");
    err_at("1", "1", "node name must be a string");
    err_at("#true", "#true", "node name must be a string");
    err_at("[name() > a]", ">", "can't be used with `name()`");
    err_at("[tag() = 1]", "1", "compared with a string");
    err_at("[tag() = (x)]", "(x)", "compared with a string");
    err_at("[val() > (x)]", ">", "can't compare type annotations");
    err_at("[val() ^= 1]", "1", "needs a string");
    err_at("a /* x", "/*", "unterminated");
    err_at("a \\ b", "\\", "unexpected `\\`");
    err_at("a | b", "|", "expected `>`");
}

#[test]
fn kdl_strings_numbers_keywords() {
    let d = Document {
        nodes: vec![
            node("a b").with_arg(s("x\"y\n\u{e9}")),
            node("n").with_arg(Value::int(255)).with_prop("f", Value::Float(-1500.0)),
            node("k").with_arg(Value::Float(f64::INFINITY)).with_prop("neg", Value::int(-5)),
            node("m").with_arg(s("line1\n  line2")),
        ],
    };
    assert_eq!(sel("\"a b\"", &d).len(), 1);
    assert_eq!(sel("#\"a b\"#", &d).len(), 1);
    assert_eq!(sel("##\"a b\"##[val() ^= \"x\\\"y\"]", &d).len(), 1);
    assert_eq!(sel("[val() = \"x\\\"y\\n\\u{e9}\"]", &d).len(), 1);
    assert_eq!(sel("[val() = \"x\\\"y\\n\u{e9}\"]", &d).len(), 1);
    assert_eq!(sel("[val() = 0xff]", &d), ["n:255"]);
    assert_eq!(sel("[val() = 0o377]", &d).len(), 1);
    assert_eq!(sel("[val() = 0b1111_1111]", &d).len(), 1);
    assert_eq!(sel("[val() = 2_55]", &d).len(), 1);
    assert_eq!(sel("[val() = 255.0]", &d).len(), 1);
    assert_eq!(sel("[val() = +255]", &d).len(), 1);
    assert_eq!(sel("[f = -1.5e3]", &d).len(), 1);
    assert_eq!(sel("[f = -15E+2]", &d).len(), 1);
    assert_eq!(sel("[neg = -0x5]", &d).len(), 1);
    assert_eq!(sel("[val() = #inf]", &d).len(), 1);
    assert_eq!(sel("[val() > #-inf]", &d).len(), 2);
    assert_eq!(sel("[val() = \"\"\"\n    line1\n      line2\n    \"\"\"]", &d), ["m:\"line1\\n  line2\""]);
    assert_eq!(sel("[val() = #\"\"\"\n line1\n   line2\n \"\"\"#]", &d).len(), 1);
    assert_eq!(sel("\u{feff}n /* c /* nested */ */ || k", &d).len(), 2);
    assert_eq!(sel("n \\ // continued\n || k", &d).len(), 2);
    assert_eq!(sel("  n  ", &d).len(), 1);
    assert_eq!(sel("[ val( 1 ) ]", &d).len(), 0);
    assert_eq!(sel("[ prop( \"f\" ) < 0 ]", &d).len(), 1);
    assert_eq!(sel("( )", &d).len(), 0);
    // `>` is an identifier character: without spaces this is one node name.
    let glued = Query::parse("n>k").map(|q| q.node_names());
    assert_eq!(glued, Ok(vec![("n>k".to_owned(), Span::new(0, 3))]));
}

#[test]
fn node_and_prop_names() {
    let src = "top() > (t)site[name() = \"pbx\"][prop(dc)] >> \"a b\"[xx = 1][val() = 2] || \
               [name() ^= no][tag() = t][yy]";
    let q = Query::parse(src).unwrap_or_else(|e| panic!("{e}"));
    let at = |n: &str| {
        let start = src.find(n).unwrap_or_else(|| panic!("{n}"));
        Span::new(start, start + n.len())
    };
    assert_eq!(
        q.node_names(),
        [("site".to_owned(), at("site")), ("pbx".to_owned(), at("\"pbx\"")), ("a b".to_owned(), at("\"a b\"")),]
    );
    assert_eq!(
        q.prop_names(),
        [("dc".to_owned(), at("dc")), ("xx".to_owned(), at("xx")), ("yy".to_owned(), at("yy")),]
    );
}

fn check_no_panic(q: &str) {
    if let Err(e) = Query::parse(q) {
        let Span { start, end } = e.span;
        assert!(start <= end && end <= q.len(), "{q:?}: {e:?}");
        assert!(q.is_char_boundary(start) && q.is_char_boundary(end), "{q:?}: {e:?}");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn never_panics() {
    let valid = [
        "top() > package >> name || (t)\"x\"[val(1) >= 2][prop(p) ^= #\"é\"#] ++ [] + b",
        "a[b = \"\"\"\n  x\n  \"\"\"] \\ // c\n > c /* d */",
        "[name() *= \"日本\\u{1F600}\"][tag()][val() = (ty)]",
        "x[y=#-inf][z != 0x1_f]",
    ];
    let pieces = [
        "top()", "top(", ">", ">>", "+", "++", "||", " ", "[", "]", "(", ")", "\"", "#", "##", "\\", "/*", "*/", "//",
        "\n", "=", "!=", ">=", "^=", "val(", "prop(", "name()", "tag()", "a", "é", "日本", "😀", "1", "-", ".", "0x",
        "1e", "#true", "#\"", "\"#", "\u{feff}", "\u{0}", "\u{202e}", "\r", "\u{a0}", "\\u{", "}", "\"\"\"",
    ];
    for v in valid {
        assert!(Query::parse(v).is_ok(), "{v:?}: {:?}", Query::parse(v));
        for (i, _) in v.char_indices() {
            check_no_panic(&v[..i]);
            check_no_panic(&v[i..]);
        }
    }
    // A deterministic pseudo-random mix of the pieces.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut q = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut r = seed;
        for _ in 0..(r % 9) {
            r = r.rotate_left(7) ^ 0x5555;
            q.push_str(pieces[usize::try_from(r % pieces.len() as u64).unwrap_or(0)]);
        }
        check_no_panic(&q);
    }
    // Deep nesting and very long inputs stay linear and recursion-free.
    check_no_panic(&"/*".repeat(50_000));
    check_no_panic(&"a > ".repeat(20_000));
    let long = format!("a{}", " > a".repeat(5_000));
    let doc = Document { nodes: vec![node("a")] };
    let q = Query::parse(&long).unwrap_or_else(|e| panic!("{e}"));
    assert!(q.select(&doc).is_empty());
    assert_eq!(Query::parse("a").map(|q| q.select(&doc).len()), Ok(1));
}

/// Queries and documents share one lexer: U+000B is a newline in both (it was a space in
/// queries once), and a literal lexes to the same value in both.
#[test]
fn queries_lex_like_documents() {
    let e = err("a\u{0B}b");
    assert_eq!(e.span.start, 1, "{e:?}");
    for lit in ["\"a\\tb\"", "#\"r\\n\"#", "0x_1F", "1_000.5", "#inf", "#null", "\"\"\"\n  x\n  \"\"\"", "é"] {
        let doc = crate::parse::parse(&format!("n {lit}"));
        let query = Query::parse(&format!("[val() = {lit}]"));
        match (doc, query) {
            (Ok(d), Ok(_)) => {
                let v = &d.nodes[0].entries[0].value;
                assert_eq!(crate::parse::lex_value(lit, 0).map(|t| t.value).as_ref(), Ok(v), "{lit}");
            }
            (Err(_), Err(_)) => {}
            (d, q) => panic!("{lit}: document {d:?}, query {q:?}"),
        }
    }
}
