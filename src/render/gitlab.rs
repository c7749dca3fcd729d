//! GitLab Code Quality report (`--format gitlab`): a JSON array of issues, as GitLab reads
//! the `codequality` report artifact.
//!
//! ```json
//! [{"description": "...", "check_name": "enterprise-voice/call-park",
//!   "fingerprint": "3f2a...", "severity": "major",
//!   "location": {"path": "envs/a.lync.kdl", "lines": {"begin": 14}}}]
//! ```
//!
//! `severity`: advice is `info`, a warning `minor`, an error `major`. `check_name` is the
//! code. `fingerprint` is the same hash as SARIF's (code, path, the primary label's text and
//! its occurrence): unique within the report, and stable when lines move. `path` is relative
//! to the working directory. Waived findings are left out.

use std::io::{self, Write};

use serde::Serialize;

use super::stream::{End, pretty_item};

use lync_lint_core::diag::Severity;
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::PackSet;
use lync_lint_core::text::LineIndex;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// GitLab's name of a severity.
#[must_use]
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Advice => "info",
        Severity::Warning => "minor",
        Severity::Error => "major",
    }
}

/// The path as GitLab wants it: relative to the working directory `cwd`, with `/`.
fn relative(name: &str, cwd: Option<&std::path::Path>) -> String {
    let path = std::path::Path::new(name);
    let rel = cwd.and_then(|cwd| path.strip_prefix(cwd).ok()).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map_or_else(|| s.clone(), str::to_owned)
}

/// The issues of every file, pretty-printed, ending with a newline.
#[must_use]
pub fn render(reports: &[FileReport], _packs: &PackSet) -> String {
    super::stream::render_all(&mut Writer::new(std::env::current_dir().ok()), reports, None)
}

/// The streaming writer: `[`, each file's issues as they come, `]`.
pub struct Writer {
    issues: usize,
    /// The working directory, asked once: paths are written relative to it.
    cwd: Option<std::path::PathBuf>,
}

impl Writer {
    /// A writer whose paths are relative to `cwd`.
    #[must_use]
    pub fn new(cwd: Option<std::path::PathBuf>) -> Self {
        Self { issues: 0, cwd }
    }
}

impl super::stream::Writer for Writer {
    fn part(&self, r: &FileReport) -> Option<String> {
        let idx = LineIndex::new(&r.file.text);
        let path = relative(&r.file.name, self.cwd.as_deref());
        let items: Vec<String> = r
            .diagnostics
            .iter()
            .zip(super::fingerprints(r, &idx))
            .filter(|(d, _)| d.waived.is_none())
            .map(|(d, fingerprint)| {
                let issue = Issue {
                    description: d.message.clone(),
                    check_name: &d.code,
                    fingerprint,
                    severity: severity(d.severity),
                    location: Location { path: path.clone(), lines: Lines { begin: idx.primary_range(d).start.line } },
                };
                pretty_item(&issue, 1)
            })
            .collect();
        Some(items.join(",\n"))
    }

    fn file(&mut self, out: &mut dyn Write, r: &FileReport, part: Option<String>) -> io::Result<()> {
        let part = part.unwrap_or_else(|| self.part(r).unwrap_or_default());
        if part.is_empty() {
            return Ok(());
        }
        out.write_all(if self.issues == 0 { b"[\n" } else { b",\n" })?;
        out.write_all(part.as_bytes())?;
        self.issues += 1;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _end: &End<'_>) -> io::Result<()> {
        out.write_all(if self.issues == 0 { b"[]\n" } else { b"\n]\n" })
    }
}
