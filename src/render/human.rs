//! Human output: miette's graphical handler (or the narratable one for screen readers),
//! followed by a summary of files, counts and verdicts.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NarratableReportHandler, SourceCode};

use crate::diag::{Diagnostic, Severity, SourceFile};
use crate::engine::{FileReport, Verdict};

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // miette counts the header's column in bytes; users (and every other output) count
        // Unicode scalar values, so recompute it.
        let inner = self.text.as_str().read_span(span, before, after)?;
        let start = inner.span().offset();
        let line_start = self.text.get(..start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let column = self.text.get(line_start..start).map_or(0, |t| t.chars().count());
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// How to draw diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub narrate: bool,
    /// Terminal width; `None` lets miette decide.
    pub width: Option<usize>,
}

/// A [`Diagnostic`] bound to its file, as miette wants it.
struct Bound<'a> {
    diag: &'a Diagnostic,
    source: miette::NamedSource<Arc<SourceFile>>,
}

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Bound<'_> {}

impl miette::Diagnostic for Bound<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        match (&self.diag.help, &self.diag.source) {
            (Some(h), Some(s)) => Some(Box::new(format!("{h}\nsource: {s}"))),
            (None, Some(s)) => Some(Box::new(format!("source: {s}"))),
            (h, None) => h.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>),
        }
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.url.as_ref().map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.diag.labels.is_empty() {
            return None;
        }
        let len = self.source.inner().text.len();
        Some(Box::new(self.diag.labels.iter().enumerate().map(move |(i, l)| {
            let start = l.span.start.min(len);
            let span = miette::SourceSpan::new(start.into(), l.span.end.min(len) - start);
            if i == 0 {
                LabeledSpan::new_primary_with_span(l.text.clone(), span)
            } else {
                LabeledSpan::new_with_span(l.text.clone(), span)
            }
        })))
    }
}

/// Renders one diagnostic about `file`.
#[must_use]
pub fn render_diagnostic(file: &Arc<SourceFile>, diag: &Diagnostic, style: Style) -> String {
    let bound = Bound { diag, source: miette::NamedSource::new(file.name.clone(), file.clone()) };
    let mut out = String::new();
    if style.narrate {
        let _ = NarratableReportHandler::new().render_report(&mut out, &bound);
    } else {
        let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let mut handler = GraphicalReportHandler::new_themed(theme).with_links(false).with_urls(true);
        if let Some(w) = style.width {
            handler = handler.with_width(w);
        }
        let _ = handler.render_report(&mut out, &bound);
    }
    out
}

pub use crate::engine::Counts;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing summary: counts, then each file's verdict.
#[must_use]
pub fn summary(reports: &[FileReport], color: bool) -> String {
    let c = Counts::of(reports);
    let paint = |code: &str, s: &str| {
        if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}, {}, {}{}",
        paint("1", &format!("checked {}", plural(reports.len(), "file", "files"))),
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings"),
        plural(c.advice, "advice", "advice"),
        if c.waived > 0 { format!(", {} waived", c.waived) } else { String::new() },
    );
    for r in reports {
        let verdict = match r.verdict {
            Some(Verdict::OnlineRuledOut) => {
                let ids = &r.ruled_out_by;
                let mut by: Vec<String> = ids.iter().take(3).map(|id| format!("`{id}`")).collect();
                if ids.len() > 3 {
                    by.push(format!("{} more", ids.len() - 3));
                }
                format!("{} by {}", paint("31", "online-ruled-out"), by.join(", "))
            }
            Some(Verdict::OnlineViable) => {
                let mut s = paint("32", "online-viable");
                if !r.workloads.is_empty() {
                    let _ = write!(s, ": Lync Online serves {}", r.workloads.join(", "));
                }
                s
            }
            None => {
                let n = r.diagnostics.iter().filter(|d| d.waived.is_none() && d.severity == Severity::Error).count();
                format!("{} ({} to fix first)", paint("33", "no verdict"), plural(n, "error", "errors"))
            }
        };
        let _ = writeln!(out, "  {}: {verdict}", r.file.name);
        for d in r.diagnostics.iter().filter(|d| d.waived.is_some()) {
            let _ = writeln!(out, "    {}", waived_line(d));
        }
    }
    out
}

/// `waived `RULE`: reason (owner, until DATE)` for the summary.
fn waived_line(d: &Diagnostic) -> String {
    let Some(w) = &d.waived else { return String::new() };
    let mut extra = Vec::new();
    if let Some(o) = &w.owner {
        extra.push(format!("owner {o}"));
    }
    if let Some(e) = &w.expires {
        extra.push(format!("until {e}"));
    }
    if let Some(t) = &w.ticket {
        extra.push(format!("ticket {t}"));
    }
    let extra = if extra.is_empty() { String::new() } else { format!(" ({})", extra.join(", ")) };
    format!("waived `{}`: {}{extra}", d.code, w.reason)
}
