//! The inside of `[...]` accessor matchers: accessors (`val(n)`, `prop(p)`, `name()`,
//! `tag()`, bare names), comparison operators, operands, and the checks that reject
//! comparisons that can never hold.

use super::lex::{Cursor, Scalar, is_ident_char};
use super::parse::{PResult, close, expect_string, found};
use super::{Accessor, AccessorMatcher, KqlError, Name, Op, Operand};
use crate::doc::{Span, Value};

const OPS_HELP: &str = "comparison operators are =, !=, >, <, >=, <=, ^=, $= and *=";
const ACCESSORS_HELP: &str = "accessors are val(), val(N), prop(name), name(), tag(), or a bare property name";

pub(super) fn parse_accessor_matcher(c: &mut Cursor) -> PResult<AccessorMatcher> {
    let open = c.pos;
    c.bump();
    c.skip_ws()?;
    if c.eat("]") {
        return Ok(AccessorMatcher::Any);
    }
    if c.eof() {
        return close(c, ']', open).map(|()| AccessorMatcher::Any);
    }
    let accessor = parse_accessor(c)?;
    c.skip_ws()?;
    if c.eat("]") {
        return Ok(AccessorMatcher::Exists(accessor));
    }
    if c.eof() {
        return close(c, ']', open).map(|()| AccessorMatcher::Any);
    }
    let op_start = c.pos;
    let op = parse_op(c)?;
    let op_span = Span::new(op_start, c.pos);
    c.skip_ws()?;
    if c.eof() || c.peek() == Some(']') {
        return Err(KqlError::new(format!("missing value after `{}`", op.symbol()), c.char_span())
            .help("compare with a string, number, #true/#false/#null, or a (type)"));
    }
    let (operand, operand_span) = parse_operand(c)?;
    validate(&accessor, op, &operand, op_span, operand_span)?;
    c.skip_ws()?;
    close(c, ']', open).map_err(|e| {
        if c.eof() { e } else { e.help("one comparison per bracket; chain brackets instead: `[a = 1][b = 2]`") }
    })?;
    Ok(AccessorMatcher::Compare { accessor, op, operand, operand_span })
}

fn parse_accessor(c: &mut Cursor) -> PResult<Accessor> {
    let save = c.pos;
    if c.peek().is_some_and(is_ident_char) {
        let (word, wspan) = c.word();
        if c.peek() == Some('(') {
            let paren = c.pos;
            c.bump();
            c.skip_ws()?;
            let acc = match word {
                "val" => Accessor::Val(parse_index(c)?),
                "prop" => {
                    if c.peek() == Some(')') {
                        return Err(KqlError::new("`prop()` needs a property name", c.char_span())
                            .help("write `prop(name)`, or just `name`"));
                    }
                    let name = expect_string(c, "a property name")?;
                    c.skip_ws()?;
                    Accessor::Prop(name)
                }
                "name" => Accessor::Name,
                "tag" => Accessor::Tag,
                _ => {
                    return Err(KqlError::new(format!("unknown accessor `{word}()`"), wspan).help(ACCESSORS_HELP));
                }
            };
            close(c, ')', paren)?;
            return Ok(acc);
        }
        c.pos = save;
    }
    match c.scalar()? {
        Some((Scalar::Str { value, bare }, span)) => {
            if bare {
                check_glued_operator(c, &value, span)?;
            }
            Ok(Accessor::Prop(Name { value: value.into(), span }))
        }
        Some((_, span)) => Err(KqlError::new("expected an accessor, found a value", span)
            .help("`[val(1)]` tests the second argument; `[\"1\"]` a property named 1")),
        None => {
            Err(KqlError::new(format!("expected an accessor, found {}", found(c)), c.char_span()).help(ACCESSORS_HELP))
        }
    }
}

/// `val(` index `)`: an optional non-negative integer.
fn parse_index(c: &mut Cursor) -> PResult<usize> {
    if c.peek() == Some(')') {
        return Ok(0);
    }
    let index = match c.scalar()? {
        Some((Scalar::Number(Value::Integer(i)), span)) => usize::try_from(i.get()).map_err(|_| span),
        Some((_, span)) => Err(span),
        None => Err(c.char_span()),
    }
    .map_err(|span| {
        KqlError::new("`val()` takes an argument index", span)
            .help("write `val()` for the first argument, `val(1)` for the second, ...")
    })?;
    c.skip_ws()?;
    Ok(index)
}

