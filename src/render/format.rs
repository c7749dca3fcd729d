//! The output formats (SPEC §8) and the dispatch to their renderers: one place for both.

use lync_lint_core::baseline::Applied;
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::PackSet;

use super::human::{Style, baseline_summary, render_file, summary};

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
    /// JUnit XML.
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

/// The whole output of one run in `format`.
#[must_use]
pub fn render(
    format: Format,
    reports: &[FileReport],
    packs: &PackSet,
    applied: Option<&Applied>,
    quiet: bool,
    style: Style,
) -> String {
    match format {
        Format::Json => super::json::render(reports, packs),
        Format::Sarif => super::sarif::render(reports, packs),
        Format::Github => super::github::render(reports, packs),
        Format::Gitlab => super::gitlab::render(reports, packs),
        Format::Junit => super::junit::render(reports, packs),
        Format::Markdown => super::markdown::render(reports, packs),
        Format::Concise | Format::Human => {
            let mut s = String::new();
            for r in reports {
                if format == Format::Concise {
                    s.push_str(&super::concise::render_file(r));
                } else {
                    s.push_str(&render_file(r, style));
                }
            }
            if !quiet {
                s.push_str(&summary(reports, packs.decision(), style.color));
                if let Some(a) = applied {
                    s.push_str(&baseline_summary(a));
                }
            }
            s
        }
    }
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
