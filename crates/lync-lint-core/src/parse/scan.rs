//! The lexical layer of the fast parser: whitespace, comments, line continuations, bare
//! tokens (identifiers, numbers, keywords) and the character classes of KDL v2.
//!
//! It works on bytes and decodes UTF-8 only where a non-ASCII character matters. Strings
//! live in `string.rs`; the document structure in `fast.rs`. Nothing here allocates except
//! the values it returns and the errors.

use compact_str::CompactString;

use super::SyntaxError;
use super::chars::is_unicode_space;
use crate::doc::{Span, Value};

pub(super) type PResult<T> = Result<T, Box<SyntaxError>>;

/// A syntax error with a label and an optional help.
pub(super) fn fail(span: Span, message: impl Into<String>, label: &str, help: Option<&str>) -> Box<SyntaxError> {
    Box::new(SyntaxError {
        message: message.into(),
        label: Some(label.to_owned()),
        help: help.map(str::to_owned),
        span,
    })
}

/// Byte classes: `1` an ASCII identifier character, `2` the first byte of a non-ASCII
/// character (which needs a closer look), `0` anything else.
static IDENT: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0x21;
    while i < 0x7F {
        t[i] = 1;
        i += 1;
    }
    let not_ident = b"\\/(){};[]\"#=";
    let mut k = 0;
    while k < not_ident.len() {
        t[not_ident[k] as usize] = 0;
        k += 1;
    }
    let mut i = 0x80;
    while i < 0x100 {
        t[i] = 2;
        i += 1;
    }
    t
};

/// The class of a byte in identifiers (see `IDENT`).
#[cfg(test)]
pub(super) fn ident_byte_class(b: u8) -> u8 {
    IDENT[b as usize]
}

/// The length of the `unicode-space` at `i`, or 0.
#[inline]
pub(super) fn space_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t' => 1,
        0xC2 => usize::from(b.get(i + 1) == Some(&0xA0)) * 2,
        0xE1 => usize::from(b.get(i + 1..i + 3) == Some(&[0x9A, 0x80])) * 3,
        0xE2 => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(0x80..=0x8A | 0xAF)) | (Some(0x81), Some(0x9F)) => 3,
            _ => 0,
        },
        0xE3 => usize::from(b.get(i + 1..i + 3) == Some(&[0x80, 0x80])) * 3,
        _ => 0,
    }
}

/// The length of the `newline` at `i` (CRLF counts as one), or 0.
#[inline]
pub(super) fn newline_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b'\r' => 1 + usize::from(b.get(i + 1) == Some(&b'\n')),
        b'\n' | 0x0B | 0x0C => 1,
        0xC2 => usize::from(b.get(i + 1) == Some(&0x85)) * 2,
        0xE2 => usize::from(b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9))) * 3,
        _ => 0,
    }
}

/// The first code point the specification forbids anywhere in a document (a BOM is allowed
/// only as the very first character), as `(offset, length)`.
#[allow(clippy::needless_bitwise_bool)] // branch-free, so the fast path vectorizes
pub(super) fn find_disallowed(src: &str) -> Option<(usize, usize)> {
    let b = src.as_bytes();
    let mut i = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
    while i < b.len() {
        // Fast path: sixteen bytes of printable ASCII, tabs and line feeds.
        if let Some(chunk) = b.get(i..i + 16) {
            let plain =
                chunk.iter().fold(true, |ok, &c| ok & ((0x20..0x7F).contains(&c) | (c == b'\n') | (c == b'\t')));
            if plain {
                i += 16;
                continue;
            }
        }
        let c = b[i];
        let bad = match c {
            0..=8 | 0x0E..=0x1F | 0x7F => 1,
            // U+200E-200F, U+202A-202E, U+2066-2069 (direction controls)
            0xE2 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0x80), Some(0x8E | 0x8F | 0xAA..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9)) => 3,
                _ => 0,
            },
            // U+FEFF after the start
            0xEF if b.get(i + 1..i + 3) == Some(&[0xBB, 0xBF]) => 3,
            _ => 0,
        };
        if bad > 0 {
            return Some((i, bad));
        }
        i += 1;
    }
    None
}

