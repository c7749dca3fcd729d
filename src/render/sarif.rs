//! SARIF 2.1.0 output (`--format sarif`), for GitHub code scanning and other SARIF viewers.
//!
//! One `run` per invocation:
//!
//! - `tool.driver`: `name` `lync-lint`, `version`, `semanticVersion`, `informationUri` (when the package names its repository), and
//!   `rules`: every loaded policy (id, Pascal-case `name`, `shortDescription` = title,
//!   `fullDescription`, `help` text and markdown with the help texts, sources and example,
//!   `helpUri` = first source, `defaultConfiguration.level`, `properties.tags`), followed by
//!   the other codes that occur in this run (`kdl::syntax`, `schema::*`, `source::*`,
//!   `deployment::online-viable`, ...), so every result's `ruleId`/`ruleIndex` resolves.
//! - `originalUriBaseIds`: `%SRCROOT%` is the working directory as a `file:` URI; results use
//!   repository-relative `uri`s (forward slashes, percent-encoded) with `uriBaseId: %SRCROOT%`.
//!   Absolute paths outside it become `file:` URIs without a base.
//! - `columnKind`: `unicodeCodePoints`: columns count Unicode scalar values, as in every other
//!   output; `endColumn` is one past the region's last character.
//! - `results`: `ruleId`, `ruleIndex`, `level` (`error`, `warning`, `note` for advice),
//!   `message.text`, `locations[0]` with the primary label's `region` (and its text as
//!   `snippet`), `relatedLocations` for the secondary labels (`id` from 1, with their label as
//!   `message`), and `partialFingerprints["lyncLint/v1"]`: FNV-1a 64 of the rule id, the path,
//!   the primary label's source text and its occurrence index among identical ones, so
//!   editing elsewhere in the file does not change it. A waived finding has
//!   `suppressions: [{kind: "inSource", status: "accepted", justification: REASON, location:
//!   the waiver node, properties: {expires, owner, ticket}}]`.

mod rules;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use lync_lint_core::diag::Diagnostic;
use lync_lint_core::diag::Waived;
use lync_lint_core::engine::FileReport;
use lync_lint_core::pack::PackSet;
use lync_lint_core::text::{LineIndex, Range};
use rules::{RuleTable, level};

use super::stream::{End, Spill, pretty, pretty_item};

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "lyncLint/v1";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    /// Per-file data SARIF has no place for (the verdict and hybrid sizing), in a property
    /// bag: `{"lync-lint/files": [{"path", "verdict", "hybrid"}]}`.
    properties: FilesBag<'a>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    /// The repository's address, when the package declares one (SARIF wants a URI or
    /// nothing, never an empty string).
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<rules::Rule>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
}

/// A waiver (SPEC §5): written in the environment file itself, hence `inSource`.
#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
    location: Location<'a>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, &'a str>,
}

/// SARIF's own field names.
#[allow(clippy::struct_field_names)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation,
    region: Region<'a>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text<'a>>,
}

/// The SARIF log for one run, with `%SRCROOT%` the current directory.
#[must_use]
pub fn render(reports: &[FileReport], packs: &PackSet) -> String {
    let root = std::env::current_dir().ok();
    render_with_root(reports, packs, root.as_deref())
}

/// The SARIF log for one run; `root` is `%SRCROOT%` (left out when `None`, for snapshots).
#[must_use]
pub fn render_with_root(reports: &[FileReport], packs: &PackSet, root: Option<&Path>) -> String {
    super::stream::render_all(&mut Writer::new(packs, root.map(Path::to_path_buf)), reports, None)
}

/// The streaming SARIF writer. The rule table comes before the results in the log, and it
/// lists the engine codes that occur: the results (and the per-file property bag) are kept in
/// [`Spill`]s until the end, when the log is assembled, byte for byte as rendered at once.
pub struct Writer<'a> {
    packs: &'a PackSet,
    root: Option<PathBuf>,
    rules: RuleTable,
    results: Spill,
    bag: Spill,
}

impl<'a> Writer<'a> {
    /// A writer for a run with `packs`; `root` is `%SRCROOT%`.
    #[must_use]
    pub fn new(packs: &'a PackSet, root: Option<PathBuf>) -> Self {
        Self { packs, root, rules: RuleTable::new(packs), results: Spill::default(), bag: Spill::default() }
    }
}

