//! The vocabulary: which nodes, arguments and properties an environment file may use.
//!
//! It is data, declared in a pack's `vocabulary.kdl`; this module only decodes that
//! declaration. The same declaration drives validation (`schema.rs`), did-you-mean
//! suggestions, the summary's workloads, and documentation.

use crate::doc::{Document, Node, Span, Value};
use crate::pack::read::Reader;

/// The type of an argument or property value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Integer,
    Float,
    Boolean,
    /// ISO 3166-1 alpha-2 code, two uppercase letters.
    Country,
    /// `YYYY-MM-DD`.
    Date,
}

impl ValueType {
    fn parse(s: &str) -> Option<Self> {
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

/// An allowed value of an enumerated string.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub description: String,
}

/// A declared argument or property.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDecl {
    pub name: String,
    pub ty: ValueType,
    pub description: String,
    /// Arguments: required unless optional. Properties: optional unless required.
    pub required: bool,
    /// Arguments only: one or more (zero or more when not required).
    pub repeat: bool,
    pub choices: Vec<Choice>,
    pub min: Option<i128>,
    pub max: Option<i128>,
}

/// A declared node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDecl {
    pub name: String,
    pub description: String,
    pub repeat: bool,
    /// The Lync Online workload (or, generally, the service) that serves this need.
    pub workload: Option<String>,
    pub args: Vec<ValueDecl>,
    pub props: Vec<ValueDecl>,
    pub children: Vec<NodeDecl>,
    /// Where it is declared (in the vocabulary file).
    pub span: Span,
}

impl NodeDecl {
    #[must_use]
    pub fn child(&self, name: &str) -> Option<&NodeDecl> {
        self.children.iter().find(|c| c.name == name)
    }

    #[must_use]
    pub fn prop(&self, name: &str) -> Option<&ValueDecl> {
        self.props.iter().find(|p| p.name == name)
    }
}

/// The vocabulary of all loaded packs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    pub nodes: Vec<NodeDecl>,
}

impl Vocabulary {
    #[must_use]
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
        self.all().iter().any(|(_, n)| n.name == name)
    }

    /// Is `name` a property of some node?
    #[must_use]
    pub fn knows_prop(&self, name: &str) -> bool {
        self.all().iter().any(|(_, n)| n.prop(name).is_some())
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

/// Decodes a `vocabulary.kdl` document.
pub fn load(doc: &Document, r: &mut Reader) -> Vocabulary {
    let mut nodes = Vec::new();
    for top in &doc.nodes {
        if top.name.value != "vocabulary" {
            r.unknown_child(top, "the vocabulary file", &["vocabulary"]);
            continue;
        }
        r.string_arg(top, "the vocabulary's name");
        for child in top.children() {
            if child.name.value == "node" {
                if let Some(n) = node_decl(child, r) {
                    nodes.push(n);
                }
            } else {
                r.unknown_child(child, "vocabulary", &["node"]);
            }
        }
    }
    Vocabulary { nodes }
}

fn node_decl(node: &Node, r: &mut Reader) -> Option<NodeDecl> {
    r.allow_props(node, &["repeat", "workload"]);
    let (name, _) = r.string_arg(node, "a node name")?;
    let mut decl = NodeDecl {
        name,
        description: String::new(),
        repeat: node.prop("repeat").and_then(|e| r.expect_bool(e, "`repeat`")).unwrap_or(false),
        workload: node.prop("workload").and_then(|e| r.expect_string(e, "`workload`")),
        args: Vec::new(),
        props: Vec::new(),
        children: Vec::new(),
        span: node.span,
    };
    for child in node.children() {
        match child.name.value.as_str() {
            "description" => {
                if let Some((d, _)) = r.string_arg(child, "a description") {
                    decl.description = d;
                }
            }
            "arg" => decl.args.extend(value_decl(child, r, true)),
            "prop" => decl.props.extend(value_decl(child, r, false)),
            "node" => decl.children.extend(node_decl(child, r)),
            _ => r.unknown_child(child, "node", &["description", "arg", "prop", "node"]),
        }
    }
    if decl.description.is_empty() {
        r.error(
            "missing-field",
            format!("node `{}` has no description", decl.name),
            node.name.span,
            "add `description \"...\"`",
        );
    }
    Some(decl)
}

fn value_decl(node: &Node, r: &mut Reader, is_arg: bool) -> Option<ValueDecl> {
    let allowed: &[&str] = if is_arg {
        &["type", "description", "optional", "repeat", "min", "max"]
    } else {
        &["type", "description", "required", "min", "max"]
    };
    r.allow_props(node, allowed);
    let (name, _) = r.string_arg(node, "a name")?;
    let Some(type_entry) = node.prop("type") else {
        r.error("missing-field", format!("`{name}` has no `type=`"), node.name.span, "add `type=\"...\"`");
        return None;
    };
    let ty = {
        {
            let e = type_entry;
            let s = r.expect_string(e, "`type`")?;
            if let Some(t) = ValueType::parse(&s) {
                t
            } else {
                r.error_help(
                    "type",
                    format!("unknown value type `{s}`"),
                    e.value_span,
                    "unknown type",
                    Some("types: `string`, `integer`, `float`, `boolean`, `country`, `date`".to_owned()),
                );
                return None;
            }
        }
    };
    let flag = |r: &mut Reader, key: &str| node.prop(key).and_then(|e| r.expect_bool(e, key)).unwrap_or(false);
    let required = if is_arg { !flag(r, "optional") } else { flag(r, "required") };
    let repeat = is_arg && flag(r, "repeat");
    let int = |r: &mut Reader, key: &str| node.prop(key).and_then(|e| r.expect_int(e, key));
    let mut choices = Vec::new();
    for c in node.children() {
        if c.name.value != "value" {
            r.unknown_child(c, &name, &["value"]);
            continue;
        }
        r.allow_props(c, &["description"]);
        if let Some((value, _)) = r.string_arg(c, "an allowed value") {
            let description = c
                .prop("description")
                .and_then(|e| match &e.value {
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            choices.push(Choice { value, description });
        }
    }
    Some(ValueDecl {
        description: node.prop("description").and_then(|e| r.expect_string(e, "`description`")).unwrap_or_default(),
        min: int(r, "min"),
        max: int(r, "max"),
        name,
        ty,
        required,
        repeat,
        choices,
    })
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