/// A position in the source, moving forward.
pub(super) struct Cursor<'a> {
    pub src: &'a str,
    pub b: &'a [u8],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self {
        Self { src, b: src.as_bytes(), pos: 0 }
    }

    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline]
    pub fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    #[inline]
    pub fn at_eof(&self) -> bool {
        self.pos >= self.b.len()
    }

    /// The span of the character at the cursor (empty at the end).
    pub fn char_span(&self) -> Span {
        let len = self.src[self.pos..].chars().next().map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    /// `ws*`: unicode spaces and block comments. Returns whether anything was skipped.
    #[inline]
    pub fn skip_ws(&mut self) -> PResult<bool> {
        let start = self.pos;
        let b = self.b;
        let mut i = start;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' => i += 1,
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    self.pos = i;
                    self.block_comment()?;
                    i = self.pos;
                }
                0x80.. => match space_len(b, i) {
                    0 => break,
                    n => i += n,
                },
                _ => break,
            }
        }
        self.pos = i;
        Ok(i != start)
    }

    /// A (nestable) `/* */` comment at the cursor.
    fn block_comment(&mut self) -> PResult<()> {
        let open = self.pos;
        self.pos += 2;
        let mut depth = 1usize;
        while depth > 0 {
            let Some(k) = self.b[self.pos..].iter().position(|&c| c == b'*' || c == b'/') else {
                return Err(fail(
                    Span::new(open, open + 2),
                    "unterminated block comment",
                    "this `/*` is never closed",
                    Some("close the comment with `*/`"),
                ));
            };
            self.pos += k;
            match (self.b[self.pos], self.peek_at(1)) {
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    self.pos += 2;
                }
                (b'/', Some(b'*')) => {
                    depth += 1;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        Ok(())
    }

    /// A `//` comment at the cursor, with the newline that ends it.
    pub fn line_comment(&mut self) {
        self.pos += 2;
        while let Some(c) = self.peek() {
            if matches!(c, b'\n' | b'\r' | 0x0B | 0x0C | 0xC2 | 0xE2) {
                let n = newline_len(self.b, self.pos);
                if n > 0 {
                    self.pos += n;
                    return;
                }
            }
            self.pos += 1;
        }
    }

    /// `node-space*`: whitespace, block comments and line continuations (`\` then a newline
    /// or a `//` comment). Returns whether anything was skipped.
    #[inline]
    pub fn skip_node_space(&mut self) -> PResult<bool> {
        let start = self.pos;
        loop {
            self.skip_ws()?;
            if self.peek() != Some(b'\\') {
                break;
            }
            let slash = self.pos;
            self.pos += 1;
            self.skip_ws()?;
            match self.peek() {
                None => break,
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.line_comment(),
                Some(_) => match newline_len(self.b, self.pos) {
                    0 => {
                        return Err(fail(
                            Span::new(slash, slash + 1),
                            "expected a newline after the line continuation `\\`",
                            "line continuation",
                            Some(
                                "a `\\` outside a string continues the node on the next line; nothing may follow it but a comment",
                            ),
                        ));
                    }
                    n => self.pos += n,
                },
            }
        }
        Ok(self.pos != start)
    }

    /// `line-space*`: node space, newlines and `//` comments (between nodes).
    pub fn skip_line_space(&mut self) -> PResult<()> {
        loop {
            self.skip_node_space()?;
            match self.peek() {
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.line_comment(),
                Some(_) => match newline_len(self.b, self.pos) {
                    0 => return Ok(()),
                    n => self.pos += n,
                },
                None => return Ok(()),
            }
        }
    }

    /// The length of a node terminator (newline, `;`, `//` comment) at the cursor, or 0.
    #[inline]
    pub fn terminator_len(&self) -> usize {
        match self.peek() {
            Some(b';') => 1,
            Some(b'/') if self.peek_at(1) == Some(b'/') => 2,
            Some(_) => newline_len(self.b, self.pos),
            None => 0,
        }
    }

    /// The maximal run of identifier characters at the cursor; the cursor moves past it.
    #[inline]
    pub fn bare(&mut self) -> &'a str {
        let start = self.pos;
        let b = self.b;
        let mut i = start;
        loop {
            while i < b.len() && IDENT[b[i] as usize] == 1 {
                i += 1;
            }
            if i < b.len() && IDENT[b[i] as usize] == 2 {
                let ch = self.src[i..].chars().next().unwrap_or(' ');
                if !(is_unicode_space(ch) || matches!(ch, '\u{85}' | '\u{2028}' | '\u{2029}')) {
                    i += ch.len_utf8();
                    continue;
                }
            }
            break;
        }
        self.pos = i;
        &self.src[start..i]
    }

    /// After a value or a name: the next character must end it (whitespace, a newline, a
    /// comment, `\`, `;`, `=`, `)`, a brace, the end).
    #[inline]
    pub fn expect_value_end(&self) -> PResult<()> {
        let ok = match self.b.get(self.pos) {
            None => true,
            // A bit test, not a `match`: LLVM would make a jump table of it, and the byte
            // after a value is too unpredictable for an indirect branch.
            Some(&c) if c < 0x80 => (VALUE_END >> c) & 1 == 1,
            Some(_) => space_len(self.b, self.pos) + newline_len(self.b, self.pos) > 0,
        };
        if ok {
            Ok(())
        } else {
            Err(fail(
                self.char_span(),
                "expected whitespace, a newline or `;` here",
                "unexpected character",
                Some("values, names and properties are separated by whitespace"),
            ))
        }
    }
}

