//! JSON output (`--format json`): one versioned document per run.
//!
//! The schema is `docs/lync-lint-output.schema.json`; docs/formats.md documents every field.
//! Wire format (version 1):
//!
//! ```text
//! {
//!   "version": 1,                          // bumped on incompatible changes only
//!   "tool": {"name": "lync-lint", "version": "0.1.0",
//!            "packs": [{"name": "lync-2013", "version": "1.0.0", "origin": "builtin"}]},
//!   "files": [{
//!     "path": "fixtures/hybrid.lync.kdl",  // as shown in the human output
//!     "verdict": "online-ruled-out",       // or "online-viable"; null: syntax/schema errors
//!     "diagnostics": [{
//!       "code": "persistent-chat/server",  // rule id, or kdl::syntax, schema::*, ...
//!       "severity": "advice",              // "error" | "warning" | "advice", after the target
//!       "message": "...",
//!       "line": 12, "column": 5,           // primary label start, 1-based
//!       "end_line": 12, "end_column": 28,  // one past the primary label's last character
//!       "labels": [{"message": "...", "line": 12, "column": 5, "end_line": 12,
//!                   "end_column": 28, "primary": true}],   // primary first
//!       "help": "...", "url": "https://...", "source": "Title (date)",  // or null
//!       "rules_out": "online",             // or null
//!       "waived": null                     // or the waiver that suppresses this finding:
//!                                          // {"reason", "expires", "owner", "ticket" (or null),
//!                                          //  "line", "column", "end_line", "end_column"}
//!     }],
//!     "workloads": ["instant messaging and presence"],  // online-viable files only
//!     "ruled_out_by": ["persistent-chat/server"],  // rules that decided the verdict
//!     "hybrid": {"users": 3000,            // null unless ruled out with `organization users=`
//!                "on_premises": {"min": 120, "max": 160}, "online": {"min": 2840, "max": 2880},
//!                "needs": [{"rule": "persistent-chat/server", "users": 120}]}  // largest first
//!   }],
//!   "summary": {"files": 1, "errors": 0, "warnings": 0, "advice": 2, "waived": 0,
//!               "verdicts": {"online-ruled-out": 1, "online-viable": 0, "none": 0}}
//! }
//! ```
//!
//! Waived findings stay in `diagnostics` (with `waived` set) and keep their severity, but do
//! not count as errors, warnings or advice, nor towards the verdict.
//!
//! Columns count Unicode scalar values (`ü` and `🚀` are one column each); a line ends at
//! `\r\n`, `\n` or a lone `\r`, and a line ending is never a column. A diagnostic without
//! labels (about the whole file) is at line 1, column 1 to line 1, column 1, with an empty
//! `labels` array.

use std::io::{self, Write};

use serde::Serialize;

use super::stream::{End, pretty_at, pretty_item};

use lync_lint_core::diag::Diagnostic;
use lync_lint_core::diag::Waived;
use lync_lint_core::engine::{FileReport, Verdict};
use lync_lint_core::pack::{Decision, PackSet};
use lync_lint_core::text::{LineIndex, Range};

/// The version of this document's format.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'static str,
    packs: Vec<Pack<'a>>,
}

#[derive(Serialize)]
struct Pack<'a> {
    name: &'a str,
    version: &'a str,
    origin: &'a str,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    verdict: Option<&'a str>,
    diagnostics: Vec<Diag<'a>>,
    workloads: &'a [String],
    ruled_out_by: &'a [String],
    hybrid: Option<super::HybridJson<'a>>,
}

#[derive(Serialize)]
struct Diag<'a> {
    code: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    range: Flat,
    labels: Vec<Label<'a>>,
    help: Option<&'a str>,
    url: Option<&'a str>,
    source: Option<&'a str>,
    rules_out: Option<&'a str>,
    waived: Option<Waiver<'a>>,
}

/// The waiver that suppresses a finding, and where it is.
#[derive(Serialize)]
struct Waiver<'a> {
    reason: &'a str,
    expires: Option<&'a str>,
    owner: Option<&'a str>,
    ticket: Option<&'a str>,
    #[serde(flatten)]
    range: Flat,
}

#[derive(Serialize)]
struct Label<'a> {
    message: Option<&'a str>,
    #[serde(flatten)]
    range: Flat,
    primary: bool,
}

