//! Human output: miette's graphical handler (or the narratable one for screen readers),
//! followed by a summary of files, counts and verdicts.

pub(crate) mod draw;
mod fast;
mod wrap;

use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NarratableReportHandler, SourceCode};

use draw::{Drawn, printable};
use lync_lint_core::baseline::Applied;

use super::stream::{End, Spill};
use lync_lint_core::diag::{Diagnostic, Severity, SourceFile};
use lync_lint_core::engine::{FileReport, Verdict};
use lync_lint_core::hybrid::{self, Hybrid};
use lync_lint_core::pack::Decision;

/// The most diagnostics drawn for one file; the others are counted in one line (the machine
/// formats list them all).
pub const MAX_DRAWN_PER_FILE: usize = 100;

/// How to draw diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub narrate: bool,
    /// Terminal width; `None` lets miette decide.
    pub width: Option<usize>,
}

/// A [`Diagnostic`] bound to its file, as miette wants it, with what can be drawn of it.
struct Bound<'a> {
    diag: &'a Diagnostic,
    source: miette::NamedSource<Drawn>,
    /// Indices of the labels drawn, the primary one first (empty: no snippet).
    drawn: Vec<usize>,
    /// Where the primary label is, in words, when it cannot be drawn.
    location: Option<String>,
    /// The labels that are not drawn, in words.
    not_drawn: Option<String>,
    /// The context lines drawn around the labels.
    context: usize,
    /// The terminal width the message and help are wrapped to (graphical output), or `None`.
    wrap: Option<usize>,
}

/// How many different help texts each thread keeps drawn.
const HELPS_KEPT: usize = 256;

thread_local! {
    /// Help texts as drawn for one wrap width, by text.
    static HELPS: std::cell::RefCell<(Option<usize>, std::collections::HashMap<String, String>)> =
        std::cell::RefCell::new((None, std::collections::HashMap::new()));
}

/// Miette's indents: `  × ` before the message, `  help: ` before the help; its lines are
/// two columns narrower than the terminal.
const MESSAGE_INDENT: usize = 4;
const HELP_INDENT: usize = 8;
const MARGIN: usize = 2;
/// Miette's width when none is set.
const DEFAULT_WIDTH: usize = 200;

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = printable(&self.diag.message).into_owned();
        if let Some(at) = &self.location {
            text.push('\n');
            text.push_str(at);
        }
        match self.wrap {
            Some(w) => f.write_str(&wrap::wrap(&text, w.saturating_sub(MARGIN + MESSAGE_INDENT))),
            None => f.write_str(&text),
        }
    }
}

impl std::error::Error for Bound<'_> {}

