//! Renderers: one file per output format. Spans become lines and columns only here.

pub mod concise;
pub mod format;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod statistics;
pub mod stream;

use std::collections::HashMap;

use lync_lint_core::engine::FileReport;
use lync_lint_core::hybrid::Hybrid;
use lync_lint_core::text::LineIndex;

/// FNV-1a 64 of the parts, separated by NUL bytes, as 16 hex digits. Stable across Rust
/// versions and platforms (unlike `DefaultHasher`).
#[must_use]
pub fn fingerprint(code: &str, path: &str, text: &str, occurrence: usize) -> String {
    let occurrence = occurrence.to_string();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [code, path, text, &occurrence] {
        for &b in part.as_bytes().iter().chain(&[0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Each diagnostic's fingerprint (SARIF `partialFingerprints`, GitLab `fingerprint`): a hash
/// of its code, the file's path, the primary label's source text and its occurrence among
/// identical ones, so that it stays the same when lines move and differs between findings.
#[must_use]
pub fn fingerprints(r: &FileReport, idx: &LineIndex<'_>) -> Vec<String> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    r.diagnostics
        .iter()
        .map(|d| {
            let text = d.labels.first().map_or("", |l| idx.slice(l.span));
            let count = seen.entry((&d.code, text)).or_default();
            let occurrence = *count;
            *count += 1;
            fingerprint(&d.code, &r.file.name, text, occurrence)
        })
        .collect()
}

/// A file's hybrid sizing as JSON (SPEC §4.1), the same in the JSON and SARIF outputs:
/// `{"users", "on_premises": {"min", "max"}, "online": {"min", "max"}, "needs": [{"rule",
/// "users"}]}`, in that order.
#[derive(serde::Serialize)]
pub struct HybridJson<'a> {
    users: u64,
    on_premises: RangeJson,
    online: RangeJson,
    needs: Vec<NeedJson<'a>>,
}

#[derive(serde::Serialize)]
struct RangeJson {
    min: u64,
    max: u64,
}

#[derive(serde::Serialize)]
struct NeedJson<'a> {
    rule: &'a str,
    users: u64,
}

impl<'a> From<&'a Hybrid> for HybridJson<'a> {
    fn from(h: &'a Hybrid) -> Self {
        let range = |r: lync_lint_core::hybrid::Range| RangeJson { min: r.min, max: r.max };
        Self {
            users: h.users,
            on_premises: range(h.on_premises),
            online: range(h.online),
            needs: h.needs.iter().map(|n| NeedJson { rule: &n.rule, users: n.users }).collect(),
        }
    }
}
