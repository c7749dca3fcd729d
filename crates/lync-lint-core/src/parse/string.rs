//! Quoted (`"..."`, `"""..."""`) and raw (`#"..."#`, `#"""..."""#`) strings of KDL v2.
//!
//! A single-line string without escapes is one copy of its bytes. Multi-line strings follow
//! the specification's order: line continuations (`\` then whitespace) are removed first,
//! newlines are normalized to `\n`, every line loses the closing line's whitespace prefix
//! (whitespace-only lines become empty), and only then are the other escapes interpreted.

use compact_str::CompactString;

use super::chars::is_unicode_space;
use super::scan::{Cursor, PResult, fail, newline_len, space_len};
use crate::doc::Span;

/// Bytes that end the fast scan of a single-line quoted string.
static QUOTED_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let stops = [b'"', b'\\', b'\n', b'\r', 0x0B, 0x0C, 0xC2, 0xE2];
    let mut k = 0;
    while k < stops.len() {
        t[stops[k] as usize] = true;
        k += 1;
    }
    t
};

impl Cursor<'_> {
    /// A quoted string at the cursor (on its first `"`).
    pub fn quoted(&mut self) -> PResult<CompactString> {
        let open = self.pos;
        if self.b[self.pos..].starts_with(b"\"\"\"") {
            return self.multiline_quoted().map(CompactString::from);
        }
        self.pos += 1;
        let start = self.pos;
        let mut i = start;
        loop {
            while i < self.b.len() && !QUOTED_STOP[self.b[i] as usize] {
                i += 1;
            }
            match self.b.get(i) {
                Some(0xC2 | 0xE2) if newline_len(self.b, i) == 0 => i += 1,
                _ => break,
            }
        }
        if self.b.get(i) == Some(&b'"') {
            self.pos = i + 1;
            return Ok(CompactString::from(&self.src[start..i]));
        }
        // Escapes, or a character to look at closely: the slow path.
        let mut out = String::from(&self.src[start..i]);
        self.pos = i;
        loop {
            let Some(c) = self.peek() else {
                return Err(unterminated(open));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(out.into());
                }
                b'\\' => self.escape(&mut out)?,
                _ if newline_len(self.b, self.pos) > 0 => {
                    return Err(fail(
                        Span::new(open, self.pos),
                        "unexpected newline in a single-line string",
                        "this string",
                        Some("close the string on the same line, or use a multi-line string: `\"\"\"` then a newline"),
                    ));
                }
                _ => {
                    let ch = self.src[self.pos..].chars().next().unwrap_or('\0');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
    }

    /// One escape at the cursor (on the `\`), appended to `out`.
    fn escape(&mut self, out: &mut String) -> PResult<()> {
        let at = self.pos;
        self.pos += 1;
        let Some(c) = self.peek() else {
            return Err(bad_escape(Span::new(at, self.pos)));
        };
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'b' => '\u{8}',
            b'f' => '\u{C}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b's' => ' ',
            b'u' => return self.unicode_escape(at, out),
            _ => {
                // `\` then whitespace and newlines: all of it is removed.
                let skipped = self.skip_escaped_whitespace();
                if skipped {
                    return Ok(());
                }
                return Err(bad_escape(self.char_span().join(Span::new(at, at + 1))));
            }
        };
        self.pos += 1;
        out.push(ch);
        Ok(())
    }

    /// Whitespace and newlines after a `\` (a line continuation inside a string).
    fn skip_escaped_whitespace(&mut self) -> bool {
        let start = self.pos;
        while !self.at_eof() {
            let n = space_len(self.b, self.pos) + newline_len(self.b, self.pos);
            if n == 0 {
                break;
            }
            self.pos += n;
        }
        self.pos != start
    }

    /// `\u{X}` with one to six hex digits naming a Unicode scalar value.
    fn unicode_escape(&mut self, at: usize, out: &mut String) -> PResult<()> {
        self.pos += 1;
        let digits_start = self.pos + 1;
        let close = self.b[self.pos..].iter().take(9).position(|&c| c == b'}').map(|k| self.pos + k);
        let ch = match (self.peek(), close) {
            (Some(b'{'), Some(close)) if (2..=7).contains(&(close - self.pos)) => {
                let hex = &self.src[digits_start..close];
                let ok = hex.bytes().all(|c| c.is_ascii_hexdigit());
                self.pos = close + 1;
                ok.then(|| u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)).flatten()
            }
            _ => None,
        };
        match ch {
            Some(ch) => {
                out.push(ch);
                Ok(())
            }
            None => Err(fail(
                Span::new(at, self.pos.max(at + 2)),
                "invalid unicode escape",
                "here",
                Some(
                    "write `\\u{` then one to six hex digits of a Unicode scalar value (not a surrogate, at most 10FFFF) then `}`",
                ),
            )),
        }
    }

    /// A `"""` string: the end is the first `"""` that is not escaped.
    fn multiline_quoted(&mut self) -> PResult<String> {
        let open = self.pos;
        self.pos += 3;
        self.expect_opening_newline(open)?;
        let body_start = self.pos;
        let mut i = body_start;
        loop {
            match self.b.get(i) {
                None => return Err(unterminated(open)),
                Some(b'\\') => i += 2,
                Some(b'"') if self.b[i..].starts_with(b"\"\"\"") => break,
                Some(_) => i += 1,
            }
        }
        self.pos = i + 3;
        let body = remove_line_continuations(&self.src[body_start..i]);
        let dedented = dedent(&body).ok_or_else(|| bad_multiline(open, self.pos))?;
        let mut inner = Cursor { src: &dedented, b: dedented.as_bytes(), pos: 0 };
        let mut out = String::with_capacity(dedented.len());
        while let Some(c) = inner.peek() {
            if c == b'\\' {
                inner.escape(&mut out).map_err(|mut e| {
                    e.span = Span::new(open, self.pos);
                    e
                })?;
            } else {
                let ch = inner.src[inner.pos..].chars().next().unwrap_or('\0');
                out.push(ch);
                inner.pos += ch.len_utf8();
            }
        }
        Ok(out)
    }

    fn expect_opening_newline(&mut self, open: usize) -> PResult<()> {
        match self.peek().map(|_| newline_len(self.b, self.pos)) {
            Some(n) if n > 0 => {
                self.pos += n;
                Ok(())
            }
            _ => Err(fail(
                Span::new(open, self.pos),
                "a multi-line string must start with a newline after its opening quotes",
                "multi-line string",
                Some("put the text on the lines after `\"\"\"`, or use a single-line string `\"...\"`"),
            )),
        }
    }

    /// A raw string at the cursor (on its first `#`).
    pub fn raw(&mut self) -> PResult<CompactString> {
        let open = self.pos;
        let hashes = self.b[self.pos..].iter().take_while(|&&c| c == b'#').count();
        self.pos += hashes;
        if self.peek() != Some(b'"') {
            return Err(fail(self.char_span(), "expected `\"` after `#` in a raw string", "raw string", None));
        }
        let closing = |b: &[u8], i: usize, quotes: usize| {
            b[i..].len() >= quotes + hashes
                && b[i..i + quotes].iter().all(|&c| c == b'"')
                && b[i + quotes..i + quotes + hashes].iter().all(|&c| c == b'#')
        };
        if self.b[self.pos..].starts_with(b"\"\"\"") {
            self.pos += 3;
            self.expect_opening_newline(open)?;
            let body_start = self.pos;
            let end = (body_start..self.b.len()).find(|&i| closing(self.b, i, 3)).ok_or_else(|| unterminated(open))?;
            self.pos = end + 3 + hashes;
            let body = normalize_newlines(&self.src[body_start..end]);
            return dedent(&body).map(CompactString::from).ok_or_else(|| bad_multiline(open, self.pos));
        }
        self.pos += 1;
        let body_start = self.pos;
        let mut i = body_start;
        loop {
            // Skip to a byte that may close the string or start a newline (raw strings have
            // no escapes; a `\` just stops the skip).
            while i < self.b.len() && !QUOTED_STOP[self.b[i] as usize] {
                i += 1;
            }
            if i >= self.b.len() {
                return Err(unterminated(open));
            }
            if closing(self.b, i, 1) {
                break;
            }
            if newline_len(self.b, i) > 0 {
                return Err(fail(
                    Span::new(open, i),
                    "unexpected newline in a single-line raw string",
                    "this string",
                    Some("close the string on the same line, or use a multi-line raw string: `#\"\"\"` then a newline"),
                ));
            }
            i += 1;
        }
        self.pos = i + 1 + hashes;
        Ok(CompactString::from(&self.src[body_start..i]))
    }
}

