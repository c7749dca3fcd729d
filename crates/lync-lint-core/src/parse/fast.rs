//! The fast KDL v2 parser: source text to [`Document`] in one pass, with byte spans.
//!
//! It never recurses: open children blocks live on an explicit stack (`frames`; the nodes
//! of every open level share one stack, `nodes`), so no input can overflow the call stack, and a
//! block deeper than [`MAX_DEPTH`] is refused at its own `{` (braces in strings and comments
//! are not counted). Slashdashed nodes, entries and children blocks are parsed like any
//! other and then dropped. Spans follow the `kdl` crate path exactly (see `super`); the
//! derived ones (`value_span`, trimmed node ends) use the same helper functions.

use super::scan::{Cursor, PResult, fail, find_disallowed};
use super::{MAX_DEPTH, SyntaxError, trim, value_span};
use crate::doc::{Document, Entry, Ident, Node, Span, Value};

/// How the depth error's message starts (the caller recognizes it).
pub(super) const TOO_DEEP: &str = "nesting too deep";

#[must_use]
/// The error for a children block opened deeper than [`MAX_DEPTH`], at its brace.
pub fn too_deep_error(span: Span) -> SyntaxError {
    SyntaxError {
        message: format!("{TOO_DEEP}: more than {MAX_DEPTH} levels of children"),
        label: Some("this block is too deep".to_owned()),
        help: Some("lync-lint's files are shallow; flatten the structure".to_owned()),
        span,
    }
}

/// Parses `src`; the error is the first problem found.
pub(super) fn parse(src: &str) -> PResult<Document> {
    if let Some((at, len)) = find_disallowed(src) {
        let ch = src[at..].chars().next().unwrap_or('\0');
        return Err(fail(
            Span::new(at, at + len),
            format!("the character U+{:04X} is not allowed in a KDL document", u32::from(ch)),
            "not allowed here",
            Some(
                "control characters, direction overrides and a byte order mark after the start are forbidden; in a quoted string, write it as `\\u{...}`",
            ),
        ));
    }
    let mut c = Cursor::new(src);
    if src.starts_with('\u{FEFF}') {
        c.pos = 3;
    }
    Parser { c, nodes: Vec::new(), frames: Vec::new(), hint: 1, spaced: false }.document()
}

/// Where a node is in its grammar: entries first, then children blocks.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Entries,
    /// After a slashdashed children block: no more entries.
    SlashdashedChildren,
    /// After the children block: only slashdashed blocks may follow.
    Children,
}

/// The state of a node whose head has been read. The node itself is the last of its level
/// (built in place, so the large `Node` is never moved around).
#[derive(Clone, Copy)]
struct Open {
    start: usize,
    slashdashed: bool,
    phase: Phase,
}

/// A children block being read.
struct Frame {
    open: Open,
    brace: usize,
    slashdashed: bool,
    /// Where the block's nodes start in `Parser::nodes`.
    first: usize,
}

/// How a node's tail ended.
enum Tail {
    /// The node is complete; its text (before trimming) ends at `raw_end`.
    End { raw_end: usize },
    /// A children block opened at `brace`.
    Block { brace: usize, slashdashed: bool },
}

struct Parser<'a> {
    c: Cursor<'a>,
    /// The nodes of every open level, outermost first; a closing block moves its own into
    /// an exactly sized `Vec`.
    nodes: Vec<Node>,
    frames: Vec<Frame>,
    /// The capacity of a node's first entry allocation: the previous node's entry count
    /// (sibling nodes tend to have the same shape).
    hint: usize,
    /// The last argument was followed by node space, already skipped looking for `=`.
    spaced: bool,
}

