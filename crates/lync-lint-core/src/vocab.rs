//! The vocabulary: which nodes, arguments and properties an environment file may use.
//!
//! It is data, declared in a pack's `vocabulary.kdl`; this module only decodes that
//! declaration. The same declaration drives validation (`schema.rs`), did-you-mean
//! suggestions, the summary's workloads, `init`'s starter file (`starter`) and documentation.
//! Decoding the declaration (with span-accurate diagnostics) lives in `decode`.

mod decode;
pub mod starter;

pub use decode::load;

use std::sync::LazyLock;

use crate::doc::Span;
use crate::strings::Text;

/// The engine's own vocabulary, known in every file whatever the packs: the `waiver` node
/// (`vocab/engine.kdl`).
static ENGINE: LazyLock<Vocabulary> = LazyLock::new(|| {
    let doc = crate::parse::parse(include_str!("vocab/engine.kdl")).unwrap_or_default();
    load(&doc, &mut crate::read::Reader::new("vocabulary"))
});

/// A vocabulary made for a test from its text: it must parse and decode without a mistake.
#[cfg(test)]
pub(crate) fn for_test(text: &str) -> Vocabulary {
    let doc = crate::parse::parse(text).expect("the test vocabulary parses");
    let mut r = crate::read::Reader::new("vocabulary");
    let v = load(&doc, &mut r);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
    v
}

/// The engine's top-level declarations (`waiver`), known in every file.
#[must_use]
pub fn engine_decls() -> &'static [NodeDecl] {
    &ENGINE.nodes
}

/// The type of an argument or property value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ValueType {
    /// Any string.
    String,
    /// An integer.
    Integer,
    /// A number, integer or not.
    Float,
    /// `#true` or `#false`.
    Boolean,
    /// ISO 3166-1 alpha-2 code, two uppercase letters.
    Country,
    /// `YYYY-MM-DD`.
    Date,
}

impl ValueType {
    /// The names a vocabulary file may use in `type=`.
    pub const NAMES: &[&str] = &["string", "integer", "float", "boolean", "country", "date"];

    /// Parses a `type=` name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => Self::String,
            "integer" => Self::Integer,
            "float" => Self::Float,
            "boolean" => Self::Boolean,
            "country" => Self::Country,
            "date" => Self::Date,
            _ => return None,
        })
    }

    /// How diagnostics name the type: "a boolean", "an integer", ...
    #[must_use]
    pub fn article(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Integer => "an integer",
            Self::Float => "a number",
            Self::Boolean => "a boolean (`#true` or `#false`)",
            Self::Country => "an ISO 3166-1 alpha-2 country code",
            Self::Date => "a date (`YYYY-MM-DD`)",
        }
    }

    #[must_use]
    /// The name a vocabulary file uses in `type=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Float => "float",
            Self::Boolean => "boolean",
            Self::Country => "country",
            Self::Date => "date",
        }
    }
}

/// What an integer property counts, for hybrid sizing (SPEC §4.1): declared in the vocabulary
/// (`role="need-users"`, `role="total-users"`), so the engine sizes any pack's needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Role {
    /// How many users need the node (a need); absent on a need: the whole organization.
    NeedUsers,
    /// How many users the organization has (the total hybrid sizing divides).
    TotalUsers,
}

impl Role {
    /// The names a vocabulary file may use in `role=`.
    pub const NAMES: &[&str] = &["need-users", "total-users"];

    /// Parses a `role=` name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "need-users" => Some(Self::NeedUsers),
            "total-users" => Some(Self::TotalUsers),
            _ => None,
        }
    }
}

/// An allowed value of an enumerated string.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    /// The value, e.g. `on-premises`.
    pub value: Text,
    /// What it means, for hover, `init` and the documentation.
    pub description: Text,
    /// The Lync Online workload that serves the need when it takes this value (the summary
    /// lists it), as [`NodeDecl::workload`] does for a whole node.
    pub workload: Option<Text>,
}

/// A declared argument or property.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ValueDecl {
    /// The argument's or property's name.
    pub name: Text,
    /// Its type.
    pub ty: ValueType,
    /// What it means.
    pub description: Text,
    /// Arguments: required unless optional. Properties: optional unless required.
    pub required: bool,
    /// Arguments only: one or more (zero or more when not required).
    pub repeat: bool,
    /// The allowed values of a string; empty: any value.
    pub choices: Vec<Choice>,
    /// The smallest allowed integer.
    pub min: Option<i128>,
    /// The largest allowed integer.
    pub max: Option<i128>,
    /// What the property counts, for hybrid sizing (`role=`).
    pub role: Option<Role>,
}

/// A declared node.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NodeDecl {
    /// The node's name.
    pub name: Text,
    /// What it means.
    pub description: Text,
    /// Whether it may appear several times in one parent.
    pub repeat: bool,
    /// The Lync Online workload (or, generally, the service) that serves this need, whatever
    /// its value; a need served only for some values declares it on those values instead.
    pub workload: Option<Text>,
    /// Its positional arguments, in order.
    pub args: Vec<ValueDecl>,
    /// Its properties.
    pub props: Vec<ValueDecl>,
    /// The nodes allowed in its children block.
    pub children: Vec<NodeDecl>,
    /// Where it is declared (in the vocabulary file).
    pub span: Span,
}

