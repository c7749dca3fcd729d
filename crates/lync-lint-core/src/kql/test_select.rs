//! Tests of query evaluation: the spec's examples, every operator, the type rules, and the
//! combinators. Also holds the tiny node builder the parse tests share.

use super::Query;
use crate::doc::{Document, Entry, Ident, Node, Span, Value};

fn ident(s: &str) -> Ident {
    Ident { value: s.into(), span: Span::default() }
}

pub(super) fn node(name: &str) -> Node {
    Node { ty: None, name: ident(name), entries: Vec::new(), children: None, span: Span::default() }
}

pub(super) fn s(v: &str) -> Value {
    Value::String(v.into())
}

/// Builder methods for test nodes.
pub(super) trait Build {
    fn typed(self, ty: &str) -> Self;
    fn with_arg(self, v: Value) -> Self;
    fn with_typed_arg(self, ty: &str, v: Value) -> Self;
    fn with_prop(self, k: &str, v: Value) -> Self;
    fn with_typed_prop(self, k: &str, ty: &str, v: Value) -> Self;
    fn kids(self, kids: Vec<Node>) -> Self;
}

fn entry(name: Option<&str>, ty: Option<&str>, value: Value) -> Entry {
    Entry::new(name.map(ident), ty.map(ident).map(Box::new), value, Span::default(), Span::default())
}

impl Build for Node {
    fn typed(mut self, ty: &str) -> Self {
        self.ty = Some(Box::new(ident(ty)));
        self
    }
    fn with_arg(mut self, v: Value) -> Self {
        self.entries.push(entry(None, None, v));
        self
    }
    fn with_typed_arg(mut self, ty: &str, v: Value) -> Self {
        self.entries.push(entry(None, Some(ty), v));
        self
    }
    fn with_prop(mut self, k: &str, v: Value) -> Self {
        self.entries.push(entry(Some(k), None, v));
        self
    }
    fn with_typed_prop(mut self, k: &str, ty: &str, v: Value) -> Self {
        self.entries.push(entry(Some(k), Some(ty), v));
        self
    }
    fn kids(mut self, kids: Vec<Node>) -> Self {
        self.children = Some(kids);
        self
    }
}

/// The spec's example document.
fn package() -> Document {
    Document {
        nodes: vec![node("package").kids(vec![
            node("name").with_arg(s("foo")),
            node("version").with_arg(s("1.0.0")),
            node("dependencies").with_prop("platform", s("windows")).kids(vec![
                    node("winapi")
                        .with_arg(s("1.0.0"))
                        .with_prop("path", s("./crates/my-winapi-fork")),
                ]),
            node("dependencies").kids(vec![
                node("miette")
                    .with_arg(s("2.0.0"))
                    .with_prop("dev", Value::Bool(true))
                    .with_typed_prop("integrity", "sri", s("sha512-deadbeef")),
            ]),
        ])],
    }
}

/// Names of the selected nodes, tagged with their first argument or `platform` to tell
/// same-named nodes apart.
pub(super) fn sel(q: &str, doc: &Document) -> Vec<String> {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{q:?}: {e} at {:?}", e.span));
    query
        .select(doc)
        .into_iter()
        .map(|n| match n.arg(0).or_else(|| n.prop("platform")) {
            Some(e) => format!("{}:{}", n.name.value, e.value),
            None => n.name.value.to_string(),
        })
        .collect()
}

#[test]
fn spec_examples() {
    let d = package();
    assert_eq!(sel("package >> name", &d), ["name:\"foo\""]);
    assert_eq!(sel("top() > package >> name", &d), ["name:\"foo\""]);
    assert_eq!(sel("dependencies", &d), ["dependencies:\"windows\"", "dependencies"]);
    assert_eq!(sel("dependencies[platform]", &d), ["dependencies:\"windows\""]);
    assert_eq!(sel("dependencies[prop(platform)]", &d), ["dependencies:\"windows\""]);
    assert_eq!(sel("dependencies > []", &d), ["winapi:\"1.0.0\"", "miette:\"2.0.0\""]);
    assert_eq!(sel("[prop(integrity) = (sri)]", &d), ["miette:\"2.0.0\""]);
    assert_eq!(sel("[dev = #true]", &d), ["miette:\"2.0.0\""]);
    assert!(sel("top() > name", &d).is_empty());
    assert_eq!(sel("package > name", &d), ["name:\"foo\""]);
}