impl Parser<'_> {
    fn document(mut self) -> PResult<Document> {
        loop {
            self.c.skip_line_space()?;
            let slashdash = self.slashdash()?;
            match self.c.peek() {
                None => {
                    if let Some(at) = slashdash {
                        return Err(dangling_slashdash(at));
                    }
                    if let Some(frame) = self.frames.last() {
                        return Err(fail(
                            Span::new(frame.brace, frame.brace + 1),
                            "this children block is never closed",
                            "opened here",
                            Some("add the matching `}`"),
                        ));
                    }
                    return Ok(Document { nodes: self.nodes });
                }
                Some(b'}') => {
                    if let Some(at) = slashdash {
                        return Err(dangling_slashdash(at));
                    }
                    let Some(frame) = self.frames.pop() else {
                        return Err(fail(
                            self.c.char_span(),
                            "unexpected `}`",
                            "no block is open here",
                            Some("remove it, or add the `{` it closes"),
                        ));
                    };
                    self.c.pos += 1;
                    let children: Vec<Node> = self.nodes.drain(frame.first..).collect();
                    let mut open = frame.open;
                    if frame.slashdashed {
                        open.phase = open.phase.max(Phase::SlashdashedChildren);
                    } else {
                        self.current().children = Some(children);
                        open.phase = Phase::Children;
                    }
                    self.resume(open)?;
                }
                Some(_) => {
                    let open = self.head(slashdash.is_some())?;
                    self.resume(open)?;
                }
            }
        }
    }

    /// The node being read: the last one of the innermost level.
    fn current(&mut self) -> &mut Node {
        self.nodes.last_mut().expect("a node is open")
    }

    /// A `/-` and the line space after it, if the cursor is on one.
    fn slashdash(&mut self) -> PResult<Option<usize>> {
        if self.c.peek() == Some(b'/') && self.c.peek_at(1) == Some(b'-') {
            let at = self.c.pos;
            self.c.pos += 2;
            self.c.skip_line_space()?;
            Ok(Some(at))
        } else {
            Ok(None)
        }
    }

    /// Reads the rest of an open node: it ends, or a children block opens.
    fn resume(&mut self, mut open: Open) -> PResult<()> {
        let tail = self.tail(&mut open)?;
        match tail {
            Tail::End { raw_end } => {
                self.hint = self.current().entries.len().max(1);
                if open.slashdashed {
                    self.nodes.pop();
                } else {
                    let end = trim(self.c.src, Span::new(open.start, raw_end)).end;
                    let node = self.current();
                    node.span = Span::new(open.start.min(end), end.max(node.name.span.end));
                }
            }
            Tail::Block { brace, slashdashed } => {
                if self.frames.len() >= MAX_DEPTH {
                    return Err(Box::new(too_deep_error(Span::new(brace, brace + 1))));
                }
                self.frames.push(Frame { open, brace, slashdashed, first: self.nodes.len() });
            }
        }
        Ok(())
    }

    /// `type? node-space* string`: the annotation and the name.
    fn head(&mut self, slashdashed: bool) -> PResult<Open> {
        let start = self.c.pos;
        let ty = if self.c.peek() == Some(b'(') {
            let ty = self.annotation()?;
            self.c.skip_node_space()?;
            Some(ty)
        } else {
            None
        };
        let name = self.string_ident("a node name")?;
        self.nodes.push(Node {
            ty: ty.map(Box::new),
            name,
            entries: Vec::new(),
            children: None,
            span: Span::default(),
        });
        Ok(Open { start, slashdashed, phase: Phase::Entries })
    }

    /// Entries, children blocks and the terminator of `open`.
    fn tail(&mut self, open: &mut Open) -> PResult<Tail> {
        loop {
            let spaced = self.c.skip_node_space()? | std::mem::take(&mut self.spaced);
            let at = self.c.pos;
            let Some(c) = self.c.peek() else {
                return Ok(Tail::End { raw_end: at });
            };
            match c {
                b'}' => return Ok(Tail::End { raw_end: at }),
                b'{' => {
                    if open.phase == Phase::Children {
                        return Err(fail(
                            self.c.char_span(),
                            "a node can have only one children block",
                            "second block",
                            Some("merge the blocks, or end the node with a newline or `;` first"),
                        ));
                    }
                    self.c.pos += 1;
                    return Ok(Tail::Block { brace: at, slashdashed: false });
                }
                b'/' if self.c.peek_at(1) == Some(b'-') => {
                    self.c.pos += 2;
                    self.c.skip_line_space()?;
                    match self.c.peek() {
                        Some(b'{') => {
                            let brace = self.c.pos;
                            self.c.pos += 1;
                            return Ok(Tail::Block { brace, slashdashed: true });
                        }
                        None | Some(b'}' | b';') => return Err(dangling_slashdash(at)),
                        Some(_) => {
                            self.expect_entries(open)?;
                            self.entry()?;
                        }
                    }
                }
                _ => {
                    let n = self.c.terminator_len();
                    if n > 0 {
                        if c == b'/' {
                            self.c.line_comment();
                        } else {
                            self.c.pos += n;
                        }
                        return Ok(Tail::End { raw_end: at });
                    }
                    self.expect_entries(open)?;
                    if !spaced {
                        return Err(fail(
                            self.c.char_span(),
                            "expected whitespace before this argument or property",
                            "no space before it",
                            Some("separate a node's name, arguments and properties with spaces"),
                        ));
                    }
                    let entry = self.entry()?;
                    let hint = self.hint;
                    let entries = &mut self.current().entries;
                    if entries.capacity() == 0 {
                        entries.reserve_exact(hint);
                    }
                    entries.push(entry);
                }
            }
        }
    }

    fn expect_entries(&self, open: &Open) -> PResult<()> {
        if open.phase == Phase::Entries {
            return Ok(());
        }
        Err(fail(
            self.c.char_span(),
            "expected a newline or `;` after the children block",
            "the node goes on here",
            Some("arguments and properties come before the children block; end the node before starting another"),
        ))
    }

    /// An argument or a property.
    fn entry(&mut self) -> PResult<Entry> {
        let start = self.c.pos;
        if self.c.peek() == Some(b'(') {
            let ty = self.annotation()?;
            self.c.skip_node_space()?;
            let (value, vspan) = self.token()?;
            let span = Span::new(start, vspan.end);
            let value_span = value_span(self.c.src, span, None, Some(&ty));
            return Ok(Entry::new(None, Some(Box::new(ty)), value, value_span, span));
        }
        let (tok, tspan) = self.token()?;
        let after = self.c.pos;
        let is_prop = match self.c.peek() {
            Some(b'=') => true,
            Some(b' ' | b'\t' | b'/' | b'\\' | 0x80..) => {
                // An argument's trailing space is skipped once: the node's tail goes on after it.
                let spaced = self.c.skip_node_space()?;
                let is_prop = self.c.peek() == Some(b'=');
                self.spaced = spaced && !is_prop;
                is_prop
            }
            _ => false,
        };
        if !is_prop {
            return Ok(Entry::new(None, None, tok, tspan, tspan));
        }
        let Value::String(key) = tok else {
            return Err(fail(
                tspan,
                "a property name must be a string",
                "not a string",
                Some("quote the name, e.g. `\"1\"=...`"),
            ));
        };
        let eq = self.c.pos;
        self.c.pos += 1;
        self.c.skip_node_space()?;
        let ty = if self.c.peek() == Some(b'(') {
            let ty = self.annotation()?;
            self.c.skip_node_space()?;
            Some(ty)
        } else {
            None
        };
        let (value, vspan) = self.token()?;
        let name = Ident { value: key, span: tspan };
        let span = Span::new(start, vspan.end);
        // `key=value`: the value token is the value span; anything else is measured the way
        // the reference path measures it.
        let value_span = if eq == after && vspan.start == eq + 1 {
            vspan
        } else {
            value_span(self.c.src, span, Some(&name), ty.as_ref())
        };
        Ok(Entry::new(Some(name), ty.map(Box::new), value, value_span, span))
    }

    /// `'(' node-space* string node-space* ')'`
    fn annotation(&mut self) -> PResult<Ident> {
        let open = self.c.pos;
        self.c.pos += 1;
        self.c.skip_node_space()?;
        let name = self.string_ident("a type name")?;
        self.c.skip_node_space()?;
        if self.c.peek() != Some(b')') {
            return Err(fail(
                Span::new(open, self.c.char_span().end),
                "expected `)` to close the type annotation",
                "annotation",
                Some("a type annotation is one string in parentheses, e.g. `(date)`"),
            ));
        }
        self.c.pos += 1;
        Ok(name)
    }

    /// A string token (identifier, quoted or raw), as an [`Ident`].
    fn string_ident(&mut self, what: &str) -> PResult<Ident> {
        match self.token()? {
            (Value::String(value), span) => Ok(Ident { value, span }),
            (_, span) => Err(fail(
                span,
                format!("expected {what}, found a number or keyword"),
                "not a string",
                Some("names are strings: quote it if it must look like a number"),
            )),
        }
    }

    /// A string, number or keyword, which must be followed by a value terminator. Strings
    /// (`Value::String`) are the only tokens that can be names.
    #[inline]
    fn token(&mut self) -> PResult<(Value, Span)> {
        let start = self.c.pos;
        let tok = self.c.value()?;
        let span = Span::new(start, self.c.pos);
        self.c.expect_value_end()?;
        Ok((tok, span))
    }
}

fn dangling_slashdash(at: usize) -> Box<SyntaxError> {
    fail(
        Span::new(at, at + 2),
        "`/-` must be followed by a node, an argument, a property or a children block",
        "comments out nothing",
        Some("remove the `/-`, or put what it should comment out after it"),
    )
}