/// Where the spilled arrays go in the log rendered with empty ones.
const RESULTS_AT: &str = "\"results\": []";
const BAG_AT: &str = "\"lync-lint/files\": []";

impl super::stream::Writer for Writer<'_> {
    fn file(&mut self, _out: &mut dyn Write, r: &FileReport, _part: Option<String>) -> io::Result<()> {
        for d in &r.diagnostics {
            self.rules.add_code(d);
        }
        for result in file_results(r, &self.rules, self.root.as_deref()) {
            self.results.push(if self.results.is_empty() { "\n" } else { ",\n" })?;
            self.results.push(&pretty_item(&result, 4))?;
        }
        let entry = file_data(r, self.packs);
        self.bag.push(if self.bag.is_empty() { "\n" } else { ",\n" })?;
        self.bag.push(&pretty_item(&entry, 5))
    }

    fn finish(&mut self, out: &mut dyn Write, _end: &End<'_>) -> io::Result<()> {
        let mut base_ids = BTreeMap::new();
        if let Some(root) = &self.root {
            base_ids.insert(SRCROOT, ArtifactLocation { uri: dir_uri(root), uri_base_id: None });
        }
        // The table is complete: the run's end takes it.
        let rules = std::mem::take(&mut self.rules);
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: env!("CARGO_PKG_NAME"),
                        version: env!("CARGO_PKG_VERSION"),
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        information_uri: Some(env!("CARGO_PKG_REPOSITORY")).filter(|u| !u.is_empty()),
                        rules: rules.into_rules(),
                    },
                },
                original_uri_base_ids: base_ids,
                column_kind: "unicodeCodePoints",
                results: Vec::new(),
                properties: FilesBag { files: Vec::new() },
            }],
        };
        let text = pretty(&log);
        let (head, rest) = text.split_once(RESULTS_AT).expect("the log has its results");
        let (middle, tail) = rest.split_once(BAG_AT).expect("the log has its property bag");
        out.write_all(head.as_bytes())?;
        splice(out, "\"results\": [", &mut self.results, 6)?;
        out.write_all(middle.as_bytes())?;
        splice(out, "\"lync-lint/files\": [", &mut self.bag, 8)?;
        out.write_all(tail.as_bytes())?;
        out.write_all(b"\n")
    }
}

/// `key [` then the spilled items and the closing bracket at `depth`, or `key []`.
fn splice(out: &mut dyn Write, open: &str, items: &mut Spill, depth: usize) -> io::Result<()> {
    out.write_all(open.as_bytes())?;
    if items.is_empty() {
        return out.write_all(b"]");
    }
    items.copy_to(out)?;
    write!(out, "\n{}]", " ".repeat(depth))
}

fn file_results<'a>(r: &'a FileReport, rules: &RuleTable, root: Option<&Path>) -> Vec<SarifResult<'a>> {
    let idx = LineIndex::new(&r.file.text);
    let artifact = artifact_location(&r.file.name, root);
    r.diagnostics
        .iter()
        .zip(super::fingerprints(r, &idx))
        .map(|(d, fingerprint)| result(d, &idx, &artifact, rules, fingerprint))
        .collect()
}

fn result<'a>(
    d: &'a Diagnostic,
    idx: &LineIndex<'a>,
    artifact: &ArtifactLocation,
    rules: &RuleTable,
    fingerprint: String,
) -> SarifResult<'a> {
    let location = |range: Range, snippet: Option<&'a str>| PhysicalLocation {
        artifact_location: artifact.clone(),
        region: region(range, snippet),
    };
    let primary = d.labels.first().map(|l| idx.slice(l.span)).filter(|s| !s.is_empty());
    let related = d
        .labels
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, l)| Location {
            id: Some(i),
            physical_location: location(idx.range(l.span), None),
            message: l.text.as_deref().map(|text| Text { text }),
        })
        .collect();
    SarifResult {
        rule_id: &d.code,
        rule_index: rules.index(&d.code),
        level: level(d.severity),
        message: Text { text: &d.message },
        locations: [Location { id: None, physical_location: location(idx.primary_range(d), primary), message: None }],
        related_locations: related,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
        suppressions: d.waived.as_deref().map(|w| suppression(w, idx, artifact)).into_iter().collect(),
    }
}

