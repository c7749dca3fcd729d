//! The graphical output without colour, drawn directly for the usual diagnostic: what
//! miette's `GraphicalReportHandler` (unicode, no colour) draws, byte for byte, at about half
//! of the cost (callgrind, 1,000 files: 44 M instructions against miette's 92 M, help included).
//!
//! It covers labels that each stay on one line of printable ASCII (no tab), with unique
//! start offsets and one-line texts. Anything else (colour, narration, multi-line spans,
//! tabs, other characters in the drawn lines) returns `None` and is drawn by miette. The
//! snippets' line windows and their merging are miette's own: they come from the same
//! [`SourceCode::read_span`] calls miette makes, and its rules are followed step by step.
//! `tests/render_fast.rs` compares both drawings: fixtures, the bench corpus, edge cases and
//! generated labels.

use std::fmt::Write as _;

use miette::{Diagnostic as _, LabeledSpan, SourceCode, SourceSpan, SpanContents};

use super::Bound;
use lync_lint_core::diag::Severity;

/// One line of a snippet, as miette's `get_lines` cuts them.
struct Line {
    /// 1-based.
    number: usize,
    offset: usize,
    /// Bytes, the line break included.
    length: usize,
    text: String,
}

impl Line {
    fn span_line_only(&self, s: &SourceSpan) -> bool {
        s.offset() >= self.offset && s.offset() + s.len() <= self.offset + self.length
    }

    fn span_applies(&self, s: &SourceSpan) -> bool {
        let len = s.len().max(1);
        let end = self.offset + self.length;
        (s.offset() >= self.offset && s.offset() < end)
            || (s.offset() < self.offset && s.offset() + len > end)
            || (s.offset() + len > self.offset && s.offset() + len <= end)
    }

    /// The visual column of a byte offset on this (ASCII) line: past its text is one more.
    fn column(&self, offset: usize) -> usize {
        let i = offset - self.offset;
        if i > self.text.len() { self.text.len() + 1 } else { i }
    }
}

/// miette's unwrapped `wrap`: `initial` before the first line, `rest` before the others,
/// trailing spaces of either dropped on blank lines.
fn indent(out: &mut String, text: &str, initial: &str, rest: &str) {
    for (i, line) in text.split_terminator('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let blank = line.trim().is_empty();
        let prefix = if i == 0 { initial } else { rest };
        out.push_str(if blank { prefix.trim_end() } else { prefix });
        out.push_str(line);
    }
    if text.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
}

/// Draws `b` as miette would (unicode, no colour, URLs as text, `context` lines), or `None`
/// when it is not a case drawn here.
pub(super) fn render(b: &Bound<'_>) -> Option<String> {
    let mut out = String::with_capacity(1024);
    let code = b.code().map(|c| c.to_string());
    if let Some(code) = code {
        out.push_str(&code);
        if let Some(url) = b.url() {
            let _ = write!(out, " ({url})");
        }
        out.push_str("\n\n");
    }
    let icon = match b.diag.severity {
        Severity::Error => "×",
        Severity::Warning => "⚠",
        Severity::Advice => "☞",
    };
    indent(&mut out, &b.to_string(), &format!("  {icon} "), "  │ ");
    if let Some(labels) = b.labels() {
        snippets(&mut out, b, labels.collect())?;
    }
    if let Some(help) = b.help() {
        indent(&mut out, &help.to_string(), "  help: ", "        ");
    }
    Some(out)
}

/// miette's `render_snippets`: one snippet per group of labels whose windows meet.
fn snippets(out: &mut String, b: &Bound<'_>, mut labels: Vec<LabeledSpan>) -> Option<()> {
    let source: &dyn SourceCode = &b.source;
    labels.sort_unstable_by_key(|l| l.inner().offset());
    if labels.windows(2).any(|w| w[0].inner().offset() == w[1].inner().offset())
        || labels.iter().any(|l| l.label().is_some_and(|t| t.contains('\n')))
    {
        return None;
    }
    let c = b.context;
    let mut contexts: Vec<(LabeledSpan, Box<dyn SpanContents<'_> + '_>)> = Vec::with_capacity(labels.len());
    for right in labels.iter().cloned() {
        let right_conts = source.read_span(right.inner(), c, c).ok()?;
        if let Some((left, left_conts)) = contexts.last()
            && left_conts.line() + left_conts.line_count() >= right_conts.line()
        {
            let new_end = (left.offset() + left.len()).max(right.offset() + right.len());
            let merged = LabeledSpan::new(left.label().map(String::from), left.offset(), new_end - left.offset());
            if let Ok(conts) = source.read_span(merged.inner(), c, c) {
                contexts.pop();
                contexts.push((merged, conts));
                continue;
            }
        }
        contexts.push((right, right_conts));
    }
    for (ctx, _) in &contexts {
        context(out, source, ctx, &labels, c)?;
    }
    Some(())
}