/// A flat document for operator tests.
fn flat() -> Document {
    Document {
        nodes: vec![
            node("alpha").typed("big").with_arg(Value::int(5)).with_arg(s("five")).with_prop("p", Value::int(5)),
            node("beta").typed("small").with_arg(s("hello")).with_arg(Value::int(2)).with_prop("p", s("hello")),
            node("gamma").with_arg(Value::Float(1.0)).with_prop("p", Value::Float(2.5)),
        ],
    }
}

fn names(q: &str) -> Vec<String> {
    let d = flat();
    Query::parse(q)
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
        .select(&d)
        .into_iter()
        .map(|n| n.name.value.to_string())
        .collect()
}

#[test]
fn every_operator_true_and_false() {
    let cases: &[(&str, &[&str])] = &[
        // =
        ("[val() = 5]", &["alpha"]),
        ("[val() = 6]", &[]),
        ("[p = hello]", &["beta"]),
        ("[prop(p) = nope]", &[]),
        ("[name() = beta]", &["beta"]),
        ("[name() = delta]", &[]),
        ("[tag() = big]", &["alpha"]),
        ("[tag() = huge]", &[]),
        ("[val(1) = five]", &["alpha"]),
        ("[val(1) = six]", &[]),
        // !=
        ("[val() != 5]", &["beta", "gamma"]),
        ("[p != 5]", &["beta", "gamma"]),
        ("[name() != beta]", &["alpha", "gamma"]),
        ("[tag() != big]", &["beta"]),
        ("[val(1) != 2]", &["alpha"]),
        // > < >= <=
        ("[val() > 4]", &["alpha"]),
        ("[val() > 5]", &[]),
        ("[val() < 2]", &["gamma"]),
        ("[val() < 1]", &[]),
        ("[val() >= 5]", &["alpha"]),
        ("[val() >= 5.5]", &[]),
        ("[val() <= 1]", &["gamma"]),
        ("[val() <= 0]", &[]),
        ("[p > 2]", &["alpha", "gamma"]),
        ("[p < 3]", &["gamma"]),
        ("[prop(p) >= 2.5]", &["alpha", "gamma"]),
        ("[p <= 2.4]", &[]),
        ("[val(1) > 1]", &["beta"]),
        ("[val(1) < \"g\"]", &["alpha"]),
        ("[val(1) >= six]", &[]),
        ("[val(1) <= 2]", &["beta"]),
        ("[p > hello]", &[]),
        ("[p >= hello]", &["beta"]),
        // ^= $= *=
        ("[val() ^= he]", &["beta"]),
        ("[val() ^= lo]", &[]),
        ("[val() $= llo]", &["beta"]),
        ("[val() $= he]", &[]),
        ("[val() *= ell]", &["beta"]),
        ("[val() *= xyz]", &[]),
        ("[p ^= hel]", &["beta"]),
        ("[p $= x]", &[]),
        ("[prop(p) *= l]", &["beta"]),
        ("[name() ^= al]", &["alpha"]),
        ("[name() ^= ph]", &[]),
        ("[name() $= ta]", &["beta"]),
        ("[name() *= amm]", &["gamma"]),
        ("[name() *= zz]", &[]),
        ("[tag() ^= sm]", &["beta"]),
        ("[tag() $= g]", &["alpha"]),
        ("[tag() *= ma]", &["beta"]),
        ("[tag() *= q]", &[]),
        ("[val(1) ^= fi]", &["alpha"]),
        ("[val(1) $= ve]", &["alpha"]),
        ("[val(1) *= x]", &[]),
    ];
    for (q, want) in cases {
        assert_eq!(names(q), *want, "query {q}");
    }
}