fn suppression<'a>(w: &'a Waived, idx: &LineIndex<'a>, artifact: &ArtifactLocation) -> Suppression<'a> {
    let location = PhysicalLocation { artifact_location: artifact.clone(), region: region(idx.range(w.span), None) };
    let properties = [("expires", &w.expires), ("owner", &w.owner), ("ticket", &w.ticket)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect();
    Suppression {
        kind: "inSource",
        status: "accepted",
        justification: &w.reason,
        location: Location { id: None, physical_location: location, message: None },
        properties,
    }
}

fn region(range: Range, snippet: Option<&str>) -> Region<'_> {
    Region {
        start_line: range.start.line,
        start_column: range.start.column,
        end_line: range.end.line,
        end_column: range.end.column,
        snippet: snippet.map(|text| Text { text }),
    }
}

/// Where a file is: relative to `root` under `%SRCROOT%`, or an absolute `file:` URI.
fn artifact_location(name: &str, root: Option<&Path>) -> ArtifactLocation {
    let name = if std::path::MAIN_SEPARATOR == '\\' { name.replace('\\', "/") } else { name.to_owned() };
    let path = Path::new(&name);
    if path.is_absolute() {
        if let Some(rel) = root.and_then(|r| path.strip_prefix(r).ok()) {
            return relative(&rel.to_string_lossy());
        }
        return ArtifactLocation { uri: format!("file://{}", percent_encode(&name)), uri_base_id: None };
    }
    relative(name.strip_prefix("./").unwrap_or(&name))
}

fn relative(path: &str) -> ArtifactLocation {
    ArtifactLocation { uri: percent_encode(path), uri_base_id: Some(SRCROOT) }
}

/// A directory as a `file:` URI ending with `/`.
fn dir_uri(dir: &Path) -> String {
    let mut path = dir.to_string_lossy().replace('\\', "/");
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    format!("file://{}", percent_encode(&path))
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986), byte by byte.
#[must_use]
pub fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The run's property bag: each file's verdict and hybrid sizing.
#[derive(Serialize)]
struct FilesBag<'a> {
    #[serde(rename = "lync-lint/files")]
    files: Vec<FileData<'a>>,
}

#[derive(Serialize)]
struct FileData<'a> {
    path: &'a str,
    verdict: Option<&'a str>,
    hybrid: Option<super::HybridJson<'a>>,
}

fn file_data<'a>(r: &'a FileReport, packs: &'a PackSet) -> FileData<'a> {
    FileData {
        path: &r.file.name,
        verdict: r.verdict.zip(packs.decision()).map(|(v, d)| v.name(d)),
        hybrid: r.hybrid.as_ref().map(super::HybridJson::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fingerprint;

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode("fixtures/a b.lync.kdl"), "fixtures/a%20b.lync.kdl");
        assert_eq!(percent_encode("Zürich/x:y#1%"), "Z%C3%BCrich/x%3Ay%231%25");
        assert_eq!(percent_encode("<stdin>"), "%3Cstdin%3E");
    }

    #[test]
    fn locations() {
        let root = Path::new("/repo");
        let rel = artifact_location("./envs/a.lync.kdl", Some(root));
        assert_eq!((rel.uri.as_str(), rel.uri_base_id), ("envs/a.lync.kdl", Some(SRCROOT)));
        let inside = artifact_location("/repo/envs/a.lync.kdl", Some(root));
        assert_eq!(inside.uri, "envs/a.lync.kdl");
        let outside = artifact_location("/tmp/a b.lync.kdl", Some(root));
        assert_eq!((outside.uri.as_str(), outside.uri_base_id), ("file:///tmp/a%20b.lync.kdl", None));
        assert_eq!(dir_uri(Path::new("/work/my repo")), "file:///work/my%20repo/");
    }

    #[test]
    fn fingerprints_are_fnv1a() {
        // FNV-1a 64 of the empty input is the offset basis; of "a" a published test vector.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        h ^= u64::from(b'a');
        h = h.wrapping_mul(0x0100_0000_01b3);
        assert_eq!(h, 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fingerprint("r", "p", "t", 0), fingerprint("r", "p", "t", 0));
        assert_ne!(fingerprint("r", "p", "t", 0), fingerprint("r", "p", "t", 1));
        assert_ne!(fingerprint("r", "pt", "", 0), fingerprint("r", "p", "t", 0));
    }
}
