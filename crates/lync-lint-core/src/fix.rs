//! The one fix engine (SPEC §7.1): the safe fixes of a file as [`Edit`]s, and applying them.
//! `lync-lint check --fix` / `--diff` and the language server's quick fixes and
//! `source.fixAll` all come through here; nothing else edits a user's text.
//!
//! A fix is an edit that cannot change what the user meant:
//!
//! - a did-you-mean rename of an unknown node, property or choice value when there is exactly
//!   one suggestion (attached to its diagnostic by `schema`, as [`Diagnostic::fix`]);
//! - `"true"`/`"yes"` or `"false"`/`"no"` where a boolean is expected: `#true`/`#false`
//!   (also attached by `schema`);
//! - KDL v1 to v2, token by token ([`v1_to_v2`]), for a file that does not parse and does once
//!   rewritten.
//!
//! Edits replace only their spans: comments, blank lines, line endings and formatting
//! elsewhere stay byte-identical ([`apply`]). Fixing converges ([`fix_until_stable`]): a
//! second run finds nothing to do. This module reads no file and writes none; the binary
//! does the I/O (atomic writes, the check that a file did not change meanwhile).

use crate::diag::Diagnostic;
pub use crate::diag::{Edit, Fix};
use crate::doc::{Span, Value};
use crate::parse::chars::{is_disallowed, is_newline, is_unicode_space};

/// How many times [`fix_until_stable`] fixes and checks again at most. A rename can make a
/// node known whose own mistakes then get fixes; real files settle in two or three rounds.
pub const MAX_ROUNDS: usize = 8;

/// The text after a run of fixes, and how many edits were applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The fixed text.
    pub text: String,
    /// How many edits changed it (0: `text` is the original).
    pub fixes: usize,
}

/// The edits [`apply`] would apply, in order: inside `text` and on character boundaries,
/// not overlapping an earlier one (the first of two overlapping edits in span order wins),
/// and changing something.
fn applicable<'e>(text: &str, edits: &'e [Edit]) -> Vec<&'e Edit> {
    let mut sorted: Vec<&Edit> = edits
        .iter()
        .filter(|e| {
            e.span.start <= e.span.end
                && e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
                && text[e.span.start..e.span.end] != e.text
        })
        .collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out: Vec<&Edit> = Vec::with_capacity(sorted.len());
    for e in sorted {
        let overlaps = out.last().is_some_and(|last| e.span.start < last.span.end || e.span == last.span);
        if !overlaps {
            out.push(e);
        }
    }
    out
}

/// The edits [`apply`] applies, in order (for clients that apply edits themselves, like a
/// language server's: they must not overlap).
#[must_use]
pub fn normalized(text: &str, edits: &[Edit]) -> Vec<Edit> {
    applicable(text, edits).into_iter().cloned().collect()
}

/// `text` with `edits` applied. Edits are sorted; one that overlaps an earlier one, falls
/// outside the text or splits a character is dropped; bytes outside the spans are copied as
/// they are.
#[must_use]
pub fn apply(text: &str, edits: &[Edit]) -> String {
    apply_counted(text, edits).text
}