#[test]
fn type_rules() {
    let d = Document {
        nodes: vec![
            node("s").with_arg(s("1")),
            node("i").with_arg(Value::int(1)),
            node("f").with_arg(Value::Float(1.0)),
            node("b").with_arg(Value::Bool(true)),
            node("n").with_arg(Value::Null),
            node("none"),
        ],
    };
    assert_eq!(sel("[val() = 1]", &d), ["i:1", "f:1.0"]);
    assert_eq!(sel("[val() = \"1\"]", &d), ["s:\"1\""]);
    assert_eq!(sel("[val() = 1.0]", &d), ["i:1", "f:1.0"]);
    assert_eq!(sel("[val() > 0]", &d), ["i:1", "f:1.0"]);
    assert!(sel("[val() > \"0\"]", &d).contains(&"s:\"1\"".to_owned()));
    assert_eq!(sel("[val() > \"0\"]", &d).len(), 1);
    assert!(sel("[val() > #false]", &d).is_empty());
    assert!(sel("[val() < #null]", &d).is_empty());
    assert_eq!(sel("[val() = #true]", &d), ["b:#true"]);
    assert_eq!(sel("[val() = #null]", &d), ["n:#null"]);
    // != : exists and not equal, even across types; absent fails.
    assert_eq!(sel("[val() != 1]", &d), ["s:\"1\"", "b:#true", "n:#null"]);
    assert_eq!(sel("[val() != #null]", &d), ["s:\"1\"", "i:1", "f:1.0", "b:#true"]);
    assert!(sel("[val(1) != 1]", &d).is_empty());
    assert!(sel("[nope != 1]", &d).is_empty());
    assert!(sel("[val() ^= \"1\"]", &d).contains(&"s:\"1\"".to_owned()));
    assert_eq!(sel("[val() *= \"1\"]", &d).len(), 1);
    // Big integers compare exactly with floats; NaN equals nothing.
    let big = Document { nodes: vec![node("x").with_arg(Value::int(9_007_199_254_740_993))] };
    assert!(sel("[val() = 9007199254740992.0]", &big).is_empty());
    assert_eq!(sel("[val() > 9007199254740992.0]", &big).len(), 1);
    assert!(sel("[val() = #nan]", &big).is_empty());
    assert_eq!(sel("[val() != #nan]", &big).len(), 1);
    assert_eq!(sel("[val() < #inf]", &big).len(), 1);
}

#[test]
fn type_and_any_matchers() {
    let d = flat();
    assert_eq!(sel("()", &d), ["alpha:5", "beta:\"hello\""]);
    assert_eq!(sel("(big)", &d), ["alpha:5"]);
    assert_eq!(sel("(small)beta", &d), ["beta:\"hello\""]);
    assert!(sel("(big)beta", &d).is_empty());
    assert_eq!(sel("[]", &d).len(), 3);
    assert_eq!(sel("[tag()]", &d).len(), 2);
    assert_eq!(sel("[name()]", &d).len(), 3);
    assert_eq!(sel("[val(1)]", &d).len(), 2);
    assert_eq!(sel("[val()][p][]", &d).len(), 3);
    let t = Document {
        nodes: vec![
            node("a").with_typed_arg("foo", Value::int(1)),
            node("b").with_typed_arg("bar", Value::int(1)),
            node("c").with_arg(Value::int(1)),
            node("d"),
        ],
    };
    assert_eq!(sel("[val() = (foo)]", &t), ["a:1"]);
    assert_eq!(sel("[val() = ( \"foo\" )]", &t), ["a:1"]);
    assert_eq!(sel("[val() != (foo)]", &t), ["b:1", "c:1"]);
}

fn tree() -> Document {
    Document {
        nodes: vec![
            node("a").kids(vec![
                node("b").with_arg(Value::int(1)),
                node("c").with_arg(Value::int(1)),
                node("b").with_arg(Value::int(2)),
                node("d").kids(vec![node("b").with_arg(Value::int(3)).kids(vec![node("c").with_arg(Value::int(2))])]),
            ]),
            node("b").with_arg(Value::int(4)),
            node("c").with_arg(Value::int(3)),
        ],
    }
}

#[test]
fn combinators() {
    let d = tree();
    assert_eq!(sel("a > b", &d), ["b:1", "b:2"]);
    assert_eq!(sel("a >> b", &d), ["b:1", "b:2", "b:3"]);
    assert_eq!(sel("a >> d >> c", &d), ["c:2"]);
    assert_eq!(sel("b + c", &d), ["c:1", "c:3"]);
    assert_eq!(sel("b + b", &d), Vec::<String>::new());
    assert_eq!(sel("b ++ b", &d), ["b:2"]);
    assert_eq!(sel("c ++ []", &d), ["b:2", "d"]);
    assert_eq!(sel("a ++ c", &d), ["c:3"]);
    assert_eq!(sel("a > b + c", &d), ["c:1"]);
    assert_eq!(sel("a >> b > c", &d), ["c:2"]);
    assert_eq!(sel("top() > b", &d), ["b:4"]);
    assert_eq!(sel("top() >> c", &d), ["c:1", "c:2", "c:3"]);
    assert_eq!(sel("top()", &d), ["a", "b:4", "c:3"]);
    assert_eq!(sel("top() > []", &d), sel("top()", &d));
    assert!(sel("top() + b", &d).is_empty());
    assert!(sel("top() ++ b", &d).is_empty());
    assert_eq!(sel("b", &d), ["b:1", "b:2", "b:3", "b:4"]);
}

