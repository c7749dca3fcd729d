//! `check --statistics`: instead of diagnostics, one line per code with how often it occurs,
//! its severity and its title, most frequent first (ties by code), as ruff's `--statistics`.
//!
//! Human: `  COUNT  SEVERITY  CODE  TITLE`, aligned. JSON (`--format json`): an array of
//! `{"code", "count", "severity", "title"}`. Waived findings are not counted; a code reported
//! with several severities (a target turns findings into advice) shows the most severe.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use lync_lint_core::diag::Severity;
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::PackSet;

/// One code's line.
#[derive(Debug, Serialize, PartialEq)]
pub struct Stat {
    /// The rule id or engine code.
    pub code: String,
    /// How many unwaived diagnostics have it.
    pub count: usize,
    /// The most severe severity among them.
    #[serde(serialize_with = "severity_name")]
    pub severity: Severity,
    /// The rule's title, or the engine code's summary.
    pub title: String,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn severity_name<S: serde::Serializer>(s: &Severity, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(s.as_str())
}

/// Counts codes as reports come (streaming): per code, how many unwaived diagnostics and
/// the most severe severity.
#[derive(Debug, Default)]
pub struct Tally {
    codes: BTreeMap<String, (usize, Severity)>,
}

impl Tally {
    /// Counts one report's unwaived diagnostics.
    pub fn add(&mut self, r: &FileReport) {
        for d in r.diagnostics.iter().filter(|d| d.waived.is_none()) {
            let e = self.codes.entry(d.code.clone()).or_insert((0, d.severity));
            e.0 += 1;
            e.1 = e.1.max(d.severity);
        }
    }

    /// The statistics, most frequent first (ties by code).
    #[must_use]
    pub fn into_stats(self, packs: &PackSet) -> Vec<Stat> {
        let mut stats: Vec<Stat> = self
            .codes
            .into_iter()
            .map(|(code, (count, severity))| Stat {
                title: packs
                    .policy(&code)
                    .map(|p| p.title.to_string())
                    .or_else(|| lync_lint_core::codes::lookup(&code).map(|c| c.summary.to_owned()))
                    .unwrap_or_default(),
                code,
                count,
                severity,
            })
            .collect();
        stats.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        stats
    }
}

/// The human table.
#[must_use]
pub fn human(stats: &[Stat]) -> String {
    let count_width = stats.iter().map(|s| s.count.to_string().len()).max().unwrap_or(1);
    let code_width = stats.iter().map(|s| s.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in stats {
        let _ = writeln!(
            out,
            "{:>count_width$}  {:<7}  {:<code_width$}  {}",
            s.count,
            s.severity.as_str(),
            s.code,
            s.title
        );
    }
    out
}

/// The JSON array, pretty-printed, ending with a newline.
#[must_use]
pub fn json(stats: &[Stat]) -> String {
    let mut out = serde_json::to_string_pretty(stats).expect("plain structs serialize");
    out.push('\n');
    out
}
