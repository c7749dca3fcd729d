//! Where the cursor is, for hover and completion: the enclosing nodes and the statement
//! typed so far, found by a forgiving scan of the text (documents being edited are often not
//! valid KDL), and the vocabulary declarations for that place.
//!
//! The scan knows strings (quoted, raw `#"..."#`, multi-line `"""`), comments (`//`, nested
//! `/* */`), children blocks and statement ends (newline, `;`, `{`, `}`). It never panics.

use lync_lint_core::vocab::{NodeDecl, Vocabulary};

/// The cursor's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The names of the enclosing nodes, outermost first.
    pub parents: Vec<String>,
    /// The byte offset where the current statement starts.
    pub statement_start: usize,
}

/// Scans `text` up to `offset`.
#[must_use]
pub fn at(text: &str, offset: usize) -> Context {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = &text.as_bytes()[..offset];
    let mut parents: Vec<String> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = find(bytes, i, b"\n").unwrap_or(bytes.len());
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i),
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i = find(bytes, i + 3, b"\"\"\"").map_or(bytes.len(), |e| e + 3);
            }
            b'"' => i = skip_string(bytes, i + 1),
            b'#' if raw_hashes(bytes, i).is_some() => {
                let n = raw_hashes(bytes, i).unwrap_or(0);
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', n)).collect();
                i = find(bytes, i + n + 1, &close).map_or(bytes.len(), |e| e + close.len());
            }
            b'{' => {
                parents.push(first_word(&text[start..i]).unwrap_or_default());
                i += 1;
                start = i;
            }
            b'}' => {
                parents.pop();
                i += 1;
                start = i;
            }
            b'\n' | b'\r' | b';' => {
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    Context { parents, statement_start: start.min(offset) }
}

/// The first position of `pat` in `bytes` at or after `from`.
fn find(bytes: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(pat.len()).position(|w| w == pat).map(|p| p + from)
}

fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Past the closing quote of a string whose contents start at `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The number of `#` of a raw string opening at `i` (`#"`, `##"`, ...).
fn raw_hashes(bytes: &[u8], i: usize) -> Option<usize> {
    let n = bytes.get(i..)?.iter().take_while(|&&b| b == b'#').count();
    (bytes.get(i + n) == Some(&b'"')).then_some(n)
}

/// The node name a statement starts with (after a `/-` and a `(type)` annotation).
#[must_use]
pub fn first_word(statement: &str) -> Option<String> {
    let s = statement.trim_start();
    let s = s.strip_prefix("/-").unwrap_or(s).trim_start();
    let s = if s.starts_with('(') { s.split_once(')').map_or("", |(_, rest)| rest) } else { s };
    if let Some(quoted) = s.strip_prefix('"') {
        return quoted.split_once('"').map(|(name, _)| name.to_owned());
    }
    let word: String = s.chars().take_while(|c| is_word_char(*c)).collect();
    (!word.is_empty()).then_some(word)
}

/// Characters of KDL identifiers as the vocabulary uses them.
#[must_use]
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '+')
}

/// The identifier around `offset`: its byte span.
#[must_use]
pub fn word_at(text: &str, offset: usize) -> Option<(usize, usize)> {
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let start = before.char_indices().rev().take_while(|(_, c)| is_word_char(*c)).last().map_or(offset, |(i, _)| i);
    let after = text.get(offset..)?;
    let end = offset + after.char_indices().find(|(_, c)| !is_word_char(*c)).map_or(after.len(), |(i, _)| i);
    (start < end).then_some((start, end))
}

/// The declarations allowed under `parents` (the top level includes the engine's `waiver`).
#[must_use]
pub fn children<'v>(vocab: &'v Vocabulary, parents: &[String]) -> Vec<&'v NodeDecl> {
    let mut level: Vec<&NodeDecl> = vocab.nodes.iter().chain(lync_lint_core::vocab::engine_decls()).collect();
    for name in parents {
        match level.iter().find(|d| d.name == *name) {
            Some(d) => level = d.children.iter().collect(),
            None => return Vec::new(),
        }
    }
    level
}

/// The declaration of node `name` under `parents`.
#[must_use]
pub fn decl<'v>(vocab: &'v Vocabulary, parents: &[String], name: &str) -> Option<&'v NodeDecl> {
    children(vocab, parents).into_iter().find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parents(text: &str) -> Vec<String> {
        at(text, text.len()).parents
    }

    #[test]
    fn nesting_strings_and_comments() {
        assert_eq!(parents("voice {\n    pbx"), ["voice"]);
        assert_eq!(parents("voice { a #true }\nchat {\n"), ["chat"]);
        assert_eq!(parents("site \"{\" /* { */ // {\nvoice {"), ["voice"]);
        assert_eq!(parents("x #\"{\"# { y \"\"\"\n{\n\"\"\" {"), ["x", "y"]);
        assert_eq!(parents("}}} a {"), ["a"]);
        let text = "voice {\n    pbx-integration \"A\" meth";
        let ctx = at(text, text.len());
        assert_eq!(&text[ctx.statement_start..], "    pbx-integration \"A\" meth");
    }

    #[test]
    fn words() {
        assert_eq!(first_word("  /- (t)site \"x\""), Some("site".to_owned()));
        assert_eq!(first_word("\"odd name\" 1"), Some("odd name".to_owned()));
        assert_eq!(first_word("   "), None);
        let text = "voice { call-park #true }";
        assert_eq!(word_at(text, 10), Some((8, 17)));
        assert_eq!(word_at(text, 6), None);
        assert_eq!(word_at("é", 1), None, "inside a character");
    }
}