impl miette::Diagnostic for Bound<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(printable(&self.diag.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let source = self.diag.source.as_ref().map(|s| format!("source: {s}"));
        let parts: Vec<&str> =
            [self.diag.help.as_deref(), source.as_deref(), self.not_drawn.as_deref()].into_iter().flatten().collect();
        if parts.is_empty() {
            return None;
        }
        let joined = parts.join("\n");
        let width = self.wrap.map(|w| w.saturating_sub(MARGIN + HELP_INDENT));
        Some(Box::new(HELPS.with(|helps| {
            let (drawn_width, helps) = &mut *helps.borrow_mut();
            // A rule's help is the same in every file: drawn once per thread and width. The
            // cache is emptied when full (helps naming places in one file seldom repeat).
            if *drawn_width != width || helps.len() >= HELPS_KEPT {
                *drawn_width = width;
                helps.clear();
            }
            helps
                .entry(joined)
                .or_insert_with_key(|joined| {
                    let text = printable(joined);
                    match width {
                        Some(w) => wrap::wrap(&text, w),
                        None => text.into_owned(),
                    }
                })
                .clone()
        })))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.url.as_ref().map(|u| Box::new(printable(u)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        (!self.drawn.is_empty()).then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.drawn.is_empty() {
            return None;
        }
        let len = self.source.inner().file.text.len();
        Some(Box::new(self.drawn.iter().enumerate().map(move |(n, &i)| {
            let l = &self.diag.labels[i];
            let start = l.span.start.min(len);
            let span = miette::SourceSpan::new(start.into(), l.span.end.clamp(start, len) - start);
            let text = l.text.as_deref().map(|t| printable(t).into_owned());
            if n == 0 { LabeledSpan::new_primary_with_span(text, span) } else { LabeledSpan::new_with_span(text, span) }
        })))
    }
}

/// Binds `diag` to `file`: which labels are drawn, and the words for the others. With
/// `in_words`, none is drawn.
fn bind<'a>(file: &Arc<SourceFile>, diag: &'a Diagnostic, in_words: bool) -> Bound<'a> {
    let shown = draw::shown(file);
    let len = file.text.len();
    // Context lines around the labels, unless one of them is too long to draw.
    let mut plan = draw::plan(&shown, len, &diag.labels, 1);
    if plan.why.is_some() {
        let tight = draw::plan(&shown, len, &diag.labels, 0);
        if tight.why.is_none() {
            plan = tight;
        }
    }
    if in_words && !diag.labels.is_empty() {
        let why = Some("not drawn".to_owned());
        plan = draw::Plan { drawn: Vec::new(), described: (0..diag.labels.len()).collect(), why, context: 0 };
    }
    let name = printable(&file.name).into_owned();
    let at = |i: usize| {
        let (line, column) = shown.position(&file.text, diag.labels[i].span.start);
        format!("{name}:{line}:{column}")
    };
    let location = plan.why.as_ref().map(|why| {
        let text = diag.labels[0].text.as_deref().map(|t| format!(": {t}")).unwrap_or_default();
        printable(&format!("at {}{text} ({why})", at(0))).into_owned()
    });
    // The primary label is either drawn or described in `location`.
    let others: Vec<usize> = plan.described.iter().copied().filter(|&i| i != 0).collect();
    let not_drawn = (!others.is_empty()).then(|| {
        let places: Vec<String> = others.iter().take(3).map(|&i| format!("`{}`", at(i))).collect();
        let more = if others.len() > 3 { format!(" and {} more", others.len() - 3) } else { String::new() };
        format!("not drawn: {} more label(s), at {}{more}", others.len(), places.join(", "))
    });
    let source = miette::NamedSource::new(name, Drawn { file: file.clone(), shown });
    Bound { diag, source, drawn: plan.drawn, context: plan.context, location, not_drawn, wrap: None }
}

/// Renders one diagnostic about `file`. Rendering never panics: a label on a line too long
/// to draw (or that spans too many lines) is described in words instead, and should the
/// drawing fail all the same, the diagnostic is rendered again with every label in words.
#[must_use]
pub fn render_diagnostic(file: &Arc<SourceFile>, diag: &Diagnostic, style: Style) -> String {
    let draw = |in_words| std::panic::catch_unwind(|| render_bound(bind(file, diag, in_words), style, true));
    draw(false).or_else(|_| draw(true)).unwrap_or_else(|_| format!("{}: {}\n", diag.code, printable(&diag.message)))
}

/// For tests comparing the two drawings: the direct one (`None` when it does not cover this
/// diagnostic) and miette's, without colour.
#[doc(hidden)]
#[must_use]
pub fn render_diagnostic_both(
    file: &Arc<SourceFile>,
    diag: &Diagnostic,
    width: Option<usize>,
) -> (Option<String>, String) {
    let style = Style { color: false, narrate: false, width };
    let fast = fast::render(&graphical(bind(file, diag, false), style));
    (fast, render_bound(bind(file, diag, false), style, false))
}

