//! The output formats (SPEC §8) and the dispatch to their renderers: one place for both.

use lync_lint_core::baseline::Applied;
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::PackSet;

use super::human::{LinesWriter, Style, render_file};
use super::stream::Writer;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics drawn as rustc draws them, then a summary.
    Human,
    /// One line per diagnostic, `FILE:LINE:COL: SEVERITY CODE MESSAGE`, then the summary.
    Concise,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// A GitLab Code Quality report.
    Gitlab,
    /// `JUnit` XML.
    Junit,
    /// A decision table per file.
    Markdown,
}

impl Format {
    /// Every format's name, as `--format` and the configuration take it.
    pub const NAMES: &[&str] = &["human", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown"];

    /// Parses a format's name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(s, false).ok()
    }

    /// The format's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Human => "human",
            Self::Concise => "concise",
            Self::Json => "json",
            Self::Sarif => "sarif",
            Self::Github => "github",
            Self::Gitlab => "gitlab",
            Self::Junit => "junit",
            Self::Markdown => "markdown",
        }
    }
}

/// The streaming writer of `format` for a run with `packs` (see [`super::stream`]).
#[must_use]
pub fn writer<'a>(format: Format, packs: &'a PackSet, quiet: bool, style: Style) -> Box<dyn Writer + 'a> {
    let summary = (!quiet).then_some(true);
    match format {
        Format::Human => Box::new(LinesWriter::new(packs.decision(), render_file, style, summary)),
        Format::Concise => Box::new(LinesWriter::new(packs.decision(), super::concise::lines, style, summary)),
        Format::Json => Box::new(super::json::Writer::new(packs)),
        Format::Sarif => Box::new(super::sarif::Writer::new(packs, std::env::current_dir().ok())),
        Format::Github => Box::new(super::github::writer(packs)),
        Format::Gitlab => Box::new(super::gitlab::Writer::new(std::env::current_dir().ok())),
        Format::Junit => Box::new(super::junit::Writer::new(packs)),
        Format::Markdown => Box::new(super::markdown::Writer::new(packs)),
    }
}

/// The whole output of one run in `format` (what streaming writes, at once).
#[must_use]
pub fn render(
    format: Format,
    reports: &[FileReport],
    packs: &PackSet,
    applied: Option<&Applied>,
    quiet: bool,
    style: Style,
) -> String {
    let mut w = writer(format, packs, quiet, style);
    super::stream::render_all(w.as_mut(), reports, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in Format::NAMES {
            assert_eq!(Format::parse(name).map(Format::as_str), Some(*name));
        }
        assert_eq!(Format::parse("nope"), None);
    }
}