/// The ASCII bytes that may follow a value, as a bit set.
const VALUE_END: u128 = {
    let ends = b" \t\n\r\x0B\x0C/\\;=){}";
    let mut set = 0u128;
    let mut k = 0;
    while k < ends.len() {
        set |= 1 << ends[k];
        k += 1;
    }
    set
};

/// What a bare token is: an identifier string, or a number. Keywords without `#` and
/// malformed numbers are errors.
pub(super) fn classify_bare(tok: &str, span: Span) -> PResult<Option<Value>> {
    let b = tok.as_bytes();
    let signed = matches!(b[0], b'+' | b'-');
    let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if digit_at(0) || (signed && digit_at(1)) {
        return number(tok).map(Some).ok_or_else(|| {
            fail(
                span,
                format!("`{tok}` is not a valid number"),
                "invalid number",
                Some("numbers look like `12`, `-3.5`, `1_000`, `1.5e10`, `0xFF`, `0o17` or `0b1010`; quote it if it is a string"),
            )
        });
    }
    let dot = usize::from(signed);
    if b.get(dot) == Some(&b'.') && digit_at(dot + 1) {
        return Err(fail(
            span,
            format!("`{tok}` is not a valid number"),
            "invalid number",
            Some("write a digit before the decimal point, e.g. `0.5`"),
        ));
    }
    if matches!(tok, "true" | "false" | "null" | "inf" | "-inf" | "nan") {
        return Err(fail(
            span,
            format!("`{tok}` is a keyword, not a bare string, in KDL v2"),
            "bare keyword",
            Some("write keywords with `#` (`#true`, `#false`, `#null`, `#inf`, `#-inf`, `#nan`), or quote a string"),
        ));
    }
    Ok(None)
}

/// A KDL number: decimal integer, float, `0x`, `0o` or `0b`. `None` when malformed or out
/// of the model's range (`i128`).
pub(super) fn number(tok: &str) -> Option<Value> {
    let (negative, digits) = match tok.as_bytes()[0] {
        b'-' => (true, &tok[1..]),
        b'+' => (false, &tok[1..]),
        _ => (false, tok),
    };
    let radix = match digits.get(..2) {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => return decimal(tok, negative, digits),
    };
    let body = &digits.as_bytes()[2..];
    if body.first().is_none_or(|&c| c == b'_') {
        return None;
    }
    let mut mag: u128 = 0;
    for &c in body {
        if c == b'_' {
            continue;
        }
        let d = char::from(c).to_digit(radix)?;
        mag = mag.checked_mul(u128::from(radix))?.checked_add(u128::from(d))?;
    }
    signed(negative, mag).map(Value::int)
}