/// `bound` set up for the graphical drawing: its message and help wrapped to the width.
fn graphical(mut bound: Bound<'_>, style: Style) -> Bound<'_> {
    bound.wrap = Some(style.width.unwrap_or(DEFAULT_WIDTH));
    bound
}

/// Draws `bound`: narrated, or graphical (without colour, `direct`ly when [`fast`] covers
/// it, else by miette).
fn render_bound(bound: Bound<'_>, style: Style, direct: bool) -> String {
    let mut out = String::new();
    if style.narrate {
        let _ = NarratableReportHandler::new().with_context_lines(bound.context).render_report(&mut out, &bound);
        return out;
    }
    let bound = graphical(bound, style);
    if direct
        && !style.color
        && let Some(drawn) = fast::render(&bound)
    {
        return drawn;
    }
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let mut handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(true)
        .with_context_lines(bound.context)
        // The message and help come wrapped by `wrap::wrap` (see `Bound::wrap`).
        .with_wrap_lines(false);
    if let Some(w) = style.width {
        handler = handler.with_width(w);
    }
    let _ = handler.render_report(&mut out, &bound);
    out
}

/// Renders a file's diagnostics that are not waived, each followed by a blank line: at most
/// [`MAX_DRAWN_PER_FILE`], then one line that counts the others.
#[must_use]
pub fn render_file(report: &FileReport, style: Style) -> String {
    let mut out = String::new();
    let shown: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.waived.is_none()).collect();
    for d in shown.iter().take(MAX_DRAWN_PER_FILE) {
        out.push_str(&render_diagnostic(&report.file, d, style));
        out.push('\n');
    }
    if shown.len() > MAX_DRAWN_PER_FILE {
        let _ = writeln!(
            out,
            "{}: {} more diagnostics not drawn (`--format json` lists them all)\n",
            printable(&report.file.name),
            shown.len() - MAX_DRAWN_PER_FILE
        );
    }
    out
}

pub use lync_lint_core::engine::Counts;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn paint(color: bool, code: &str, s: &str) -> String {
    if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
}

/// The summary's first line: `checked N files, E errors, ...`.
#[must_use]
pub fn summary_header(files: usize, c: Counts, color: bool) -> String {
    format!(
        "{}: {}, {}, {}{}\n",
        paint(color, "1", &format!("checked {}", plural(files, "file", "files"))),
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings"),
        plural(c.advice, "advice", "advice"),
        if c.waived > 0 { format!(", {} waived", c.waived) } else { String::new() },
    )
}

/// A file's lines in the summary: its verdict, then its waived findings.
#[must_use]
pub fn summary_lines(r: &FileReport, decision: Option<&Decision>, color: bool) -> String {
    let paint = |code: &str, s: &str| paint(color, code, s);
    let verdict = match r.verdict.zip(decision) {
        Some((Verdict::RuledOut, d)) => {
            let ids = &r.ruled_out_by;
            let mut by: Vec<String> = ids.iter().take(3).map(|id| format!("`{id}`")).collect();
            if ids.len() > 3 {
                by.push(format!("{} more", ids.len() - 3));
            }
            format!("{} by {}", paint("31", &d.ruled_out), by.join(", "))
        }
        Some((Verdict::Viable, d)) => {
            let mut s = paint("32", &d.viable);
            if !r.workloads.is_empty() {
                let _ = write!(s, ": {} serves {}", d.option_name, r.workloads.join(", "));
            }
            s
        }
        None if decision.is_none() => {
            format!("{} (the loaded packs declare no decision)", paint("33", "no verdict"))
        }
        None => {
            let n = r.diagnostics.iter().filter(|d| d.waived.is_none() && d.severity == Severity::Error).count();
            format!("{} ({} to fix first)", paint("33", "no verdict"), plural(n, "error", "errors"))
        }
    };
    let mut out = format!("  {}: {verdict}\n", printable(&r.file.name));
    if let (Some(h), Some(d)) = (&r.hybrid, decision) {
        let _ = writeln!(out, "    {}", hybrid_line(h, d));
        let _ = writeln!(out, "    {}", largest_needs(h));
    }
    for d in r.diagnostics.iter().filter(|d| d.waived.is_some()) {
        let _ = writeln!(out, "    {}", waived_line(d));
    }
    out
}