/// [`apply`], with the number of edits applied.
#[must_use]
pub fn apply_counted(text: &str, edits: &[Edit]) -> Fixed {
    let chosen = applicable(text, edits);
    let mut out = String::with_capacity(text.len() + chosen.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for e in &chosen {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    Fixed { text: out, fixes: chosen.len() }
}

/// The fixes of one round for `text`, whose check gave `diagnostics`: the KDL v1 rewrite
/// when the file does not parse (it has a `kdl::syntax` error) and does once rewritten;
/// otherwise the diagnostics' own fixes (waived findings have none). A file that does not
/// parse even rewritten gets no fix: its needs are unknown, so no rename is safe.
#[must_use]
pub fn fixes_for(text: &str, diagnostics: &[Diagnostic]) -> Vec<Edit> {
    if diagnostics.iter().any(|d| d.code == crate::codes::KDL_SYNTAX) {
        let edits = v1_to_v2(text);
        if !edits.is_empty() && crate::parse::parse(&apply(text, &edits)).is_ok() {
            return edits;
        }
        return Vec::new();
    }
    diagnostics.iter().filter_map(|d| d.fix.as_ref()).flat_map(|f| f.edits.iter().cloned()).collect()
}

/// Fixes `text` until nothing is left to fix (at most [`MAX_ROUNDS`] rounds): the first
/// round from `diagnostics` (the check of `text` the caller already has), every later one
/// from `check` of the text so far. `check` is called only after a round changed the text,
/// so its last call is about the text returned (its diagnostics are what remains).
pub fn fix_until_stable(
    text: &str,
    diagnostics: &[Diagnostic],
    mut check: impl FnMut(&str) -> Vec<Diagnostic>,
) -> Fixed {
    let mut current = Fixed { text: text.to_owned(), fixes: 0 };
    let mut edits = fixes_for(text, diagnostics);
    for _ in 0..MAX_ROUNDS {
        let round = apply_counted(&current.text, &edits);
        if round.fixes == 0 {
            break;
        }
        current = Fixed { text: round.text, fixes: current.fixes + round.fixes };
        edits = fixes_for(&current.text, &check(&current.text));
    }
    current
}

// ------------------------------------------------------------------ writing values

/// `s` as a KDL v2 quoted string, escaped so that it reads back as `s` exactly.
#[must_use]
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out.push('"');
    out
}

/// `c` as it is written inside a quoted string.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\u{8}' => out.push_str("\\b"),
        '\u{C}' => out.push_str("\\f"),
        c if is_newline(c) || is_disallowed(c) => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// Whether `s` may be written without quotes (a KDL v2 identifier string), as the document
/// lexer reads values and names.
#[must_use]
pub fn is_bare_identifier(s: &str) -> bool {
    matches!(
        crate::parse::lex_value(s, 0),
        Ok(t) if t.bare && t.span.end == s.len() && t.value.as_str() == Some(s)
    )
}

/// How to write the string `value` in place of a name or string token: bare when the token
/// was bare (`bare`) and `value` may be, else quoted.
#[must_use]
pub fn string_like(bare: bool, value: &str) -> String {
    if bare && is_bare_identifier(value) { value.to_owned() } else { quote(value) }
}

/// Whether `token` lexes, whole, as the string `value`.
fn reads_as(token: &str, value: &str) -> bool {
    matches!(crate::parse::lex_value(token, 0), Ok(t) if t.span.end == token.len() && t.value.as_str() == Some(value))
}

// ------------------------------------------------------------------ KDL v1 -> v2

/// Where a bare token stands, which decides how it is rewritten.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A node name, a property name or a type annotation: quoted when it is not an identifier.
    Name,
    /// An argument or a property value: `true`/`false`/`null` become keywords.
    Value,
}

/// The edits that turn a KDL v1 document (or one that mixes v1 and v2) into KDL v2, token by
/// token: bare `true`/`false`/`null` values become `#true`/`#false`/`#null`; bare tokens that
/// are not v2 identifiers are quoted (`#` in a name, `inf` as a node name, `true` as a
/// property name); raw strings `r"..."`/`r#"..."#` become `#"..."#`; in quoted strings, the
/// v1 escape `\/` becomes `/` and a literal newline an escape. Whitespace, comments, line
/// endings and every v2 token stay as they are, so a valid v2 document gets no edit.
#[must_use]
pub fn v1_to_v2(src: &str) -> Vec<Edit> {
    let mut lexer = V1 { src, i: src.strip_prefix('\u{FEFF}').map_or(0, |_| 3), node_start: true };
    let mut out = Vec::new();
    lexer.run(&mut out);
    out
}