/// Removes `\` + whitespace/newline runs (keeping `\\` and other escapes intact), then
/// normalizes the remaining newlines to `\n`.
fn remove_line_continuations(body: &str) -> String {
    let b = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let mut j = i + 1;
            while j < b.len() {
                let n = space_len(b, j) + newline_len(b, j);
                if n == 0 {
                    break;
                }
                j += n;
            }
            if j > i + 1 {
                out.push_str(&body[copied..i]);
                i = j;
                copied = j;
            } else {
                i += 2;
            }
            continue;
        }
        i += 1;
    }
    out.push_str(&body[copied.min(body.len())..]);
    normalize_newlines(&out)
}

fn normalize_newlines(body: &str) -> String {
    let b = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let n = newline_len(b, i);
        if n > 0 && !(n == 1 && b[i] == b'\n') {
            out.push_str(&body[copied..i]);
            out.push('\n');
            i += n;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&body[copied..]);
    out
}

/// Removes the closing line's whitespace prefix from every line; `None` when the closing
/// line is not whitespace or a line does not start with the prefix.
fn dedent(body: &str) -> Option<String> {
    let blank = |s: &str| s.chars().all(is_unicode_space);
    let Some(last_nl) = body.rfind('\n') else {
        return blank(body).then(String::new);
    };
    let prefix = &body[last_nl + 1..];
    if !blank(prefix) {
        return None;
    }
    let mut out = String::with_capacity(last_nl);
    for (k, line) in body[..last_nl].split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        if !blank(line) {
            out.push_str(line.strip_prefix(prefix)?);
        }
    }
    Some(out)
}

fn unterminated(open: usize) -> Box<super::SyntaxError> {
    fail(
        Span::new(open, open + 1),
        "unterminated string",
        "this string is never closed",
        Some("close it with the same quotes (and `#`s) it opens with"),
    )
}

fn bad_escape(span: Span) -> Box<super::SyntaxError> {
    fail(
        span,
        "invalid escape in a string",
        "unknown escape",
        Some(
            "escapes are `\\\"`, `\\\\`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t`, `\\s`, `\\u{...}`, or `\\` before whitespace; use a raw string `#\"...\"#` for literal backslashes",
        ),
    )
}

fn bad_multiline(open: usize, end: usize) -> Box<super::SyntaxError> {
    fail(
        Span::new(open, end),
        "malformed multi-line string",
        "this string",
        Some(
            "the closing quotes must be alone on their line, and every line must start with the whitespace that precedes them",
        ),
    )
}