/// `hybrid: home 120 to 160 of 3,000 users on Lync Server 2013; the other 2,840 to 2,880 can
/// be homed in Lync Online` (SPEC §4.1), in the decision's words.
#[must_use]
pub fn hybrid_line(h: &Hybrid, d: &Decision) -> String {
    let range = |r: hybrid::Range| {
        if r.min == r.max { thousands(r.min) } else { format!("{} to {}", thousands(r.min), thousands(r.max)) }
    };
    if h.online.max == 0 {
        return format!("hybrid: home all {} users on {}", thousands(h.users), d.alternative_name);
    }
    format!(
        "hybrid: home {} of {} users on {}; the other {} can be homed in {}",
        range(h.on_premises),
        thousands(h.users),
        d.alternative_name,
        range(h.online),
        d.option_name
    )
}

/// The largest needs behind the sizing: `largest needs: `rule` (120 users), ...`.
#[must_use]
pub fn largest_needs(h: &Hybrid) -> String {
    let mut parts: Vec<String> =
        h.needs.iter().take(3).map(|n| format!("`{}` ({})", n.rule, plural_users(n.users))).collect();
    if h.needs.len() > 3 {
        parts.push(format!("{} more", h.needs.len() - 3));
    }
    format!("largest needs: {}", parts.join(", "))
}

fn plural_users(n: u64) -> String {
    format!("{} {}", thousands(n), if n == 1 { "user" } else { "users" })
}

/// `3000` as `3,000`.
#[must_use]
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
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
    printable(&format!("waived `{}`: {}{extra}", d.code, w.reason)).into_owned()
}

/// The baseline's lines in the summary: how many known findings were hidden, and which
/// recorded findings no longer occur.
#[must_use]
pub fn baseline_summary(a: &Applied) -> String {
    let mut s = format!("baseline: {} known finding(s) not shown, {} fixed since\n", a.baselined, a.fixed.len());
    for e in &a.fixed {
        let _ = writeln!(s, "  fixed: `{}` in {} at {}", e.rule, e.file, e.path);
    }
    s
}

/// The streaming writer of the line formats (human, concise, GitHub): each file's lines as
/// they come, its summary lines to a [`Spill`], and the summary at the end.
pub struct LinesWriter<'a> {
    decision: Option<&'a Decision>,
    lines: fn(&FileReport, Style) -> String,
    style: Style,
    /// `None`: no summary (`--quiet`); `Some(true)`: with the baseline's lines.
    summary: Option<bool>,
    summaries: Spill,
}

impl<'a> LinesWriter<'a> {
    /// A writer that renders each file with `lines`; `summary` as for [`LinesWriter`].
    #[must_use]
    pub fn new(
        decision: Option<&'a Decision>,
        lines: fn(&FileReport, Style) -> String,
        style: Style,
        summary: Option<bool>,
    ) -> Self {
        Self { decision, lines, style, summary, summaries: Spill::default() }
    }
}

impl super::stream::Writer for LinesWriter<'_> {
    fn part(&self, r: &FileReport) -> Option<String> {
        let lines = (self.lines)(r, self.style);
        let summary =
            if self.summary.is_some() { summary_lines(r, self.decision, self.style.color) } else { String::new() };
        // The lines' length first: no character of a message (NUL included) can be taken for
        // where the summary lines start.
        Some(format!("{}:{lines}{summary}", lines.len()))
    }

    fn file(&mut self, out: &mut dyn std::io::Write, r: &FileReport, part: Option<String>) -> std::io::Result<()> {
        let part = part.unwrap_or_else(|| self.part(r).unwrap_or_default());
        let (lines, summary) = part
            .split_once(':')
            .and_then(|(len, rest)| rest.split_at_checked(len.parse().ok()?))
            .unwrap_or((&part, ""));
        out.write_all(lines.as_bytes())?;
        self.summaries.push(summary)
    }

    fn finish(&mut self, out: &mut dyn std::io::Write, end: &End<'_>) -> std::io::Result<()> {
        let Some(with_baseline) = self.summary else { return Ok(()) };
        out.write_all(summary_header(end.files, end.counts, self.style.color).as_bytes())?;
        self.summaries.copy_to(out)?;
        if let (true, Some(a)) = (with_baseline, end.applied) {
            out.write_all(baseline_summary(a).as_bytes())?;
        }
        Ok(())
    }
}
