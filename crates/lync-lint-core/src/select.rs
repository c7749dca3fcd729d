//! Which codes a run reports (`--select`, `--ignore`, and the configuration's `select` and
//! `ignore`), as ruff users know them: a code is a rule id or an engine code, and a pattern
//! is a code or a prefix ending in `/` or `::` (`enterprise-voice/`, `schema::`).
//!
//! Only selected, not ignored codes are reported; ignore wins. A rule that is not enabled
//! does not run (it takes no part in the verdict). `kdl::syntax` is always reported: a file
//! that does not parse has no needs to check.

/// The selected and ignored patterns of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeSelection {
    /// Patterns to report; empty: every code.
    pub select: Vec<String>,
    /// Patterns never to report.
    pub ignore: Vec<String>,
}

/// Whether `pattern` (a code, or a prefix ending in `/` or `::`) matches `code`.
#[must_use]
pub fn matches(pattern: &str, code: &str) -> bool {
    if pattern.ends_with('/') || pattern.ends_with("::") { code.starts_with(pattern) } else { pattern == code }
}

impl CodeSelection {
    /// Whether `code` is reported (and, for a rule, runs).
    #[must_use]
    pub fn enabled(&self, code: &str) -> bool {
        if code == crate::codes::KDL_SYNTAX {
            return true;
        }
        let selected = self.select.is_empty() || self.select.iter().any(|p| matches(p, code));
        selected && !self.ignore.iter().any(|p| matches(p, code))
    }

    /// Whether nothing is selected or ignored.
    #[must_use]
    pub fn is_everything(&self) -> bool {
        self.select.is_empty() && self.ignore.is_empty()
    }
}

/// Every pattern `known` codes allow: each code, and each prefix of one that ends in `/` or
/// `::` (`enterprise-voice/`, `schema::`), for did-you-mean suggestions and validation.
#[must_use]
pub fn known_patterns<'a>(known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in known {
        for (i, _) in code.match_indices('/').chain(code.match_indices("::")) {
            let sep = if code[i..].starts_with("::") { 2 } else { 1 };
            let prefix = &code[..i + sep];
            if !out.iter().any(|p| p == prefix) {
                out.push(prefix.to_owned());
            }
        }
        if !out.iter().any(|p| p == code) {
            out.push(code.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(select: &[&str], ignore: &[&str]) -> CodeSelection {
        CodeSelection {
            select: select.iter().map(|s| (*s).to_owned()).collect(),
            ignore: ignore.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn select_then_ignore_and_ignore_wins() {
        let s = sel(&["enterprise-voice/", "schema::type"], &["enterprise-voice/call-park"]);
        assert!(s.enabled("enterprise-voice/response-groups"));
        assert!(!s.enabled("enterprise-voice/call-park"));
        assert!(s.enabled("schema::type"));
        assert!(!s.enabled("schema::value"));
        assert!(!s.enabled("federation/xmpp"));
        assert!(s.enabled("kdl::syntax"), "syntax errors are never dropped");
        assert!(sel(&[], &["kdl::"]).enabled("kdl::syntax"));
        assert!(sel(&[], &[]).enabled("anything/at-all") && sel(&[], &[]).is_everything());
        assert!(!sel(&[], &["schema::"]).enabled("schema::arity"));
    }

    #[test]
    fn prefixes_need_their_separator() {
        assert!(matches("enterprise-voice/", "enterprise-voice/call-park"));
        assert!(!matches("enterprise-voice", "enterprise-voice/call-park"), "a bare word is a whole code");
        assert!(!matches("enterprise-voice/call", "enterprise-voice/call-park"));
        assert!(matches("waiver::", "waiver::unused"));
    }

    #[test]
    fn known_patterns_are_codes_and_their_prefixes() {
        let p = known_patterns(["enterprise-voice/call-park", "schema::type", "a/b/c"]);
        assert_eq!(
            p,
            ["enterprise-voice/", "enterprise-voice/call-park", "schema::", "schema::type", "a/", "a/b/", "a/b/c"]
        );
    }

    #[test]
    fn everything_means_nothing_selected_and_nothing_ignored() {
        assert!(sel(&[], &[]).is_everything());
        assert!(!sel(&["a/"], &[]).is_everything());
        assert!(!sel(&[], &["a/"]).is_everything());
        assert!(!sel(&["a/"], &["a/b"]).is_everything());
        assert!(!sel(&[], &["a/"]).enabled("a/b") && sel(&[], &["a/"]).enabled("b/a"));
        assert!(sel(&["a/", "b/c"], &[]).enabled("b/c") && !sel(&["a/", "b/c"], &[]).enabled("b/d"));
    }

    #[test]
    fn double_colon_prefixes_and_slashes_inside_engine_codes() {
        assert!(matches("schema::", "schema::type"));
        assert!(!matches("schema:", "schema::type"));
        assert!(!matches("schema::", "schemas::type"));
        assert!(matches("schema::type", "schema::type"));
        let p = known_patterns(["x::y/z", "x::y/z", "x::w"]);
        assert_eq!(p, ["x::y/", "x::", "x::y/z", "x::w"]);
        assert!(known_patterns([]).is_empty());
        assert_eq!(known_patterns(["plain"]), ["plain"]);
    }
}
