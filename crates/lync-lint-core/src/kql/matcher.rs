//! Evaluating a parsed query against a [`Document`]: a flat pre-order walk, one boolean
//! pass per selector step (no recursion, linear in document size per step), and the value
//! comparison rules documented on [`super::Query`].

use std::cell::{OnceCell, RefCell};
use std::cmp::Ordering;

use super::{Accessor, AccessorMatcher, Combinator, Head, Matchers, Op, Operand, Selector, TypeMatcher};
use crate::doc::{Document, Entry, Node, Value};

/// A document prepared once so that many queries can run against it: the top-level nodes
/// grouped by name, the children of each node the common `top() > a > b` paths go through
/// (grouped by name on first use when there are more than `SCAN_CHILDREN`), and, when a
/// query needs it, the whole document flattened in pre-order.
pub struct Index<'a> {
    roots: &'a [Node],
    /// Top-level nodes by name, in document order.
    top: Groups<'a>,
    /// The children of each node a path went through (keyed by its address), by name; only
    /// for nodes with more than [`SCAN_CHILDREN`] children.
    children: RefCell<foldhash::HashMap<*const Node, Groups<'a>>>,
    flat: OnceCell<Vec<Flat<'a>>>,
}

/// Up to this many children are scanned by name rather than grouped: grouping allocates a
/// map and a list per name, more than a scan of a short list costs.
const SCAN_CHILDREN: usize = 16;

/// Sibling nodes by name, each list in document order.
type Groups<'a> = foldhash::HashMap<&'a str, Vec<&'a Node>>;

fn group(nodes: &[Node]) -> Groups<'_> {
    let mut groups = Groups::default();
    for n in nodes {
        groups.entry(n.name.value.as_str()).or_insert_with(Vec::new).push(n);
    }
    groups
}

impl<'a> Index<'a> {
    /// Prepares `doc` for querying.
    #[must_use]
    pub fn new(doc: &'a Document) -> Self {
        Self { roots: &doc.nodes, top: group(&doc.nodes), children: RefCell::default(), flat: OnceCell::new() }
    }

    /// Appends the children of `parent` named `name`, in document order, to `out`. A few
    /// children are scanned; only a longer list is grouped by name (once, then cached).
    fn children_named(&self, parent: &'a Node, name: &str, out: &mut Vec<&'a Node>) {
        if parent.children().len() <= SCAN_CHILDREN {
            out.extend(parent.children().iter().filter(|c| c.name.value == name));
            return;
        }
        let mut cache = self.children.borrow_mut();
        let groups = cache.entry(std::ptr::from_ref(parent)).or_insert_with(|| group(parent.children()));
        out.extend(groups.get(name).into_iter().flatten());
    }

    fn flat(&self) -> &[Flat<'a>] {
        self.flat.get_or_init(|| flatten(self.roots))
    }
}

/// A node in pre-order with the indices of its parent and previous sibling.
struct Flat<'a> {
    node: &'a Node,
    parent: Option<usize>,
    prev: Option<usize>,
}

fn flatten(roots: &[Node]) -> Vec<Flat<'_>> {
    let mut out = Vec::new();
    // (remaining siblings, parent index, index of the previous sibling)
    let mut stack = vec![(roots.iter(), None, None)];
    while let Some((iter, parent, prev)) = stack.last_mut() {
        let Some(node) = iter.next() else {
            stack.pop();
            continue;
        };
        let idx = out.len();
        out.push(Flat { node, parent: *parent, prev: *prev });
        *prev = Some(idx);
        if !node.children().is_empty() {
            stack.push((node.children().iter(), Some(idx), None));
        }
    }
    out
}

pub(super) fn select<'a>(selectors: &[Selector], index: &Index<'a>) -> Vec<&'a Node> {
    select_from_top(selectors, index).unwrap_or_else(|| select_flat(selectors, index))
}

#[cfg(test)]
pub(super) fn both_ways<'a>(selectors: &[Selector], index: &Index<'a>) -> Option<(Vec<&'a Node>, Vec<&'a Node>)> {
    Some((select_from_top(selectors, index)?, select_flat(selectors, index)))
}

/// The common shape, `top() > a > b[...]` paths (one, or several joined by `||`), walked
/// down the tree: only the nodes along the matching paths are visited. `None` for any other
/// shape.
fn select_from_top<'a>(selectors: &[Selector], index: &Index<'a>) -> Option<Vec<&'a Node>> {
    // Every selector must be such a path before any is walked (checked without collecting
    // them: a query runs for every policy on every file).
    if let [sel] = selectors {
        let (first, rest) = top_path_steps(sel)?;
        return Some(top_path(first, rest, index));
    }
    if selectors.iter().any(|s| top_path_steps(s).is_none()) {
        return None;
    }
    let mut all = Vec::new();
    for (first, rest) in selectors.iter().filter_map(top_path_steps) {
        all.extend(top_path(first, rest, index));
    }
    // Document order (a node starts after its ancestors and its earlier siblings), each once.
    all.sort_by_key(|n| n.span.start);
    all.dedup_by(|a, b| std::ptr::eq(*a, *b));
    Some(all)
}