/// A range as four flat fields.
#[derive(Serialize)]
struct Flat {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl From<Range> for Flat {
    fn from(r: Range) -> Self {
        Self { line: r.start.line, column: r.start.column, end_line: r.end.line, end_column: r.end.column }
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    errors: usize,
    warnings: usize,
    advice: usize,
    waived: usize,
    verdicts: Verdicts<'a>,
}

/// Files by verdict, keyed by the decision's verdict names (then `none`).
#[derive(Default)]
struct Verdicts<'a> {
    names: Option<(&'a str, &'a str)>,
    ruled_out: usize,
    viable: usize,
    none: usize,
}

impl Serialize for Verdicts<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        if let Some((ruled_out, viable)) = self.names {
            map.serialize_entry(ruled_out, &self.ruled_out)?;
            map.serialize_entry(viable, &self.viable)?;
        }
        map.serialize_entry("none", &self.none)?;
        map.end()
    }
}

/// The JSON document for one run, pretty-printed, ending with a newline.
#[must_use]
pub fn render(reports: &[FileReport], packs: &PackSet) -> String {
    super::stream::render_all(&mut Writer::new(packs), reports, None)
}

/// The streaming JSON writer: the header, each file's object as it comes, then the summary.
/// The bytes are those of the whole document pretty-printed at once.
pub struct Writer<'a> {
    packs: &'a PackSet,
    /// Whether a file has been written (the header with it).
    started: bool,
    verdicts: [usize; 3],
}

impl<'a> Writer<'a> {
    /// A writer for a run with `packs`.
    #[must_use]
    pub fn new(packs: &'a PackSet) -> Self {
        Self { packs, started: false, verdicts: [0; 3] }
    }

    fn header(&self) -> String {
        let tool = Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            packs: self
                .packs
                .packs
                .iter()
                .map(|p| Pack { name: &p.name, version: &p.version, origin: &p.origin })
                .collect(),
        };
        format!("{{\n  \"version\": {FORMAT_VERSION},\n  \"tool\": {},\n  \"files\": [", pretty_at(&tool, 1))
    }
}

impl super::stream::Writer for Writer<'_> {
    fn part(&self, r: &FileReport) -> Option<String> {
        Some(pretty_item(&file(r, self.packs.decision()), 2))
    }

    fn file(&mut self, out: &mut dyn Write, r: &FileReport, part: Option<String>) -> io::Result<()> {
        let part = part.unwrap_or_else(|| self.part(r).unwrap_or_default());
        if !self.started {
            out.write_all(self.header().as_bytes())?;
        }
        out.write_all(if self.started { b",\n" } else { b"\n" })?;
        out.write_all(part.as_bytes())?;
        self.started = true;
        match r.verdict {
            Some(Verdict::RuledOut) => self.verdicts[0] += 1,
            Some(Verdict::Viable) => self.verdicts[1] += 1,
            None => self.verdicts[2] += 1,
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        if self.started {
            out.write_all(b"\n  ]")?;
        } else {
            out.write_all(self.header().as_bytes())?;
            out.write_all(b"]")?;
        }
        let decision = self.packs.decision();
        let summary = Summary {
            files: end.files,
            errors: end.counts.errors,
            warnings: end.counts.warnings,
            advice: end.counts.advice,
            waived: end.counts.waived,
            verdicts: Verdicts {
                names: decision.map(|d| (d.ruled_out.as_str(), d.viable.as_str())),
                ruled_out: self.verdicts[0],
                viable: self.verdicts[1],
                none: self.verdicts[2],
            },
        };
        write!(out, ",\n  \"summary\": {}\n}}\n", pretty_at(&summary, 1))
    }
}

fn file<'a>(r: &'a FileReport, decision: Option<&'a Decision>) -> File<'a> {
    let idx = LineIndex::new(&r.file.text);
    File {
        path: &r.file.name,
        verdict: r.verdict.zip(decision).map(|(v, d)| v.name(d)),
        diagnostics: r.diagnostics.iter().map(|d| diagnostic(&idx, d)).collect(),
        workloads: &r.workloads,
        ruled_out_by: &r.ruled_out_by,
        hybrid: r.hybrid.as_ref().map(super::HybridJson::from),
    }
}

fn diagnostic<'a>(idx: &LineIndex<'_>, d: &'a Diagnostic) -> Diag<'a> {
    let labels = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| Label { message: l.text.as_deref(), range: idx.range(l.span).into(), primary: i == 0 })
        .collect();
    Diag {
        code: &d.code,
        severity: d.severity.as_str(),
        message: &d.message,
        range: idx.primary_range(d).into(),
        labels,
        help: d.help.as_deref(),
        url: d.url.as_deref(),
        source: d.source.as_deref(),
        rules_out: d.rules_out.as_deref(),
        waived: d.waived.as_deref().map(|w| waiver(idx, w)),
    }
}

fn waiver<'a>(idx: &LineIndex<'_>, w: &'a Waived) -> Waiver<'a> {
    Waiver {
        reason: &w.reason,
        expires: w.expires.as_deref(),
        owner: w.owner.as_deref(),
        ticket: w.ticket.as_deref(),
        range: idx.range(w.span).into(),
    }
}
