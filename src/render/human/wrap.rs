//! Word wrapping of messages and help, as miette's textwrap would wrap them (first fit, words
//! separated at ASCII spaces, never split at hyphens nor broken), in one pass and without
//! per-word allocations: wrapping was a quarter of the time of a whole `check`.

/// Wraps each line of `text` into lines at most `width` columns wide: words (runs of
/// non-spaces) are kept whole and separated at spaces; the spaces at a break are dropped; a
/// word wider than `width` gets a line of its own.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        wrap_line(line, width, &mut out);
    }
    out
}

fn wrap_line(line: &str, width: usize, out: &mut String) {
    let bytes = line.as_bytes();
    // The current output line: from `start` to the end of its last word, `used` columns
    // with the spaces after that word.
    let (mut start, mut end, mut used) = (0, 0, 0);
    let mut at = 0;
    let mut first = true;
    while at < bytes.len() || first {
        first = false;
        let word_end = at + bytes[at..].iter().position(|&b| b == b' ').unwrap_or(bytes.len() - at);
        let space_end = word_end + bytes[word_end..].iter().position(|&b| b != b' ').unwrap_or(bytes.len() - word_end);
        let w = columns(&line[at..word_end]);
        if used + w > width && at > start {
            out.push_str(&line[start..end]);
            out.push('\n');
            (start, used) = (at, 0);
        }
        used += w + (space_end - word_end);
        end = word_end;
        at = space_end;
    }
    out.push_str(&line[start..end]);
}

/// Display columns of a word, as textwrap counts them.
fn columns(word: &str) -> usize {
    if word.is_ascii() { word.len() } else { textwrap::core::display_width(word) }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    /// The reference: textwrap as miette configures it, minus Unicode line breaking and
    /// word breaking (miette's own indents are added by miette).
    fn textwrap(text: &str, width: usize) -> String {
        let opts = textwrap::Options::new(width + 4)
            .initial_indent("  x ")
            .subsequent_indent("  | ")
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .break_words(false);
        textwrap::fill(text, opts)
            .split('\n')
            .map(|l| l.strip_prefix("  x ").or_else(|| l.strip_prefix("  | ")).unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn wraps_as_textwrap_does() {
        let texts = [
            "",
            "one",
            "a few words that need to wrap somewhere along the way, and then some more words",
            "  leading spaces and  double  spaces   everywhere   ",
            "https://technet.microsoft.com/en-us/library/JJ204979(v=OCS.15) is a long word indeed",
            "Zürich 東京 emoji 🙂 widths count as columns: 東京東京東京東京東京東京",
            "two\nparagraphs of text that wrap\n\nand a blank line",
            "exactly twenty chars",
        ];
        for text in texts {
            for width in [1, 5, 10, 19, 20, 21, 40, 96] {
                assert_eq!(wrap(text, width), textwrap(text, width), "{text:?} at {width}");
            }
        }
    }
}