/// The first step and the rest of a `top() > a > b[...]` path (at least one step, all of
/// them `>`); `None` for any other selector.
fn top_path_steps(sel: &Selector) -> Option<(&Matchers, &[(Combinator, Matchers)])> {
    if !matches!(sel.head, Head::Top) || sel.steps.iter().any(|(c, _)| *c != Combinator::Child) {
        return None;
    }
    let ((_, first), rest) = sel.steps.split_first()?;
    Some((first, rest))
}

/// The nodes a path selects, walked down from the top level.
fn top_path<'a>(first: &Matchers, rest: &[(Combinator, Matchers)], index: &Index<'a>) -> Vec<&'a Node> {
    let mut level: Vec<&'a Node> = match &first.name {
        Some(name) => {
            index.top.get(name.value.as_str()).into_iter().flatten().copied().filter(|n| first.matches(n)).collect()
        }
        None => index.roots.iter().filter(|n| first.matches(n)).collect(),
    };
    for (_, m) in rest {
        // Document order holds: a node's subtree precedes its next sibling's.
        let mut next = Vec::new();
        for n in &level {
            match &m.name {
                Some(name) => index.children_named(n, &name.value, &mut next),
                None => next.extend(n.children()),
            }
        }
        next.retain(|c| m.matches(c));
        level = next;
    }
    level
}

/// Any query: one boolean pass per selector step over the flattened document.
fn select_flat<'a>(selectors: &[Selector], index: &Index<'a>) -> Vec<&'a Node> {
    let flat = index.flat();
    let mut hit = vec![false; flat.len()];
    for sel in selectors {
        for (h, m) in hit.iter_mut().zip(eval(sel, flat)) {
            *h |= m;
        }
    }
    flat.iter().zip(hit).filter_map(|(f, h)| h.then_some(f.node)).collect()
}

/// Which nodes the previous step of a selector matched.
enum Level {
    /// `top()`: the document itself.
    Root,
    Nodes(Vec<bool>),
}

fn eval(sel: &Selector, flat: &[Flat]) -> Vec<bool> {
    let mut level = match &sel.head {
        Head::Top => Level::Root,
        Head::Matchers(m) => Level::Nodes(flat.iter().map(|f| m.matches(f.node)).collect()),
    };
    for (comb, m) in &sel.steps {
        level = Level::Nodes(step(&level, *comb, m, flat));
    }
    match level {
        // `top()` alone: the top-level nodes.
        Level::Root => flat.iter().map(|f| f.parent.is_none()).collect(),
        Level::Nodes(v) => v,
    }
}

fn step(prev: &Level, comb: Combinator, m: &Matchers, flat: &[Flat]) -> Vec<bool> {
    let mut out = vec![false; flat.len()];
    // `>>`: some ancestor matched; `++`: some earlier sibling matched.
    let mut reach = vec![false; flat.len()];
    for (i, f) in flat.iter().enumerate() {
        let related = match prev {
            Level::Root => match comb {
                Combinator::Child => f.parent.is_none(),
                Combinator::Descendant => true,
                Combinator::Next | Combinator::Following => false,
            },
            Level::Nodes(p) => {
                let is = |j: Option<usize>| j.is_some_and(|j| p[j]);
                let reached = |j: Option<usize>| j.is_some_and(|j| p[j] || reach[j]);
                match comb {
                    Combinator::Child => is(f.parent),
                    Combinator::Next => is(f.prev),
                    Combinator::Descendant => {
                        reach[i] = reached(f.parent);
                        reach[i]
                    }
                    Combinator::Following => {
                        reach[i] = reached(f.prev);
                        reach[i]
                    }
                }
            }
        };
        out[i] = related && m.matches(f.node);
    }
    out
}

impl Matchers {
    fn matches(&self, node: &Node) -> bool {
        let ty_ok = match &self.ty {
            None => true,
            Some(TypeMatcher::Any) => node.ty.is_some(),
            Some(TypeMatcher::Named(t)) => node.ty.as_ref().is_some_and(|ty| ty.value == t.value),
        };
        ty_ok
            && self.name.as_ref().is_none_or(|n| n.value == node.name.value)
            && self.accessors.iter().all(|a| a.matches(node))
    }
}

