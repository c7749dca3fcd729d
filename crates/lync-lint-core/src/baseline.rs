//! Baselines: adopt the linter on an existing repository by recording today's findings and
//! reporting only new ones.
//!
//! A finding's identity is its rule, file and node path (`voice/pbx-integration[1]`), not its
//! line, so it survives unrelated edits above it. The file format (JSON):
//!
//! ```json
//! {"version": 1, "findings": [{"rule": "federation/xmpp", "file": "envs/a.lync.kdl", "path": "federation/xmpp[1]"}]}
//! ```

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::engine::FileReport;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Entry {
    /// The id of the rule that fired, e.g. `federation/xmpp`.
    pub rule: String,
    /// The file's name as the report shows it, e.g. `envs/a.lync.kdl`.
    pub file: String,
    /// The finding's node path in the file, e.g. `federation/xmpp[1]`; empty when the
    /// finding points at no node.
    pub path: String,
}

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The file format's version; `1`, the only one there is.
    pub version: u32,
    /// The recorded findings, sorted when recorded; each hides one finding.
    pub findings: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Applied {
    /// Findings hidden because the baseline has them.
    pub baselined: usize,
    /// Baseline entries of checked files that no longer occur.
    pub fixed: Vec<Entry>,
    /// The entries of the hidden findings (for recording a new baseline).
    pub hidden: Vec<Entry>,
}

/// A baseline's entries by file name, as the engine applies them.
pub type ByFile = std::collections::HashMap<String, Vec<Entry>>;

fn entry(file: &str, d: &Diagnostic) -> Option<Entry> {
    (d.is_finding && d.waived.is_none()).then(|| Entry {
        rule: d.code.clone(),
        file: file.to_owned(),
        path: d.node_path.clone().unwrap_or_default(),
    })
}

impl Baseline {
    /// Records every unwaived finding of `reports`.
    #[must_use]
    pub fn record(reports: &[FileReport]) -> Self {
        Self::from_entries(reports.iter().flat_map(Self::entries_of).collect())
    }

    /// A baseline of these entries (in any order).
    #[must_use]
    pub fn from_entries(mut findings: Vec<Entry>) -> Self {
        findings.sort();
        Self { version: 1, findings }
    }

    /// The unwaived findings of one file, as baseline entries.
    #[must_use]
    pub fn entries_of(report: &FileReport) -> Vec<Entry> {
        report.diagnostics.iter().filter_map(|d| entry(&report.file.name, d)).collect()
    }

    /// Parses a baseline file's text.
    ///
    /// # Errors
    /// When the text is not a version-1 baseline.
    pub fn parse(text: &str) -> Result<Self, String> {
        let b: Self = serde_json::from_str(text).map_err(|e| format!("not a lync-lint baseline: {e}"))?;
        if b.version == 1 { Ok(b) } else { Err(format!("unsupported baseline version {}", b.version)) }
    }

    /// The file's text.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The entries of each file.
    #[must_use]
    pub fn by_file(self) -> ByFile {
        let mut map = ByFile::new();
        for e in self.findings {
            map.entry(e.file.clone()).or_default().push(e);
        }
        map
    }
}

/// Removes from `diagnostics` (those of the file `file`) the findings the file's entries
/// record, each entry hiding one finding; `fixed` lists the file's entries that no longer
/// occur (unsorted). Called by the engine, after waivers and before the verdict.
pub fn apply(by_file: &ByFile, file: &str, diagnostics: &mut Vec<Diagnostic>) -> Applied {
    let mut applied = Applied::default();
    let Some(entries) = by_file.get(file) else { return applied };
    let mut left: Vec<&Entry> = entries.iter().collect();
    diagnostics.retain(|d| {
        let Some(e) = entry(file, d) else { return true };
        match left.iter().position(|x| **x == e) {
            Some(i) => {
                left.swap_remove(i);
                applied.baselined += 1;
                applied.hidden.push(e);
                false
            }
            None => true,
        }
    });
    applied.fixed = left.into_iter().cloned().collect();
    applied
}

impl Applied {
    /// Adds another file's result (call [`slice::sort`] on `fixed` when done).
    pub fn add(&mut self, other: Self) {
        self.baselined += other.baselined;
        self.fixed.extend(other.fixed);
        self.hidden.extend(other.hidden);
    }
}
