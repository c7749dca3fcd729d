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

/// The unwaived findings among one file's diagnostics, as baseline entries.
#[must_use]
pub fn entries(file: &str, diagnostics: &[Diagnostic]) -> Vec<Entry> {
    diagnostics.iter().filter_map(|d| entry(file, d)).collect()
}

impl Baseline {
    /// A baseline of these entries (in any order).
    #[must_use]
    pub fn from_entries(mut findings: Vec<Entry>) -> Self {
        findings.sort();
        Self { version: 1, findings }
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

#[cfg(test)]
mod tests {
    use super::{Applied, Baseline, ByFile, Entry, apply};
    use crate::diag::{Diagnostic, SourceFile, Waived};
    use crate::doc::Span;
    use crate::engine::FileReport;

    fn entry(rule: &str, file: &str, path: &str) -> Entry {
        Entry { rule: rule.to_owned(), file: file.to_owned(), path: path.to_owned() }
    }

    fn finding(rule: &str, path: Option<&str>) -> Diagnostic {
        Diagnostic { is_finding: true, node_path: path.map(str::to_owned), ..Diagnostic::error(rule, "m") }
    }

    fn waived(mut d: Diagnostic) -> Diagnostic {
        d.waived = Some(Box::new(Waived {
            reason: "r".into(),
            expires: None,
            owner: None,
            ticket: None,
            span: Span::default(),
        }));
        d
    }

    fn report(file: &str, diagnostics: Vec<Diagnostic>) -> FileReport {
        FileReport::unknown(SourceFile::new(file, ""), diagnostics)
    }

    #[test]
    fn recording_keeps_unwaived_findings_sorted() {
        let reports = [
            report(
                "b.kdl",
                vec![
                    finding("z/rule", Some("voice/pbx[2]")),
                    finding("a/rule", None),
                    waived(finding("w/rule", Some("x"))),
                    Diagnostic::error("schema::type", "not a finding"),
                ],
            ),
            report("a.kdl", vec![finding("z/rule", Some("voice/pbx[1]"))]),
        ];
        let b = Baseline::from_entries(reports.iter().flat_map(FileReport::baseline_entries).collect());
        assert_eq!(b.version, 1);
        assert_eq!(
            b.findings,
            [
                entry("a/rule", "b.kdl", ""),
                entry("z/rule", "a.kdl", "voice/pbx[1]"),
                entry("z/rule", "b.kdl", "voice/pbx[2]")
            ]
        );
        assert_eq!(reports[1].baseline_entries(), [entry("z/rule", "a.kdl", "voice/pbx[1]")]);
        assert_eq!(
            Baseline::from_entries(vec![entry("b", "f", ""), entry("a", "f", "")]).findings,
            [entry("a", "f", ""), entry("b", "f", "")]
        );
    }

    #[test]
    fn the_file_reads_back_and_other_versions_are_refused() {
        let b = Baseline::from_entries(vec![entry("federation/xmpp", "envs/a.lync.kdl", "federation/xmpp[1]")]);
        let json = b.to_json();
        assert!(json.ends_with("}\n") && json.contains("\n  \"version\": 1,"), "{json}");
        assert_eq!(Baseline::parse(&json), Ok(b));
        assert_eq!(
            Baseline::parse(r#"{"version": 2, "findings": []}"#),
            Err("unsupported baseline version 2".to_owned())
        );
        let err = Baseline::parse("[]").expect_err("not a baseline");
        assert!(err.starts_with("not a lync-lint baseline: "), "{err}");
        assert_eq!(Baseline::parse(r#"{"version": 1, "findings": []}"#), Ok(Baseline::from_entries(Vec::new())));
    }

    #[test]
    fn entries_are_grouped_by_file() {
        let map =
            Baseline::from_entries(vec![entry("r", "b", "1"), entry("r", "a", "1"), entry("s", "b", "2")]).by_file();
        assert_eq!(map.len(), 2);
        assert_eq!(map["a"], [entry("r", "a", "1")]);
        assert_eq!(map["b"], [entry("r", "b", "1"), entry("s", "b", "2")]);
    }

    #[test]
    fn each_entry_hides_one_finding_and_the_rest_are_fixed() {
        let by_file: ByFile = Baseline::from_entries(vec![
            entry("r", "f", "x[1]"),
            entry("r", "f", "x[1]"),
            entry("r", "f", "gone"),
            entry("s", "f", ""),
            entry("r", "other", "x[1]"),
        ])
        .by_file();
        let mut diags = vec![
            finding("r", Some("x[1]")),
            Diagnostic::error("r", "not a finding"),
            finding("r", Some("x[1]")),
            finding("r", Some("x[1]")),
            waived(finding("s", None)),
            finding("s", Some("new")),
            finding("t", None),
        ];
        let applied = apply(&by_file, "f", &mut diags);
        assert_eq!(applied.baselined, 2);
        assert_eq!(applied.hidden, [entry("r", "f", "x[1]"), entry("r", "f", "x[1]")]);
        let mut fixed = applied.fixed.clone();
        fixed.sort();
        assert_eq!(fixed, [entry("r", "f", "gone"), entry("s", "f", "")]);
        let left: Vec<(&str, bool, Option<&str>)> =
            diags.iter().map(|d| (d.code.as_str(), d.is_finding, d.node_path.as_deref())).collect();
        assert_eq!(
            left,
            [
                ("r", false, None),
                ("r", true, Some("x[1]")),
                ("s", true, None),
                ("s", true, Some("new")),
                ("t", true, None)
            ]
        );
        // A file the baseline does not name: nothing happens.
        let mut diags = vec![finding("r", Some("x[1]"))];
        assert_eq!(apply(&by_file, "g", &mut diags), Applied::default());
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn results_add_up() {
        let mut a = Applied { baselined: 1, fixed: vec![entry("a", "f", "")], hidden: vec![entry("h", "f", "")] };
        a.add(Applied {
            baselined: 2,
            fixed: vec![entry("b", "g", "")],
            hidden: vec![entry("i", "g", ""), entry("j", "g", "")],
        });
        assert_eq!(a.baselined, 3);
        assert_eq!(a.fixed, [entry("a", "f", ""), entry("b", "g", "")]);
        assert_eq!(a.hidden, [entry("h", "f", ""), entry("i", "g", ""), entry("j", "g", "")]);
    }
}