impl AccessorMatcher {
    fn matches(&self, node: &Node) -> bool {
        match self {
            AccessorMatcher::Any => true,
            AccessorMatcher::Exists(acc) => match acc {
                Accessor::Val(i) => node.arg(*i).is_some(),
                Accessor::Prop(p) => node.prop(&p.value).is_some(),
                Accessor::Name => true,
                Accessor::Tag => node.ty.is_some(),
            },
            AccessorMatcher::Compare { accessor, op, operand, .. } => match accessor {
                Accessor::Val(i) => node.arg(*i).is_some_and(|e| entry_matches(e, *op, operand)),
                Accessor::Prop(p) => node.prop(&p.value).is_some_and(|e| entry_matches(e, *op, operand)),
                Accessor::Name => str_matches(&node.name.value, *op, operand),
                Accessor::Tag => node.ty.as_ref().is_some_and(|t| str_matches(&t.value, *op, operand)),
            },
        }
    }
}

fn entry_matches(e: &Entry, op: Op, operand: &Operand) -> bool {
    match operand {
        Operand::Type(t) => {
            let eq = e.ty.as_ref().is_some_and(|ty| ty.value == t.value);
            match op {
                Op::Eq => eq,
                Op::Ne => !eq,
                _ => false,
            }
        }
        Operand::Value(v) => compare(Scalar::of(&e.value), op, Scalar::of(v)),
    }
}

fn str_matches(s: &str, op: Op, operand: &Operand) -> bool {
    match operand {
        Operand::Value(v) => compare(Scalar::Str(s), op, Scalar::of(v)),
        Operand::Type(_) => false,
    }
}

/// A borrowed view of a value for comparisons.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Str(&'a str),
    Int(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl<'a> Scalar<'a> {
    fn of(v: &'a Value) -> Self {
        match v {
            Value::String(s) => Scalar::Str(s),
            Value::Integer(i) => Scalar::Int(i.get()),
            Value::Float(x) => Scalar::Float(*x),
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Null => Scalar::Null,
        }
    }
}

/// `left op right`, where `left` is the accessed (existing) value.
fn compare(left: Scalar, op: Op, right: Scalar) -> bool {
    match op {
        Op::Eq => equal(left, right) == Some(true),
        // True for any existing value not equal to the operand, whatever its type.
        Op::Ne => equal(left, right) != Some(true),
        Op::Gt => order(left, right).is_some_and(Ordering::is_gt),
        Op::Lt => order(left, right).is_some_and(Ordering::is_lt),
        Op::Ge => order(left, right).is_some_and(Ordering::is_ge),
        Op::Le => order(left, right).is_some_and(Ordering::is_le),
        Op::StartsWith | Op::EndsWith | Op::Contains => match (left, right) {
            (Scalar::Str(l), Scalar::Str(r)) => match op {
                Op::StartsWith => l.starts_with(r),
                Op::EndsWith => l.ends_with(r),
                _ => l.contains(r),
            },
            _ => false,
        },
    }
}

/// `None` when the two values have incomparable types.
fn equal(left: Scalar, right: Scalar) -> Option<bool> {
    match (left, right) {
        (Scalar::Bool(l), Scalar::Bool(r)) => Some(l == r),
        (Scalar::Null, Scalar::Null) => Some(true),
        // NaN is equal to nothing.
        (Scalar::Float(x), _) | (_, Scalar::Float(x)) if x.is_nan() => Some(false),
        _ => order(left, right).map(Ordering::is_eq),
    }
}

/// Ordering between numbers (integers and floats mixed) or between strings.
fn order(left: Scalar, right: Scalar) -> Option<Ordering> {
    match (left, right) {
        (Scalar::Str(l), Scalar::Str(r)) => Some(l.cmp(r)),
        (Scalar::Int(l), Scalar::Int(r)) => Some(l.cmp(&r)),
        (Scalar::Float(l), Scalar::Float(r)) => l.partial_cmp(&r),
        (Scalar::Int(l), Scalar::Float(r)) => cmp_int_float(l, r),
        (Scalar::Float(l), Scalar::Int(r)) => cmp_int_float(r, l).map(Ordering::reverse),
        _ => None,
    }
}

/// Exact comparison of an integer with a float (no rounding of large integers).
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn cmp_int_float(i: i128, f: f64) -> Option<Ordering> {
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0; // 2^127
    if f.is_nan() {
        return None;
    }
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f < -LIMIT {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    Some(i.cmp(&(t as i128)).then_with(|| {
        if f > t {
            Ordering::Less
        } else if f < t {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }))
}

#[cfg(test)]
mod tests;
