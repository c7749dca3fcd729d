//! The internal document model: what every other module works on.
//!
//! A [`Document`] is a tree of [`Node`]s with byte spans on every name, type annotation,
//! argument and property. It is produced by `crate::parse` (its own fast parser; the `kdl` crate only explains rejected files) and
//! nothing outside that module may depend on the parser: this seam lets a faster parser be
//! swapped in without touching validation, KQL or evaluation.

use std::fmt;

use compact_str::CompactString;

/// A half-open byte range `start..end` into the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// The offset of the first byte.
    pub start: usize,
    /// The offset just past the last byte (equal to `start` for an empty span).
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The number of bytes covered.
    #[must_use]
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// `true` when the span covers no bytes.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }

    /// The span covering both `self` and `other`.
    #[must_use]
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A KDL value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// A string (bare identifier, quoted, raw or multi-line), with escapes resolved. Up to
    /// 24 bytes it is held inline: most names and values of an environment file are short,
    /// and a large file's check would otherwise allocate for each of them.
    String(CompactString),
    /// A number without fraction or exponent, in any radix; one outside the `i128` range is
    /// a syntax error.
    Integer(Int),
    /// A number with a fraction or exponent, or `#inf`, `#-inf`, `#nan`.
    Float(f64),
    /// `#true` or `#false`.
    Bool(bool),
    /// `#null`.
    Null,
}

/// An integer value: an `i128` kept as its 16 bytes. An `i128` field is aligned to 16 bytes,
/// which would make every [`Value`] (and every entry of a large file) 32 bytes instead of 24.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(from = "i128", into = "i128")]
pub struct Int([u8; 16]);

impl Int {
    /// The integer `i`.
    #[must_use]
    pub const fn new(i: i128) -> Self {
        Self(i.to_ne_bytes())
    }

    /// The integer.
    #[must_use]
    pub const fn get(self) -> i128 {
        i128::from_ne_bytes(self.0)
    }
}

impl From<i128> for Int {
    fn from(i: i128) -> Self {
        Self::new(i)
    }
}

impl From<Int> for i128 {
    fn from(i: Int) -> Self {
        i.get()
    }
}

impl fmt::Debug for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

impl fmt::Display for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.get(), f)
    }
}

impl Value {
    /// An integer value.
    #[must_use]
    pub const fn int(i: i128) -> Self {
        Self::Integer(Int::new(i))
    }

    /// The integer, for an integer value; `None` for any other type.
    #[must_use]
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Integer(i) => Some(i.get()),
            _ => None,
        }
    }

    /// The name of the value's type, as users read it in diagnostics.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::Bool(_) => "boolean",
            Value::Null => "null",
        }
    }

    /// The value of a `#` keyword (`#true`, `#false`, `#null`, `#inf`, `#-inf`, `#nan`),
    /// from the word after the `#`.
    #[must_use]
    pub fn keyword(word: &str) -> Option<Self> {
        Some(match word {
            "true" => Self::Bool(true),
            "false" => Self::Bool(false),
            "null" => Self::Null,
            "inf" => Self::Float(f64::INFINITY),
            "-inf" => Self::Float(f64::NEG_INFINITY),
            "nan" => Self::Float(f64::NAN),
            _ => return None,
        })
    }

    /// The text of a string value; `None` for any other type.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// KDL v2 source form: strings quoted, keywords with `#`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => write!(f, "{s:?}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Float(x) if x.is_nan() => f.write_str("#nan"),
            Value::Float(x) if x.is_infinite() => f.write_str(if x.is_sign_positive() { "#inf" } else { "#-inf" }),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Bool(b) => write!(f, "#{b}"),
            Value::Null => f.write_str("#null"),
        }
    }
}

/// A name (node name, property name, or type annotation) with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name, with quotes removed and escapes resolved (inline up to 24 bytes, as a
    /// string value).
    pub value: CompactString,
    /// The name's token in the source, quotes included.
    pub span: Span,
}

/// An argument or a property value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// `Some` for a property (`name=value`), `None` for an argument.
    pub name: Option<Ident>,
    /// The type annotation, e.g. `(sri)` in `(sri)"..."`. Boxed: few entries have one, and
    /// an unboxed one would make every entry of a large file 32 bytes larger.
    pub ty: Option<Box<Ident>>,
    /// The value.
    pub value: Value,
    /// [`Entry::value_span`] and [`Entry::span`], in 8 bytes each instead of 16: an entry of
    /// a large file is 88 bytes instead of 104.
    value_span: Span32,
    span: Span32,
}

/// A [`Span`] kept as two 32-bit offsets. Files are read up to 16 MiB; an offset past 4 GiB
/// (a text handed to the parser directly) would be kept as 4 GiB.
#[derive(Clone, Copy, PartialEq)]
struct Span32 {
    start: u32,
    end: u32,
}

impl From<Span> for Span32 {
    fn from(s: Span) -> Self {
        let at = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Self { start: at(s.start), end: at(s.end) }
    }
}

impl From<Span32> for Span {
    fn from(s: Span32) -> Self {
        Span::new(s.start as usize, s.end as usize)
    }
}