fn signed(negative: bool, mag: u128) -> Option<i128> {
    if negative { 0i128.checked_sub_unsigned(mag) } else { i128::try_from(mag).ok() }
}

/// `decimal := sign? integer ('.' integer)? exponent?`, `integer := digit (digit | '_')*`.
fn decimal(tok: &str, negative: bool, digits: &str) -> Option<Value> {
    let b = digits.as_bytes();
    if !b.is_empty() && b.len() <= 18 && b.iter().all(u8::is_ascii_digit) {
        let mag = i128::from(b.iter().fold(0u64, |m, &c| m * 10 + u64::from(c - b'0')));
        return Some(Value::int(if negative { -mag } else { mag }));
    }
    let run = |from: usize| -> usize {
        if !b.get(from).is_some_and(u8::is_ascii_digit) {
            return from;
        }
        from + b[from..].iter().take_while(|c| c.is_ascii_digit() || **c == b'_').count()
    };
    let int_end = run(0);
    if int_end == 0 {
        return None;
    }
    let mut end = int_end;
    let mut float = false;
    if b.get(end) == Some(&b'.') {
        let frac_end = run(end + 1);
        if frac_end == end + 1 {
            return None;
        }
        end = frac_end;
        float = true;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(b.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let exp_end = run(exp);
        if exp_end == exp {
            return None;
        }
        end = exp_end;
        float = true;
    }
    if end != b.len() {
        return None;
    }
    if float {
        let clean: String = tok.chars().filter(|&c| c != '_').collect();
        return clean.parse::<f64>().ok().map(Value::Float);
    }
    let mut mag: u128 = 0;
    for &c in b {
        if c != b'_' {
            mag = mag.checked_mul(10)?.checked_add(u128::from(c - b'0'))?;
        }
    }
    signed(negative, mag).map(Value::int)
}

impl Cursor<'_> {
    /// The string, number or keyword at the cursor (what may follow it is the caller's
    /// business): the one value lexer of documents and queries.
    #[inline]
    pub fn value(&mut self) -> PResult<Value> {
        let start = self.pos;
        Ok(match self.peek() {
            Some(b'"') => Value::String(self.quoted()?),
            Some(b'#') if matches!(self.peek_at(1), Some(b'"' | b'#')) => Value::String(self.raw()?),
            Some(b'#') => {
                self.pos += 1;
                let word = self.bare();
                let Some(v) = Value::keyword(word) else {
                    return Err(fail(
                        Span::new(start, self.pos.max(start + 1)),
                        format!("unknown keyword `#{word}`"),
                        "not a keyword",
                        Some("the keywords are `#true`, `#false`, `#null`, `#inf`, `#-inf` and `#nan`"),
                    ));
                };
                v
            }
            _ => {
                let word = self.bare();
                match word.as_bytes().first() {
                    None => return Err(self.unexpected()),
                    // Most names: a letter that cannot start a bare keyword.
                    Some(c) if c.is_ascii_alphabetic() && !matches!(c, b't' | b'f' | b'n' | b'i') => {
                        Value::String(CompactString::from(word))
                    }
                    Some(_) => match classify_bare(word, Span::new(start, self.pos))? {
                        Some(v) => v,
                        None => Value::String(CompactString::from(word)),
                    },
                }
            }
        })
    }

    /// "unexpected ..." at the cursor, where a value was expected.
    pub fn unexpected(&self) -> Box<SyntaxError> {
        let span = self.char_span();
        let found = if span.is_empty() {
            "the end of the document".to_owned()
        } else {
            format!("`{}`", &self.src[span.start..span.end])
        };
        fail(
            span,
            format!("unexpected {found}"),
            "expected a string, number or keyword",
            Some("quote strings that contain `\\/(){};[]\"#=` or whitespace"),
        )
    }
}
