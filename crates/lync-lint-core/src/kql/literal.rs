//! KDL v2 literals for the lexer: quoted, raw and multi-line strings (escapes, dedent)
//! and numbers (decimal, float, hex, octal, binary, underscores).

use super::KqlError;
use super::lex::{Cursor, is_disallowed, is_newline, is_unicode_space};
use crate::doc::{Span, Value};

impl Cursor<'_> {
    /// A `"..."` or `"""` multi-line string, escapes processed.
    pub(super) fn quoted(&mut self) -> Result<String, KqlError> {
        let start = self.pos;
        if self.eat("\"\"\"") {
            let open = Span::new(start, self.pos);
            let body_start = self.pos;
            if !self.eat_newline() {
                return Err(KqlError::new("expected a newline after `\"\"\"`", open)
                    .help("`\"\"\"` opens a multi-line string; use `\"...\"` for one line"));
            }
            let body_from = self.pos;
            while !self.rest().starts_with("\"\"\"") {
                match self.bump() {
                    None => return Err(unterminated(open)),
                    Some('\\') => {
                        self.bump();
                    }
                    Some(_) => {}
                }
            }
            let body = self.src.get(body_from..self.pos).unwrap_or("");
            self.pos += 3;
            let dedented = dedent(body).map_err(|m| KqlError::new(m, open))?;
            return unescape(&dedented).map_err(|(_, _, m)| KqlError::new(m, Span::new(start, body_start)));
        }
        let open = self.char_span();
        self.bump();
        let body_from = self.pos;
        loop {
            match self.peek() {
                None => return Err(unterminated(open)),
                Some('"') => break,
                Some('\\') => {
                    self.bump();
                    self.bump();
                }
                Some(c) if is_newline(c) => {
                    return Err(KqlError::new("newline in a string", self.char_span())
                        .help("write `\\n`, or use a `\"\"\"` multi-line string"));
                }
                Some(_) => {
                    self.bump();
                }
            }
        }
        let body = self.src.get(body_from..self.pos).unwrap_or("");
        self.pos += 1;
        unescape(body).map_err(|(at, len, m)| KqlError::new(m, Span::new(body_from + at, body_from + at + len)))
    }

    /// A `#"..."#` raw string (any number of `#`), possibly multi-line.
    pub(super) fn raw(&mut self) -> Result<String, KqlError> {
        let start = self.pos;
        while self.eat("#") {}
        let hashes = self.pos - start;
        let open = Span::new(start, self.pos);
        let multi = self.rest().starts_with("\"\"\"");
        if !multi && !self.eat("\"") {
            return Err(KqlError::new("expected `\"` to start a raw string", self.char_span())
                .help("raw strings look like `#\"...\"#`"));
        }
        let quotes = if multi { "\"\"\"" } else { "\"" };
        if multi {
            self.pos += 3;
            if !self.eat_newline() {
                return Err(KqlError::new("expected a newline after `#\"\"\"`", open)
                    .help("`#\"\"\"` opens a multi-line raw string; use `#\"...\"#` for one line"));
            }
        }
        let close = format!("{quotes}{}", "#".repeat(hashes));
        let Some(len) = self.rest().find(&close) else {
            return Err(unterminated(open));
        };
        let body = self.rest().get(..len).unwrap_or("");
        let body_from = self.pos;
        self.pos += len + close.len();
        if let Some((i, c)) = body.char_indices().find(|&(_, c)| is_disallowed(c) || (!multi && is_newline(c))) {
            let span = Span::new(body_from + i, body_from + i + c.len_utf8());
            return Err(KqlError::new(format!("character U+{:04X} not allowed here", c as u32), span));
        }
        if multi { dedent(body).map_err(|m| KqlError::new(m, open)) } else { Ok(body.to_owned()) }
    }
}

fn unterminated(open: Span) -> KqlError {
    KqlError::new("unterminated string", open).help("close the string with a matching quote")
}