impl NodeDecl {
    #[must_use]
    /// The declared child `name`.
    pub fn child(&self, name: &str) -> Option<&NodeDecl> {
        self.children.iter().find(|c| c.name == name)
    }

    #[must_use]
    /// The declared property `name`.
    pub fn prop(&self, name: &str) -> Option<&ValueDecl> {
        self.props.iter().find(|p| p.name == name)
    }
}

/// The vocabulary of all loaded packs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Vocabulary {
    /// The top-level nodes.
    pub nodes: Vec<NodeDecl>,
}

impl Vocabulary {
    #[must_use]
    /// The declared top-level node `name`.
    pub fn top(&self, name: &str) -> Option<&NodeDecl> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// Every declared node, depth first, with its parent path (`voice > call-park`).
    #[must_use]
    pub fn all(&self) -> Vec<(Vec<&str>, &NodeDecl)> {
        fn walk<'a>(path: &mut Vec<&'a str>, nodes: &'a [NodeDecl], out: &mut Vec<(Vec<&'a str>, &'a NodeDecl)>) {
            for n in nodes {
                out.push((path.clone(), n));
                path.push(&n.name);
                walk(path, &n.children, out);
                path.pop();
            }
        }
        let mut out = Vec::new();
        walk(&mut Vec::new(), &self.nodes, &mut out);
        out
    }

    /// Is `name` a node anywhere in the vocabulary?
    #[must_use]
    pub fn knows_node(&self, name: &str) -> bool {
        self.any_node(|n| n.name == name)
    }

    /// Is `name` a property of some node?
    #[must_use]
    pub fn knows_prop(&self, name: &str) -> bool {
        self.any_node(|n| n.prop(name).is_some())
    }

    /// Does some node declaration satisfy `f`? (A walk without building [`Self::all`].)
    fn any_node(&self, f: impl Fn(&NodeDecl) -> bool) -> bool {
        let mut stack: Vec<&NodeDecl> = self.nodes.iter().collect();
        while let Some(n) = stack.pop() {
            if f(n) {
                return true;
            }
            stack.extend(&n.children);
        }
        false
    }

    /// Every property name declared anywhere, each once (for did-you-mean suggestions).
    #[must_use]
    pub fn prop_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for (_, n) in self.all() {
            for p in &n.props {
                if !names.iter().any(|n| *n == p.name) {
                    names.push(p.name.to_string());
                }
            }
        }
        names
    }

    /// Adds another pack's declarations; a node declared again merges its children.
    pub fn merge(&mut self, other: Vocabulary) {
        merge_into(&mut self.nodes, other.nodes);
    }
}

fn merge_into(into: &mut Vec<NodeDecl>, from: Vec<NodeDecl>) {
    for n in from {
        if let Some(existing) = into.iter_mut().find(|e| e.name == n.name) {
            merge_into(&mut existing.children, n.children);
            for p in n.props {
                if existing.prop(&p.name).is_none() {
                    existing.props.push(p);
                }
            }
        } else {
            into.push(n);
        }
    }
}

impl Vocabulary {
    /// The vocabulary reference as a Markdown table (the README embeds it; a test keeps it current).
    #[must_use]
    pub fn markdown(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::from("| node | in | arguments and properties | meaning |\n|---|---|---|---|\n");
        for (path, n) in self.all() {
            let place = if path.is_empty() { "top".to_owned() } else { format!("`{}`", path.join(" > ")) };
            let mut values: Vec<String> = n.args.iter().map(|a| value_doc(a, None)).collect();
            values.extend(n.props.iter().map(|p| value_doc(p, Some(&p.name))));
            let name = if n.repeat { format!("`{}` (repeat)", n.name) } else { format!("`{}`", n.name) };
            let _ = writeln!(s, "| {name} | {place} | {} | {} |", values.join("; "), n.description.replace('|', "\\|"));
        }
        s
    }
}

fn value_doc(v: &ValueDecl, prop: Option<&str>) -> String {
    let ty = if v.choices.is_empty() {
        v.ty.as_str().to_owned()
    } else {
        v.choices.iter().map(|c| format!("`\"{}\"`", c.value)).collect::<Vec<_>>().join(" \\| ")
    };
    let mut s = match prop {
        Some(p) => format!("`{p}=` {ty}"),
        None => format!("{}: {ty}", v.name),
    };
    if prop.is_some() && v.required {
        s.push_str(" (required)");
    }
    if prop.is_none() && !v.required {
        s.push_str(" (optional)");
    }
    if v.repeat {
        s.push_str(" (one or more)");
    }
    s
}

/// Is `s` a real calendar date written `YYYY-MM-DD`?
#[must_use]
pub fn is_date(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<u32>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}
