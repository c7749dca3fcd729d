//! The character classes of KDL v2, in one place: the document lexer (`scan`, whose byte-level
//! fast paths are tested against these) and the KDL Query Language's lexer use them.

/// `unicode-space`: horizontal whitespace.
#[must_use]
pub fn is_unicode_space(c: char) -> bool {
    matches!(c, '\t' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// `newline`: CR, LF, NEL, VT, FF, LS and PS (CRLF counts as one).
#[must_use]
pub fn is_newline(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}')
}

/// `disallowed-literal-code-points`: forbidden anywhere (a byte order mark only at the start).
#[must_use]
pub fn is_disallowed(c: char) -> bool {
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

/// `identifier-char`: anything but whitespace, newlines, disallowed code points and
/// `\/(){};[]"#=`.
#[must_use]
pub fn is_ident_char(c: char) -> bool {
    !is_unicode_space(c)
        && !is_newline(c)
        && !is_disallowed(c)
        && !matches!(c, '\\' | '/' | '(' | ')' | '{' | '}' | ';' | '[' | ']' | '"' | '#' | '=')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::scan::{find_disallowed, ident_byte_class, newline_len, space_len};

    /// The document lexer's byte-level classes agree with these for every code point.
    #[test]
    fn byte_classes_agree_with_the_character_classes() {
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            let b = s.as_bytes();
            assert_eq!(space_len(b, 0) == b.len(), is_unicode_space(c), "space {c:?}");
            assert_eq!(newline_len(b, 0) == b.len(), is_newline(c), "newline {c:?}");
            let text = format!("a{s}");
            assert_eq!(find_disallowed(&text).is_some(), is_disallowed(c), "disallowed {c:?}");
            if c.is_ascii() {
                assert_eq!(ident_byte_class(b[0]) == 1, is_ident_char(c), "ident {c:?}");
            }
        }
    }
}
