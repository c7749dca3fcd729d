//! The KQL grammar outside brackets: `||`, selectors, combinators, `top()`, type and name
//! matchers; turns a query string into the [`Query`] tree with spans and helpful
//! errors. Loops only, no recursion, so no input can exhaust the stack.

use super::bracket::parse_accessor_matcher;
use super::lex::{Cursor, Scalar};
use super::{Combinator, Head, KqlError, Matchers, Name, Query, Selector, TypeMatcher};
use crate::doc::Span;

pub(super) type PResult<T> = Result<T, KqlError>;

pub(super) fn parse_query(src: &str) -> PResult<Query> {
    if let Some((at, len)) = crate::parse::find_disallowed(src) {
        let ch = src[at..].chars().next().unwrap_or('\0');
        return Err(KqlError::new(
            format!("character U+{:04X} not allowed here", u32::from(ch)),
            Span::new(at, at + len),
        )
        .help("control characters, direction overrides and a byte order mark after the start are not allowed in KDL"));
    }
    let mut c = Cursor::new(src);
    c.eat("\u{feff}");
    c.skip_ws()?;
    if c.eof() {
        return Err(KqlError::new("empty query", Span::new(0, src.len()))
            .help("write a selector such as `node`, `top() > node` or `[prop]`"));
    }
    let mut selectors = Vec::new();
    loop {
        let (selector, more) = parse_selector(&mut c)?;
        selectors.push(selector);
        if !more {
            return Ok(Query { selectors });
        }
    }
}

/// One selector; the flag says a `||` (already consumed) follows.
fn parse_selector(c: &mut Cursor) -> PResult<(Selector, bool)> {
    let head = if c.rest().starts_with("top(") {
        parse_top(c)?;
        Head::Top
    } else {
        Head::Matchers(parse_matchers(c)?)
    };
    let mut steps = Vec::new();
    loop {
        let had_ws = c.skip_ws()?;
        if c.eof() {
            return Ok((Selector { head, steps }, false));
        }
        if !had_ws {
            return Err(unexpected(c));
        }
        let op_start = c.pos;
        if c.eat("||") {
            expect_operand(c, op_start, "||")?;
            return Ok((Selector { head, steps }, true));
        }
        let comb = if c.eat(">>") {
            Combinator::Descendant
        } else if c.eat(">") {
            Combinator::Child
        } else if c.eat("++") {
            Combinator::Following
        } else if c.eat("+") {
            Combinator::Next
        } else {
            let span = c.char_span();
            return Err(KqlError::new(format!("expected `>`, `>>`, `+`, `++` or `||`, found {}", found(c)), span)
                .help("matchers of one node are written together without spaces, e.g. `node[prop]`"));
        };
        expect_operand(c, op_start, comb.symbol())?;
        if c.rest().starts_with("top(") {
            let start = c.pos;
            parse_top(c)?;
            return Err(KqlError::new("`top()` can only be the first matcher of a selector", Span::new(start, c.pos))
                .help("write it first (`top() > node`), or after `||`"));
        }
        steps.push((comb, parse_matchers(c)?));
    }
}

/// After a combinator or `||`: whitespace, then something to parse.
fn expect_operand(c: &mut Cursor, op_start: usize, op: &str) -> PResult<()> {
    let op_span = Span::new(op_start, c.pos);
    if !c.eof() && !c.skip_ws()? {
        return Err(KqlError::new(format!("expected whitespace after `{op}`"), c.char_span())
            .help("KDL names may contain `>` and `+`, so combinators need spaces on both sides"));
    }
    if c.eof() {
        return Err(KqlError::new(format!("missing selector after `{op}`"), op_span));
    }
    Ok(())
}

fn parse_top(c: &mut Cursor) -> PResult<()> {
    let open = c.pos + 3;
    c.eat("top(");
    c.skip_ws()?;
    close(c, ')', open)
}

pub(super) fn close(c: &mut Cursor, ch: char, open: usize) -> PResult<()> {
    if c.peek() == Some(ch) {
        c.bump();
        return Ok(());
    }
    if c.eof() {
        let opener = if ch == ')' { '(' } else { '[' };
        return Err(
            KqlError::new(format!("unclosed `{opener}`"), Span::new(open, open + 1)).help(format!("add a `{ch}`"))
        );
    }
    Err(KqlError::new(format!("expected `{ch}`, found {}", found(c)), c.char_span()))
}

pub(super) fn found(c: &Cursor) -> String {
    c.peek().map_or_else(|| "the end of the query".to_owned(), |ch| format!("`{ch}`"))
}

/// Something right after a matcher without whitespace.
fn unexpected(c: &Cursor) -> KqlError {
    let e = KqlError::new(format!("unexpected {}", found(c)), c.char_span());
    match c.peek() {
        Some('(') => e.help(
            "only `top()` is written as a function outside `[...]`; accessors go inside \
             brackets (`node[val()]`) and a type comes before the name (`(type)node`)",
        ),
        Some('[') => e.help("`top()` takes no accessors; use `top() > []`"),
        _ => e.help("put whitespace before a combinator: `a > b`"),
    }
}

fn parse_matchers(c: &mut Cursor) -> PResult<Matchers> {
    let ty = if c.peek() == Some('(') { Some(parse_type_matcher(c)?) } else { None };
    let name = parse_node_name(c)?;
    let mut accessors = Vec::new();
    while c.peek() == Some('[') {
        accessors.push(parse_accessor_matcher(c)?);
    }
    if ty.is_none() && name.is_none() && accessors.is_empty() {
        return Err(KqlError::new(format!("expected a node matcher, found {}", found(c)), c.char_span())
            .help("a matcher is a node name, `(type)`, `[accessor]`, or a mix like `(t)name[prop]`"));
    }
    Ok(Matchers { ty, name, accessors })
}

fn parse_node_name(c: &mut Cursor) -> PResult<Option<Name>> {
    let Some((scalar, span)) = c.scalar()? else {
        return Ok(None);
    };
    match scalar {
        Scalar::Str { value, bare } => {
            if bare && matches!(value.as_str(), ">" | ">>" | "+" | "++" | "||") {
                return Err(KqlError::new(format!("expected a node matcher, found `{value}`"), span).help(format!(
                    "`{value}` needs a selector on each side; quote it (`\"{value}\"`) \
                     if it is a node name"
                )));
            }
            Ok(Some(Name { value: value.into(), span }))
        }
        Scalar::Number(_) | Scalar::Keyword(_) => {
            Err(KqlError::new("a node name must be a string", span).help("quote it to match a node with that name"))
        }
    }
}

pub(super) fn expect_string(c: &mut Cursor, what: &str) -> PResult<Name> {
    match c.scalar()? {
        Some((Scalar::Str { value, .. }, span)) => Ok(Name { value: value.into(), span }),
        Some((_, span)) => {
            Err(KqlError::new(format!("expected {what}, found a value"), span).help("quote it to use it as a string"))
        }
        None => Err(KqlError::new(format!("expected {what}, found {}", found(c)), c.char_span())),
    }
}

fn parse_type_matcher(c: &mut Cursor) -> PResult<TypeMatcher> {
    let open = c.pos;
    c.bump();
    c.skip_ws()?;
    if c.eat(")") {
        return Ok(TypeMatcher::Any);
    }
    let name = expect_string(c, "a type name")?;
    c.skip_ws()?;
    close(c, ')', open)?;
    Ok(TypeMatcher::Named(name))
}
