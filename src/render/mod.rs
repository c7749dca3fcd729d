//! Renderers: one file per output format. Spans become lines and columns only here.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use lync_lint_core::hybrid::Hybrid;

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