impl fmt::Debug for Span32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&Span::from(*self), f)
    }
}

impl Entry {
    /// An entry whose value token is `value_span` and whole text (name, `=`, annotation and
    /// value) is `span`.
    #[must_use]
    pub fn new(name: Option<Ident>, ty: Option<Box<Ident>>, value: Value, value_span: Span, span: Span) -> Self {
        Self { name, ty, value, value_span: value_span.into(), span: span.into() }
    }

    /// The value token itself (without the name or annotation).
    #[must_use]
    pub fn value_span(&self) -> Span {
        self.value_span.into()
    }

    /// The whole entry: name, `=`, annotation and value.
    #[must_use]
    pub fn span(&self) -> Span {
        self.span.into()
    }
}

/// A node: `(ty)name arg... prop=value... { children }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The type annotation (the `ty` of `(ty)name`); `None` when there is none. Boxed, as
    /// an entry's.
    pub ty: Option<Box<Ident>>,
    /// The node name.
    pub name: Ident,
    /// Arguments and properties, in source order.
    pub entries: Vec<Entry>,
    /// `None` when the node has no `{ }` block.
    pub children: Option<Vec<Node>>,
    /// The whole node, from its annotation or name to the end of its children block.
    pub span: Span,
}

impl Node {
    /// The arguments, in order.
    pub fn args(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.name.is_none())
    }

    /// The properties, in source order (duplicates included).
    pub fn props(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.name.is_some())
    }

    /// The `n`th argument (0-based).
    #[must_use]
    pub fn arg(&self, n: usize) -> Option<&Entry> {
        self.args().nth(n)
    }

    /// The property `name`; when it is given twice the rightmost wins, as KDL specifies.
    #[must_use]
    pub fn prop(&self, name: &str) -> Option<&Entry> {
        self.props().filter(|e| e.name.as_ref().is_some_and(|n| n.value == name)).last()
    }

    /// The children, empty when there is no block.
    #[must_use]
    pub fn children(&self) -> &[Node] {
        self.children.as_deref().unwrap_or(&[])
    }

    /// The span of the node's head: annotation, name and entries, without children.
    #[must_use]
    pub fn head_span(&self) -> Span {
        let start = self.ty.as_ref().map_or(self.name.span.start, |t| t.span.start);
        let end = self.entries.iter().map(|e| e.span().end).fold(self.name.span.end, usize::max);
        Span::new(start.min(self.name.span.start), end)
    }
}

/// A parsed KDL document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// The top-level nodes, in source order.
    pub nodes: Vec<Node>,
}

#[cfg(test)]
mod tests {
    use super::{Entry, Int, Node, Span, Value};

    #[test]
    fn integers_keep_every_i128() {
        for i in [0, 1, -1, 255, i128::from(i64::MIN) - 1, i128::from(u64::MAX) + 1, i128::MIN, i128::MAX] {
            assert_eq!(Int::new(i).get(), i);
            assert_eq!(Value::int(i).as_int(), Some(i));
            assert_eq!(Value::int(i).to_string(), i.to_string());
            assert_eq!(format!("{:?}", Int::new(i)), i.to_string());
        }
        assert_eq!(Value::Bool(true).as_int(), None);
        assert_eq!(i128::from(Int::from(-7)), -7);
    }

    #[test]
    fn values_show_as_kdl_writes_them() {
        let shown = |v: Value| v.to_string();
        assert_eq!(shown(Value::Float(f64::NAN)), "#nan");
        assert_eq!(shown(Value::Float(f64::INFINITY)), "#inf");
        assert_eq!(shown(Value::Float(f64::NEG_INFINITY)), "#-inf");
        assert_eq!(shown(Value::Float(1.5)), "1.5");
        assert_eq!(shown(Value::Float(0.0)), "0.0");
        assert_eq!(shown(Value::Bool(false)), "#false");
        assert_eq!(shown(Value::Null), "#null");
        assert_eq!(shown(Value::String("a b".into())), "\"a b\"");
    }

    #[test]
    fn an_empty_span_is_one_that_ends_where_it_starts() {
        assert!(Span::new(3, 3).is_empty());
        assert!(!Span::new(3, 4).is_empty());
    }

    #[test]
    fn an_entry_shows_its_spans() {
        let e = Entry::new(None, None, Value::int(1), Span::new(3, 4), Span::new(2, 4));
        assert_eq!((e.value_span(), e.span()), (Span::new(3, 4), Span::new(2, 4)));
        let shown = format!("{e:?}");
        assert!(shown.contains("value_span: Span { start: 3, end: 4 }, span: Span { start: 2, end: 4 }"), "{shown}");
    }

    #[test]
    fn a_large_file_s_model_stays_small() {
        // A 1 MB file of ten thousand nodes holds tens of thousands of entries: each byte
        // here is tens of kilobytes there.
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert!(std::mem::size_of::<Entry>() <= 88, "{}", std::mem::size_of::<Entry>());
        assert!(std::mem::size_of::<Node>() <= 112, "{}", std::mem::size_of::<Node>());
    }
}