#[test]
fn or_dedups_in_document_order() {
    let d = tree();
    assert_eq!(sel("c || b", &d), ["b:1", "c:1", "b:2", "b:3", "c:2", "b:4", "c:3"]);
    assert_eq!(sel("a > b || b || top() > b", &d), ["b:1", "b:2", "b:3", "b:4"]);
    assert_eq!(sel("a > b || a > c || d", &d), ["b:1", "c:1", "b:2", "d"]);
    assert_eq!(sel("top() > c || a > c", &d), ["c:1", "c:3"]);
}

#[test]
fn lenient_real_queries() {
    let d = Document {
        nodes: vec![
            node("site").with_prop("datacenter", Value::Bool(true)),
            node("site").with_prop("datacenter", Value::Bool(false)),
            node("voice").kids(vec![node("pbx-replacement").with_arg(Value::Bool(true))]),
            node("collaboration").kids(vec![node("meetings").with_prop("max-participants", Value::int(300))]),
            node("deployment").kids(vec![node("target").with_arg(s("hybrid"))]),
        ],
    };
    assert_eq!(sel("site[datacenter=#true]", &d).len(), 1);
    assert_eq!(sel("site[datacenter= #false]", &d).len(), 1);
    assert_eq!(sel("top() > voice > pbx-replacement[val() = #true]", &d), ["pbx-replacement:#true"]);
    assert_eq!(sel("top() > collaboration > meetings[max-participants > 250]", &d), ["meetings"]);
    assert!(sel("top() > collaboration > meetings[max-participants > 300]", &d).is_empty());
    let raw = r#"top() > deployment > target[val() = "hybrid"]"#;
    assert_eq!(sel(raw, &d), ["target:\"hybrid\""]);
    assert_eq!(sel("target[val()=\"hybrid\"]", &d).len(), 1);
    assert_eq!(sel("target[val()^=#\"hy\"#]", &d).len(), 1);
    assert_eq!(sel("meetings[prop(max-participants)>=300]", &d).len(), 1);
    assert_eq!(sel("pbx-replacement[val()>#false]", &d).len(), 0);
}

/// The walk down from `top()` finds what the general evaluation finds, in the same order.
#[test]
fn paths_from_top_agree_with_the_general_evaluation() {
    // The repository's fixtures, two levels above this crate.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut docs: Vec<Document> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let text = std::fs::read_to_string(&p).ok()?;
            p.to_string_lossy().ends_with(".lync.kdl").then(|| crate::parse::parse(&text).ok()).flatten()
        })
        .collect();
    docs.push(
        crate::parse::parse("a 1 { b 2; b x=1 { c; b }; (t)b #true }\na { b 3 { c } }\nb\n(t)a { b }\n")
            .expect("parses"),
    );
    // A parent with more children than are scanned by name: they are grouped.
    let many: String =
        (0..40).map(|i| if i % 3 == 0 { format!("b {i} x=1 {{ c }}; ") } else { format!("c {i}; b; ") }).collect();
    docs.push(crate::parse::parse(&format!("a {{ {many} }}\n")).expect("parses"));
    assert!(docs.len() > 5);
    let queries = [
        "top() > a",
        "top() > a > b",
        "top() > a > b > c",
        "top() > (t)a > b",
        "top() > a > b[val() = 2]",
        "top() > a > b[x]",
        "top() > a > (t)b[val()]",
        "top() > []",
        "top() > [] > []",
        "top() > voice > call-park[val() = #true]",
        "top() > site[datacenter = #true]",
        "top() > deployment > target",
        "top() > management > [val() = #true]",
        "top() > [] > [val() = #false]",
        // Several paths: their union, in document order, each node once.
        "top() > a > b || top() > a",
        "top() > a > b || top() > a > b[x] || top() > b",
        "top() > voice > call-park[val() = #true] || top() > voice > response-groups[val() = #true]",
        "top() > site[datacenter = #true] || top() > [] > [val() = #true] || top() > site",
    ];
    let mut compared = 0;
    for q in queries {
        let query = Query::parse(q).expect(q);
        for doc in &docs {
            let index = super::matcher::Index::new(doc);
            let (fast, general) = super::matcher::both_ways(&query.selectors, &index).expect("a path from top()");
            assert!(
                fast.len() == general.len() && fast.iter().zip(&general).all(|(a, b)| std::ptr::eq(*a, *b)),
                "`{q}`: {} vs {} nodes",
                fast.len(),
                general.len()
            );
            compared += fast.len();
        }
    }
    assert!(compared > 20, "the queries find nodes ({compared})");
}
