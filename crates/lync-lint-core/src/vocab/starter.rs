//! The starter environment file that `lync-lint init` writes, generated from the vocabulary.
//!
//! Every declared node is present with its description, the meaning of its arguments and
//! properties, and their allowed values, commented out with KDL's slashdash (`/-`): the file
//! parses as it is, and using a need means deleting `/-` in front of it (and of its block).
//! Nodes named in `active` are written live, e.g. `deployment { target "online" }`. This
//! module only formats; it knows no particular pack.

use std::fmt::Write as _;

use super::{NodeDecl, ValueDecl, ValueType, Vocabulary};

/// A node written live rather than commented out: its path from the top, and its arguments as
/// KDL source (`"online"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Active {
    /// The node names from the top-level node down to this one, e.g. `["deployment", "target"]`.
    pub path: Vec<String>,
    /// The node's arguments as KDL source, written after its name, e.g. `"online"`.
    pub args: String,
}

/// Writes the starter file. `header` lines come first (as `//` comments); `extra` are
/// declarations known in every file (the engine's own, e.g. `waiver`), added after the
/// vocabulary's unless it declares them itself.
#[must_use]
pub fn starter(vocab: &Vocabulary, extra: &[NodeDecl], header: &[String], active: &[Active]) -> String {
    let mut out = String::new();
    for line in header {
        let _ = writeln!(out, "// {line}");
    }
    out.push_str(
        "//\n\
         // Describe needs, not products. Every node is optional: a need that is left out is not needed.\n\
         // A node written `/-node` is commented out: delete the `/-` to use it (and the one in front of\n\
         // its block). Booleans are `#true` and `#false`; the values shown are examples.\n",
    );
    let mut nodes: Vec<&NodeDecl> = vocab.nodes.iter().collect();
    nodes.extend(extra.iter().filter(|e| vocab.top(&e.name).is_none()));
    let mut w = Writer { out, active, path: Vec::new() };
    for n in nodes {
        w.out.push('\n');
        w.node(n, 0);
    }
    w.out
}

/// Whether a node is written live.
enum Live<'a> {
    No,
    /// An ancestor of a live node: written live, without arguments.
    Ancestor,
    /// Named in `active`: written live with these arguments.
    Exact(&'a str),
}

struct Writer<'a> {
    out: String,
    active: &'a [Active],
    path: Vec<String>,
}

impl Writer<'_> {
    /// Is the node at `self.path` live: named in `active` (with its arguments), or an
    /// ancestor of one?
    fn live(&self) -> Live<'_> {
        match self.active.iter().find(|a| a.path.starts_with(&self.path)) {
            None => Live::No,
            Some(a) if a.path == self.path => Live::Exact(&a.args),
            Some(_) => Live::Ancestor,
        }
    }

    fn node(&mut self, n: &NodeDecl, depth: usize) {
        let pad = "    ".repeat(depth);
        let repeat = if n.repeat { " (may repeat)" } else { "" };
        let _ = writeln!(self.out, "{pad}// {}{repeat}", n.description);
        self.values(n, &pad);
        self.path.push(n.name.to_string());
        let (dash, entries) = match self.live() {
            Live::No => ("/-", sample_entries(n)),
            Live::Ancestor => ("", String::new()),
            Live::Exact(args) => ("", format!(" {args}")),
        };
        if n.children.is_empty() {
            let _ = writeln!(self.out, "{pad}{dash}{}{entries}", n.name);
        } else {
            let _ = writeln!(self.out, "{pad}{dash}{}{entries} {{", n.name);
            for c in &n.children {
                self.node(c, depth + 1);
            }
            let _ = writeln!(self.out, "{pad}}}");
        }
        self.path.pop();
    }

    /// One comment line per argument and property, and one per allowed value.
    fn values(&mut self, n: &NodeDecl, pad: &str) {
        // A lone boolean argument (`call-park #true`) explains itself.
        if n.props.is_empty() && n.args.len() == 1 && n.args.iter().all(|a| a.ty == ValueType::Boolean) {
            return;
        }
        let named =
            n.args.iter().map(|a| (a.name.to_string(), a)).chain(n.props.iter().map(|p| (format!("{}=", p.name), p)));
        for (name, v) in named {
            let kind = if v.choices.is_empty() { v.ty.as_str() } else { "one of" };
            let mut notes = vec![kind.to_owned()];
            if v.repeat {
                notes.push("one or more".to_owned());
            }
            if v.required && n.props.iter().any(|p| std::ptr::eq(p, v)) {
                notes.push("required".to_owned());
            }
            if let Some(range) = range(v) {
                notes.push(range);
            }
            let desc = if v.description.is_empty() { String::new() } else { format!("{}; ", v.description) };
            let _ = writeln!(self.out, "{pad}//   {name}: {desc}{}", notes.join(", "));
            let width = v.choices.iter().map(|c| c.value.chars().count()).max().unwrap_or(0);
            for c in &v.choices {
                let quoted = format!("\"{}\"", c.value);
                let _ = writeln!(self.out, "{pad}//     {quoted:<w$}  {}", c.description, w = width + 2);
            }
        }
    }
}

fn range(v: &ValueDecl) -> Option<String> {
    match (v.min, v.max) {
        (Some(a), Some(b)) => Some(format!("{a} to {b}")),
        (Some(a), None) => Some(format!("at least {a}")),
        (None, Some(b)) => Some(format!("at most {b}")),
        (None, None) => None,
    }
}

/// The node's arguments and properties with example values, as KDL source (` "X" p=1`).
fn sample_entries(n: &NodeDecl) -> String {
    let mut s = String::new();
    for a in &n.args {
        let _ = write!(s, " {}", sample(a));
    }
    for p in &n.props {
        let _ = write!(s, " {}={}", p.name, sample(p));
    }
    s
}

/// An example value that the declaration accepts: the first allowed value, the example the
/// description gives (``e.g. `X` ``), or a placeholder of the right type.
#[must_use]
pub fn sample(v: &ValueDecl) -> String {
    if let Some(c) = v.choices.first() {
        return format!("{:?}", c.value);
    }
    let given = example_in(&v.description);
    match v.ty {
        ValueType::Boolean => "#true".to_owned(),
        ValueType::Integer => {
            let n = given.and_then(|g| g.parse::<i128>().ok()).unwrap_or(100);
            n.clamp(v.min.unwrap_or(i128::MIN), v.max.unwrap_or(i128::MAX)).to_string()
        }
        ValueType::Float => {
            given.and_then(|g| g.parse::<f64>().ok()).map_or_else(|| "1.0".to_owned(), |f| format!("{f:?}"))
        }
        ValueType::Country => format!("{:?}", given.filter(|g| is_country(g)).unwrap_or("US")),
        ValueType::Date => format!("{:?}", given.filter(|g| crate::vocab::is_date(g)).unwrap_or("2030-12-31")),
        ValueType::String => format!("{:?}", given.map_or_else(|| v.name.to_uppercase(), str::to_owned)),
    }
}

fn is_country(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// The first ``e.g. `X` `` example in a description.
fn example_in(description: &str) -> Option<&str> {
    let rest = &description[description.find("e.g. `")? + "e.g. `".len()..];
    rest.get(..rest.find('`')?)
}
