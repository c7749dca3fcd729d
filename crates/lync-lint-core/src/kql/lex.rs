//! Character-level lexing for KQL: the byte cursor over the query, KDL v2 character
//! classes, whitespace and comments (`$node-space`), identifiers and `#keywords`, and the
//! dispatch to string and number literals (in `literal`).

use super::KqlError;
use super::literal::{parse_number, starts_like_number};
use crate::doc::{Span, Value};

pub(super) fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{0B}' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

pub(super) fn is_newline(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{0C}' | '\u{2028}' | '\u{2029}')
}

pub(super) fn is_disallowed(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{E}'..='\u{1F}'
            | '\u{7F}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

pub(super) fn is_ident_char(c: char) -> bool {
    !is_unicode_space(c)
        && !is_newline(c)
        && !is_disallowed(c)
        && !matches!(c, '\\' | '/' | '(' | ')' | '{' | '}' | ';' | '[' | ']' | '"' | '#' | '=')
}

/// What a value-like token turned out to be.
#[derive(Debug)]
pub(super) enum Scalar {
    /// An identifier (`bare`) or quoted/raw string.
    Str {
        value: String,
        bare: bool,
    },
    Number(Value),
    Keyword(Value),
}

/// A byte cursor over the query; `pos` is always on a char boundary.
pub(super) struct Cursor<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Self { src, pos: 0 }
    }

    pub(super) fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(super) fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    pub(super) fn eof(&self) -> bool {
        self.rest().is_empty()
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub(super) fn eat(&mut self, s: &str) -> bool {
        let hit = self.rest().starts_with(s);
        if hit {
            self.pos += s.len();
        }
        hit
    }

    /// The query text from `start` to the cursor.
    pub(super) fn rest_from(&self, start: usize) -> &'a str {
        self.src.get(start..self.pos).unwrap_or("")
    }

    /// The span of the character under the cursor (empty at the end).
    pub(super) fn char_span(&self) -> Span {
        Span::new(self.pos, self.pos + self.peek().map_or(0, char::len_utf8))
    }

    pub(super) fn eat_newline(&mut self) -> bool {
        match self.peek() {
            Some('\r') => {
                self.bump();
                self.eat("\n");
                true
            }
            Some(c) if is_newline(c) => {
                self.bump();
                true
            }
            _ => false,
        }
    }

    /// Skips `$node-space` (spaces, `/* */` comments, `\` line continuations); reports
    /// whether anything was skipped.
    pub(super) fn skip_ws(&mut self) -> Result<bool, KqlError> {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(c) if is_unicode_space(c) => {
                    self.bump();
                }
                Some('/') if self.rest().starts_with("/*") => self.block_comment()?,
                Some('\\') => self.escline()?,
                _ => return Ok(self.pos > start),
            }
        }
    }

    fn block_comment(&mut self) -> Result<(), KqlError> {
        let open = Span::new(self.pos, self.pos + 2);
        self.pos += 2;
        let mut depth = 1usize;
        while depth > 0 {
            if self.eat("/*") {
                depth += 1;
            } else if self.eat("*/") {
                depth -= 1;
            } else if self.bump().is_none() {
                return Err(KqlError::new("unterminated `/*` comment", open).help("close the comment with `*/`"));
            }
        }
        Ok(())
    }

    fn escline(&mut self) -> Result<(), KqlError> {
        let at = self.char_span();
        self.bump();
        loop {
            match self.peek() {
                Some(c) if is_unicode_space(c) => {
                    self.bump();
                }
                Some('/') if self.rest().starts_with("/*") => self.block_comment()?,
                _ => break,
            }
        }
        if self.eof() || self.eat_newline() {
            return Ok(());
        }
        if self.eat("//") {
            while !self.eof() && !self.eat_newline() {
                self.bump();
            }
            return Ok(());
        }
        Err(KqlError::new("unexpected `\\`", at)
            .help("a `\\` outside a string is a line continuation and must end the line"))
    }

    /// A run of identifier characters (possibly empty).
    pub(super) fn word(&mut self) -> (&'a str, Span) {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_char) {
            self.bump();
        }
        let span = Span::new(start, self.pos);
        (self.src.get(start..self.pos).unwrap_or(""), span)
    }

    /// Lexes a `$string`, `$number` or `$keyword` at the cursor; `None` if none starts here.
    pub(super) fn scalar(&mut self) -> Result<Option<(Scalar, Span)>, KqlError> {
        let start = self.pos;
        let scalar = match self.peek() {
            Some('"') => Scalar::Str { value: self.quoted()?, bare: false },
            Some('#') if matches!(self.peek2(), Some('"' | '#')) => Scalar::Str { value: self.raw()?, bare: false },
            Some('#') => {
                self.bump();
                let (w, _) = self.word();
                let span = Span::new(start, self.pos.max(start + 1));
                Scalar::Keyword(Value::keyword(w).ok_or_else(|| {
                    KqlError::new(format!("unknown keyword `#{w}`"), span)
                        .help("KDL keywords are #true, #false, #null, #inf, #-inf and #nan")
                })?)
            }
            Some(c) if is_ident_char(c) => {
                let (w, span) = self.word();
                return classify_word(w, span).map(|s| Some((s, span)));
            }
            _ => return Ok(None),
        };
        Ok(Some((scalar, Span::new(start, self.pos))))
    }
}

fn classify_word(w: &str, span: Span) -> Result<Scalar, KqlError> {
    if starts_like_number(w) {
        return parse_number(w).map(Scalar::Number).map_err(|m| KqlError::new(m, span));
    }
    if Value::keyword(w).is_some() {
        return Err(KqlError::new(format!("`{w}` is a keyword, not an identifier"), span)
            .help(format!("write `#{w}` for the value, or `\"{w}\"` for the string")));
    }
    Ok(Scalar::Str { value: w.to_owned(), bare: true })
}