pub(super) fn starts_like_number(w: &str) -> bool {
    let mut cs = w.chars();
    match cs.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('+' | '-') => match cs.next() {
            Some(c) if c.is_ascii_digit() => true,
            Some('.') => cs.next().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        },
        Some('.') => cs.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Parses a KDL v2 number (decimal, float, `0x`, `0o`, `0b`, underscores).
pub(super) fn parse_number(w: &str) -> Result<Value, String> {
    let invalid = || format!("invalid number `{w}`");
    let (neg, body) = match w.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, w.strip_prefix('+').unwrap_or(w)),
    };
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)].into_iter().find_map(|(p, r)| body.strip_prefix(p).map(|d| (r, d)));
    let (radix, digits, float) = match radix {
        Some((r, d)) => {
            let ok = d.chars().next().is_some_and(|c| c.is_digit(r)) && d.chars().all(|c| c == '_' || c.is_digit(r));
            if !ok {
                return Err(invalid());
            }
            (r, d, false)
        }
        None => (10, body, is_decimal(body).ok_or_else(invalid)?),
    };
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if float {
        let x: f64 = clean.parse().map_err(|_| invalid())?;
        return Ok(Value::Float(if neg { -x } else { x }));
    }
    let out_of_range = || format!("integer `{w}` is out of range");
    let mag = u128::from_str_radix(&clean, radix).map_err(|_| out_of_range())?;
    let v = if neg { 0i128.checked_sub_unsigned(mag) } else { i128::try_from(mag).ok() };
    v.map(Value::Integer).ok_or_else(out_of_range)
}

/// Validates `digits ('.' digits)? (e sign? digits)?`; `Some(is_float)` when valid.
fn is_decimal(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        if !b.get(*i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while b.get(*i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            *i += 1;
        }
        true
    };
    let mut float = false;
    if !digits(&mut i) {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        float = true;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        float = true;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    (i == b.len()).then_some(float)
}

/// Splits on KDL newlines (CRLF counts once).
fn split_lines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if is_newline(c) {
            out.push(s.get(start..i).unwrap_or(""));
            start = i + c.len_utf8();
            if c == '\r' && it.peek().is_some_and(|&(_, n)| n == '\n') {
                it.next();
                start += 1;
            }
        }
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

/// Dedents a multi-line string body by the whitespace of its closing line.
fn dedent(body: &str) -> Result<String, &'static str> {
    let lines = split_lines(body);
    let Some((prefix, lines)) = lines.split_last() else {
        return Ok(String::new());
    };
    if !prefix.chars().all(is_unicode_space) {
        return Err("the closing `\"\"\"` of a multi-line string must be on its own line");
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.chars().all(is_unicode_space) {
            out.push("");
        } else {
            out.push(
                line.strip_prefix(prefix)
                    .ok_or("every line of a multi-line string must start with the closing line's indentation")?,
            );
        }
    }
    Ok(out.join("\n"))
}

/// Processes KDL escapes; on error returns (byte offset, length, message).
fn unescape(s: &str) -> Result<String, (usize, usize, String)> {
    let mut out = String::with_capacity(s.len());
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '\\' {
            if is_disallowed(c) {
                let m = format!("character U+{:04X} not allowed in a string", c as u32);
                return Err((i, c.len_utf8(), m));
            }
            out.push(c);
            continue;
        }
        let Some((_, e)) = it.next() else {
            return Err((i, 1, "unfinished escape".to_owned()));
        };
        let bad = || (i, 1 + e.len_utf8(), format!("invalid escape `\\{e}`"));
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{C}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            's' => out.push(' '),
            'u' => {
                let mut hex = String::new();
                if it.next().map(|(_, c)| c) != Some('{') {
                    return Err(bad());
                }
                loop {
                    match it.next() {
                        Some((_, '}')) => break,
                        Some((_, h)) if h.is_ascii_hexdigit() && hex.len() < 6 => hex.push(h),
                        _ => return Err((i, 2, "invalid `\\u{...}` escape".to_owned())),
                    }
                }
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(ch.ok_or((i, 2, "invalid `\\u{...}` escape".to_owned()))?);
            }
            c if is_unicode_space(c) || is_newline(c) => {
                while it.next_if(|&(_, c)| is_unicode_space(c) || is_newline(c)).is_some() {}
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}
