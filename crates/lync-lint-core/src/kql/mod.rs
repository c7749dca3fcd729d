//! The KDL Query Language (KQL): the public [`Query`] API, the query tree it parses into,
//! and the [`KqlError`] a bad query reports.
//!
//! Implements kdl-org/kdl `QUERY-SPEC.md`: selectors with `>`, `>>`, `+`, `++` and `||`,
//! `top()`, type matchers `(t)` / `()`, and accessor matchers `[val(n)]`, `[prop(p)]`, `[p]`,
//! `[name()]`, `[tag()]` with the operators `= != > < >= <= ^= $= *=`. Lexing lives in
//! `lex` (its literals are the document lexer's, `crate::parse`), the grammar in `parse` and
//! `bracket`, and evaluation against a [`Document`] in `matcher`.

mod bracket;
mod lex;
mod matcher;

pub use matcher::Index;
mod parse;
#[cfg(test)]
mod test_parse;
#[cfg(test)]
mod test_select;

use std::fmt;

use crate::doc::{Document, Node, Span, Value};
use crate::strings::Text;

/// A parsed KQL query.
///
/// # Comparison semantics
///
/// * Integers and floats are both numbers and compare numerically with each other
///   (`1 = 1.0` holds); strings compare with strings (`>`, `<`, … lexicographically by
///   Unicode scalar value); booleans and `#null` support only `=` and `!=`.
/// * A string is never coerced to a number: `"1"` and `1` are never equal, and ordering
///   operators across types always fail.
/// * `!=` is true when the accessed value **exists** and is not equal to the operand,
///   including when it has a different type (`[val() != 1]` matches `node "1"`).
/// * An accessor on something absent (no such argument, no such property, no type
///   annotation for `tag()`) makes the matcher fail, for every operator including `!=`.
/// * `^=`, `$=` and `*=` need a string on both sides; otherwise they fail.
/// * `[val() = (t)]` / `[prop(p) != (t)]` compare the value's type annotation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Query {
    selectors: Vec<Selector>,
}

/// A parse error; `span` is a byte range inside the query string pointing at the bad
/// character or token. [`fmt::Display`] prints only the message; `help` is separate.
#[derive(Debug, Clone, PartialEq)]
pub struct KqlError {
    /// What is wrong, in one line.
    pub message: String,
    /// The bad character or token, as byte offsets into the query string.
    pub span: Span,
    /// How to fix it; `None` when there is no advice.
    pub help: Option<String>,
}

impl KqlError {
    fn new(message: impl Into<String>, span: Span) -> Self {
        Self { message: message.into(), span, help: None }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for KqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KqlError {}

impl Query {
    /// Parses a KQL query string.
    ///
    /// # Errors
    ///
    /// A [`KqlError`] whose span points at the offending character or token of `src`.
    pub fn parse(src: &str) -> Result<Query, KqlError> {
        parse::parse_query(src)
    }

    /// Every node of `doc` the query selects, in document order, deduplicated.
    #[must_use]
    pub fn select<'a>(&self, doc: &'a Document) -> Vec<&'a Node> {
        matcher::select(&self.selectors, &Index::new(doc))
    }

    /// Like [`Query::select`], on a document already flattened (to run many queries).
    #[must_use]
    pub fn select_in<'a>(&self, index: &Index<'a>) -> Vec<&'a Node> {
        matcher::select(&self.selectors, index)
    }

    /// Every node name the query mentions (bare names `a`, and `[name() = "x"]` with `=`),
    /// with its span in the query string, in query order.
    #[must_use]
    pub fn node_names(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        for m in self.matchers() {
            if let Some(name) = &m.name {
                out.push((name.value.to_string(), name.span));
            }
            for a in &m.accessors {
                if let AccessorMatcher::Compare {
                    accessor: Accessor::Name,
                    op: Op::Eq,
                    operand: Operand::Value(Value::String(s)),
                    operand_span,
                } = a
                {
                    out.push((s.to_string(), *operand_span));
                }
            }
        }
        out
    }

    /// Every property name the query mentions (`[prop(x)]`, `[x]`, `[x = 1]`), with its
    /// span in the query string, in query order.
    #[must_use]
    pub fn prop_names(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        for m in self.matchers() {
            for a in &m.accessors {
                if let AccessorMatcher::Exists(Accessor::Prop(p))
                | AccessorMatcher::Compare { accessor: Accessor::Prop(p), .. } = a
                {
                    out.push((p.value.to_string(), p.span));
                }
            }
        }
        out
    }

    fn matchers(&self) -> impl Iterator<Item = &Matchers> {
        self.selectors.iter().flat_map(|s| {
            let head = match &s.head {
                Head::Top => None,
                Head::Matchers(m) => Some(m),
            };
            head.into_iter().chain(s.steps.iter().map(|(_, m)| m))
        })
    }
}

/// One `||`-separated alternative: a head followed by combinator steps.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Selector {
    head: Head,
    steps: Vec<(Combinator, Matchers)>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Head {
    /// `top()`: the document itself.
    Top,
    Matchers(Matchers),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Combinator {
    /// `>`
    Child,
    /// `>>`
    Descendant,
    /// `+`
    Next,
    /// `++`
    Following,
}

impl Combinator {
    fn symbol(self) -> &'static str {
        match self {
            Combinator::Child => ">",
            Combinator::Descendant => ">>",
            Combinator::Next => "+",
            Combinator::Following => "++",
        }
    }
}

/// `(type)name[accessor]...`: every present part must match.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Matchers {
    ty: Option<TypeMatcher>,
    name: Option<Name>,
    accessors: Vec<AccessorMatcher>,
}

/// A string from the query with its span.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Name {
    value: Text,
    span: Span,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum TypeMatcher {
    /// `()`: any type annotation.
    Any,
    /// `(foo)`
    Named(Name),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum AccessorMatcher {
    /// `[]`
    Any,
    /// `[accessor]`: the accessed thing exists.
    Exists(Accessor),
    /// `[accessor op operand]`
    Compare { accessor: Accessor, op: Op, operand: Operand, operand_span: Span },
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Accessor {
    /// `val(n)`, `val()` = `val(0)`
    Val(usize),
    /// `prop(p)` or bare `p`
    Prop(Name),
    /// `name()`
    Name,
    /// `tag()`
    Tag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    StartsWith,
    EndsWith,
    Contains,
}

impl Op {
    /// Longest spellings first, so `>=` wins over `>`.
    const ALL: [(&'static str, Op); 9] = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("!=", Op::Ne),
        ("^=", Op::StartsWith),
        ("$=", Op::EndsWith),
        ("*=", Op::Contains),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
    ];

    fn symbol(self) -> &'static str {
        Self::ALL.iter().find(|(_, op)| *op == self).map_or("=", |(s, _)| s)
    }

    fn is_ordering(self) -> bool {
        matches!(self, Op::Gt | Op::Lt | Op::Ge | Op::Le)
    }

    fn is_string_op(self) -> bool {
        matches!(self, Op::StartsWith | Op::EndsWith | Op::Contains)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Operand {
    /// `(foo)`: compares the value's type annotation.
    Type(Name),
    Value(Value),
}