/// A bare property name that swallowed an operator, like `name>3` or `a!` before `=`.
fn check_glued_operator(c: &Cursor, value: &str, span: Span) -> PResult<()> {
    let (at, op, left, right) = if let Some(i) = value.find(['>', '<']) {
        let op = &value[i..=i];
        let right = &value[i + 1..];
        let op = if right.is_empty() && c.peek() == Some('=') { format!("{op}=") } else { op.to_owned() };
        (i, op, &value[..i], right)
    } else if c.peek() == Some('=') && value.ends_with(['!', '^', '$', '*']) {
        let i = value.len() - 1;
        (i, format!("{}=", &value[i..]), &value[..i], "")
    } else {
        return Ok(());
    };
    let right = if right.is_empty() { "…" } else { right };
    Err(KqlError::new(format!("`{value}` reads as one property name"), Span::new(span.start + at, span.start + at + 1))
        .help(format!(
            "put spaces around the operator: `[{left} {op} {right}]`; or quote the name if it \
         really contains `{}`",
            &value[at..=at]
        )))
}

fn parse_op(c: &mut Cursor) -> PResult<Op> {
    let start = c.pos;
    for (sym, op) in Op::ALL {
        if c.eat(sym) {
            if c.peek().is_some_and(|ch| "=<>!^$*~".contains(ch)) {
                while c.peek().is_some_and(|ch| "=<>!^$*~".contains(ch)) {
                    c.bump();
                }
                let bad = c.rest_from(start);
                return Err(KqlError::new(format!("unknown operator `{bad}`"), Span::new(start, c.pos)).help(OPS_HELP));
            }
            return Ok(op);
        }
    }
    Err(KqlError::new(format!("expected `]` or a comparison operator, found {}", found(c)), c.char_span())
        .help(OPS_HELP))
}

fn parse_operand(c: &mut Cursor) -> PResult<(Operand, Span)> {
    let start = c.pos;
    if c.peek() == Some('(') {
        c.bump();
        c.skip_ws()?;
        let name = expect_string(c, "a type name")?;
        c.skip_ws()?;
        close(c, ')', start)?;
        return Ok((Operand::Type(name), Span::new(start, c.pos)));
    }
    match c.scalar()? {
        Some((Scalar::Str { value, .. }, span)) => Ok((Operand::Value(Value::String(value)), span)),
        Some((Scalar::Number(v) | Scalar::Keyword(v), span)) => Ok((Operand::Value(v), span)),
        None => Err(KqlError::new(format!("expected a value, found {}", found(c)), c.char_span())
            .help("compare with a string, number, #true/#false/#null, or a (type)")),
    }
}

/// Rejects comparisons that can never make sense.
fn validate(acc: &Accessor, op: Op, operand: &Operand, op_span: Span, at: Span) -> PResult<()> {
    let sym = op.symbol();
    match (acc, operand) {
        (Accessor::Val(_) | Accessor::Prop(_), Operand::Type(_)) if !matches!(op, Op::Eq | Op::Ne) => {
            Err(KqlError::new(format!("`{sym}` can't compare type annotations"), op_span)
                .help("use `=` or `!=` with a `(type)`"))
        }
        (Accessor::Val(_) | Accessor::Prop(_), Operand::Value(v))
            if op.is_string_op() && !matches!(v, Value::String(_)) =>
        {
            Err(KqlError::new(format!("`{sym}` needs a string to compare with"), at).help("quote the value"))
        }
        (Accessor::Name | Accessor::Tag, _) => {
            let acc = if *acc == Accessor::Name { "name()" } else { "tag()" };
            if op.is_ordering() {
                Err(KqlError::new(format!("`{sym}` can't be used with `{acc}`"), op_span)
                    .help(format!("`{acc}` supports =, !=, ^=, $= and *=")))
            } else if let Operand::Value(Value::String(_)) = operand {
                Ok(())
            } else {
                Err(KqlError::new(format!("`{acc}` is compared with a string"), at)
                    .help("quote the value, e.g. `[name() = \"node\"]`"))
            }
        }
        _ => Ok(()),
    }
}
