//! Character-level lexing for KQL: the cursor over the query, whitespace and comments
//! (`$node-space`) and identifiers. Character classes and literals (strings, numbers,
//! keywords) are the document lexer's (`crate::parse`): one lexer for documents and queries.

use compact_str::CompactString;

use super::KqlError;
use crate::doc::{Span, Value};
use crate::parse::SyntaxError;
pub(super) use crate::parse::chars::{is_ident_char, is_newline, is_unicode_space};

/// What a value-like token turned out to be.
#[derive(Debug)]
pub(super) enum Scalar {
    /// An identifier (`bare`) or quoted/raw string.
    Str {
        value: CompactString,
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

    /// Lexes a `$string`, `$number` or `$keyword` at the cursor with the document lexer;
    /// `None` if none starts here.
    pub(super) fn scalar(&mut self) -> Result<Option<(Scalar, Span)>, KqlError> {
        let keyword = match self.peek() {
            Some('"') => false,
            Some('#') => !matches!(self.peek2(), Some('"' | '#')),
            Some(c) if is_ident_char(c) => false,
            _ => return Ok(None),
        };
        let token = crate::parse::lex_value(self.src, self.pos).map_err(KqlError::from)?;
        self.pos = token.span.end;
        let scalar = match token.value {
            Value::String(value) => Scalar::Str { value, bare: token.bare },
            v if keyword => Scalar::Keyword(v),
            v => Scalar::Number(v),
        };
        Ok(Some((scalar, token.span)))
    }
}

impl From<SyntaxError> for KqlError {
    fn from(e: SyntaxError) -> Self {
        Self { message: e.message, span: e.span, help: e.help }
    }
}