/// A lenient walk over v1 (or mixed) text that knows just enough structure to tell names
/// from values.
struct V1<'a> {
    src: &'a str,
    i: usize,
    /// The next token is a node name.
    node_start: bool,
}

impl V1<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.i..].chars().next()
    }

    fn at(&self, s: &str) -> bool {
        self.src[self.i..].starts_with(s)
    }

    fn run(&mut self, out: &mut Vec<Edit>) {
        let mut in_type = false;
        while let Some(c) = self.peek() {
            match c {
                c if is_unicode_space(c) => self.i += c.len_utf8(),
                c if is_newline(c) => {
                    self.i += c.len_utf8();
                    self.node_start = true;
                }
                '/' if self.at("//") => self.skip_line_comment(),
                '/' if self.at("/*") => self.skip_block_comment(),
                '/' if self.at("/-") => self.i += 2,
                '\\' => self.skip_continuation(),
                ';' | '{' | '}' => {
                    self.i += 1;
                    self.node_start = true;
                }
                '(' => {
                    self.i += 1;
                    in_type = true;
                }
                ')' => {
                    self.i += 1;
                    in_type = false;
                }
                '=' => self.i += 1,
                '"' => {
                    out.extend(self.quoted());
                    self.token_done(in_type);
                }
                '#' => {
                    out.extend(self.hash(in_type));
                    self.token_done(in_type);
                }
                'r' if self.raw_fence().is_some() => {
                    out.extend(self.raw());
                    self.token_done(in_type);
                }
                _ => {
                    let start = self.i;
                    self.skip_bare();
                    if self.i == start {
                        self.i += c.len_utf8();
                        continue;
                    }
                    let role = if in_type || self.node_start || self.before_eq() { Role::Name } else { Role::Value };
                    out.extend(bare(&self.src[start..self.i], Span::new(start, self.i), role));
                    self.token_done(in_type);
                }
            }
        }
    }

    /// After a name or value token (one inside a type annotation changes nothing).
    fn token_done(&mut self, in_type: bool) {
        if !in_type {
            self.node_start = false;
        }
    }

    /// Whether an `=` follows (after spaces): the token just read is a property name.
    fn before_eq(&self) -> bool {
        self.src[self.i..].trim_start_matches(is_unicode_space).starts_with('=')
    }

    /// A `//` comment, up to (not including) its newline, which ends the node.
    fn skip_line_comment(&mut self) {
        let rest = &self.src[self.i..];
        self.i += rest.find(is_newline).unwrap_or(rest.len());
    }

    /// A nestable `/* */` comment (an unterminated one runs to the end).
    fn skip_block_comment(&mut self) {
        let mut depth = 0usize;
        while self.i < self.src.len() {
            if self.at("/*") {
                depth += 1;
                self.i += 2;
            } else if self.at("*/") {
                depth -= 1;
                self.i += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.i += self.peek().map_or(1, char::len_utf8);
            }
        }
    }

    /// `\` then spaces, an optional `//` comment and a newline: the node goes on.
    fn skip_continuation(&mut self) {
        self.i += 1;
        while self.peek().is_some_and(is_unicode_space) {
            self.i += self.peek().map_or(1, char::len_utf8);
        }
        if self.at("//") {
            self.skip_line_comment();
        }
        if self.at("\r\n") {
            self.i += 2;
        } else if let Some(c) = self.peek().filter(|c| is_newline(*c)) {
            self.i += c.len_utf8();
        }
    }

    /// A run of characters that v1 or v2 allow in a bare token (`#` included: v1 names may
    /// hold it).
    fn skip_bare(&mut self) {
        let rest = &self.src[self.i..];
        let len = rest.find(|c: char| c != '#' && !crate::parse::chars::is_ident_char(c)).unwrap_or(rest.len());
        self.i += len;
    }

    /// A token starting with `#`: a v2 keyword or raw string is left as it is; anything else
    /// is a v1 name (v1 allowed `#` in names), quoted.
    fn hash(&mut self, in_type: bool) -> Option<Edit> {
        let start = self.i;
        if let Ok(t) = crate::parse::lex_value(self.src, start) {
            self.i = t.span.end;
            return None;
        }
        self.skip_bare();
        let role = if in_type || self.node_start || self.before_eq() { Role::Name } else { Role::Value };
        bare(&self.src[start..self.i], Span::new(start, self.i), role)
    }

    /// A quoted string. A v2 multi-line string is left as it is; a single-line one is
    /// rewritten when it holds v1's `\/` escape or a literal newline (v1 allowed both).
    fn quoted(&mut self) -> Option<Edit> {
        let start = self.i;
        if self.at("\"\"\"")
            && let Ok(t) = crate::parse::lex_value(self.src, start)
        {
            self.i = t.span.end;
            return None;
        }
        let mut out = String::from("\"");
        let mut changed = false;
        let mut chars = self.src[start + 1..].char_indices().peekable();
        while let Some((k, c)) = chars.next() {
            match c {
                '"' => {
                    self.i = start + 1 + k + 1;
                    out.push('"');
                    return changed.then(|| Edit::new(Span::new(start, self.i), out));
                }
                '\\' => match chars.peek().map(|&(_, n)| n) {
                    Some('/') => {
                        chars.next();
                        out.push('/');
                        changed = true;
                    }
                    // v2's whitespace escape: `\` then whitespace and newlines, all kept.
                    Some(n) if is_unicode_space(n) || is_newline(n) => {
                        out.push('\\');
                        while let Some(&(_, w)) = chars.peek().filter(|(_, w)| is_unicode_space(*w) || is_newline(*w)) {
                            out.push(w);
                            chars.next();
                        }
                    }
                    Some(n) => {
                        chars.next();
                        out.push('\\');
                        out.push(n);
                    }
                    None => out.push('\\'),
                },
                c if is_newline(c) => {
                    push_escaped(&mut out, c);
                    changed = true;
                }
                c => out.push(c),
            }
        }
        // Unterminated: nothing to rewrite.
        self.i = self.src.len();
        None
    }

    /// The number of `#`s of a v1 raw string starting at the cursor (`r`, `#`s, `"`).
    fn raw_fence(&self) -> Option<usize> {
        let rest = &self.src[self.i + 1..];
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        (rest.as_bytes().get(hashes) == Some(&b'"')).then_some(hashes)
    }

    /// A v1 raw string: `#"..."#` with as many `#`s (at least one), or a quoted string when
    /// it spans lines (v2's multi-line raw strings would strip indentation).
    fn raw(&mut self) -> Option<Edit> {
        let start = self.i;
        let hashes = self.raw_fence().unwrap_or(0);
        let body = start + 1 + hashes + 1;
        let close = format!("\"{}", "#".repeat(hashes));
        let Some(len) = self.src[body..].find(&close) else {
            self.i = self.src.len();
            return None;
        };
        let value = &self.src[body..body + len];
        self.i = body + len + close.len();
        let fence = "#".repeat(hashes.max(1));
        let raw = format!("{fence}\"{value}\"{fence}");
        let text = if reads_as(&raw, value) { raw } else { quote(value) };
        Some(Edit::new(Span::new(start, self.i), text))
    }
}

/// The edit for a bare token in `role`, if it needs one. Numbers are left alone.
fn bare(token: &str, span: Span, role: Role) -> Option<Edit> {
    let b = token.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let signed = matches!(b[0], b'+' | b'-');
    let number = digit(0) || (signed && digit(1)) || (b[0] == b'.' && digit(1));
    if number {
        return None;
    }
    if role == Role::Value
        && let Some(v @ (Value::Bool(_) | Value::Null)) = Value::keyword(token)
    {
        return Some(Edit::new(span, v.to_string()));
    }
    (!is_bare_identifier(token)).then(|| Edit::new(span, quote(token)))
}

#[cfg(test)]
mod tests;