/// miette's `get_lines`, on printable ASCII only.
fn lines(contents: &dyn SpanContents<'_>) -> Option<Vec<Line>> {
    let data = std::str::from_utf8(contents.data()).ok()?;
    if !data.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\n') {
        return None;
    }
    let mut number = contents.line();
    let mut offset = contents.span().offset();
    let mut lines = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (text, len) = rest.find('\n').map_or((rest, rest.len()), |i| (&rest[..i], i + 1));
        rest = &rest[len..];
        // Each line, ended by its newline or by the end of the data, is numbered one more.
        number += 1;
        lines.push(Line { number, offset, length: len, text: text.to_owned() });
        offset += len;
    }
    Some(lines)
}

/// miette's `render_context` for labels that each stay on one line.
fn context(
    out: &mut String,
    source: &dyn SourceCode,
    ctx: &LabeledSpan,
    labels: &[LabeledSpan],
    c: usize,
) -> Option<()> {
    let contents = source.read_span(ctx.inner(), c, c).ok()?;
    let lines = lines(&*contents)?;
    let (start, end) = (ctx.inner().offset(), ctx.inner().offset() + ctx.inner().len());
    let inside = || labels.iter().filter(|l| start <= l.offset() && l.offset() + l.len() <= end);
    let primary = inside().find(|l| l.primary()).or_else(|| inside().next());
    // Every label that shows on a line must stay on it: no gutter.
    if lines.iter().any(|line| labels.iter().any(|l| line.span_applies(l.inner()) && !line.span_line_only(l.inner()))) {
        return None;
    }
    let width = lines.last().map_or(0, |l| l.number).to_string().len();
    let pad = " ".repeat(width + 2);
    let head = match primary {
        Some(l) => source.read_span(l.inner(), 0, 0).ok()?,
        None => contents,
    };
    let name = head.name()?;
    let _ = writeln!(out, "{pad}╭─[{name}:{}:{}]", head.line() + 1, head.column() + 1);
    for line in &lines {
        let _ = writeln!(out, " {:width$} │ {}", line.number, line.text);
        let here: Vec<&LabeledSpan> = labels.iter().filter(|l| line.span_applies(l.inner())).collect();
        if !here.is_empty() {
            highlights(out, line, &here, width);
        }
    }
    let _ = writeln!(out, "{pad}╰────");
    Some(())
}

/// miette's `render_single_line_highlights`: the underlines, then each label's text, the
/// last label first.
fn highlights(out: &mut String, line: &Line, here: &[&LabeledSpan], width: usize) {
    let no_linum = format!(" {:width$} · ", "");
    out.push_str(&no_linum);
    let mut highest = 0;
    let mut bars = Vec::with_capacity(here.len());
    for l in here {
        let start = line.column(l.offset()).max(highest);
        let end = if l.is_empty() { start + 1 } else { line.column(l.offset() + l.len()).max(start + 1) };
        let bar = usize::midpoint(start, end);
        for _ in 0..start.saturating_sub(highest) {
            out.push(' ');
        }
        for _ in 0..bar - start {
            out.push('─');
        }
        out.push(if l.is_empty() {
            '▲'
        } else if l.label().is_some() {
            '┬'
        } else {
            '─'
        });
        for _ in 0..end - bar - 1 {
            out.push('─');
        }
        highest = highest.max(end);
        bars.push(bar);
    }
    out.push('\n');
    for (k, l) in here.iter().enumerate().rev() {
        let Some(text) = l.label() else { continue };
        out.push_str(&no_linum);
        let mut column = 1;
        for (j, &bar) in bars.iter().enumerate() {
            while column < bar + 1 {
                out.push(' ');
                column += 1;
            }
            if j == k {
                let _ = writeln!(out, "╰── {text}");
                break;
            }
            out.push('│');
            column += 1;
        }
    }
}
