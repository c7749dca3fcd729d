//! The registry of the engine's own diagnostic codes: every code a check of an environment
//! file can produce besides the rule ids of the packs, with its default severity, a one-line
//! summary and an explanation. `lync-lint explain CODE` prints the explanation, SARIF's rule
//! table takes the summary, and a test checks the README's table of codes against it.
//!
//! Diagnostics name their code through these constants, never through a string literal.

use crate::diag::Severity;

/// One engine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The code, `area::name`.
    pub code: &'static str,
    /// Its severity (configuration and target do not change engine codes).
    pub severity: Severity,
    /// One line: what it means.
    pub summary: &'static str,
    /// What triggers it, with an example, and how to fix it.
    pub explanation: &'static str,
}

/// `kdl::syntax`.
pub const KDL_SYNTAX: &str = "kdl::syntax";
/// `schema::unknown-node`.
pub const UNKNOWN_NODE: &str = "schema::unknown-node";
/// `schema::unknown-property`.
pub const UNKNOWN_PROPERTY: &str = "schema::unknown-property";
/// `schema::type`.
pub const TYPE: &str = "schema::type";
/// `schema::value`.
pub const VALUE: &str = "schema::value";
/// `schema::duplicate`.
pub const DUPLICATE: &str = "schema::duplicate";
/// `schema::arity`.
pub const ARITY: &str = "schema::arity";
/// `source::encoding`.
pub const ENCODING: &str = "source::encoding";
/// `source::binary`.
pub const BINARY: &str = "source::binary";
/// `waiver::missing-reason`.
pub const WAIVER_MISSING_REASON: &str = "waiver::missing-reason";
/// `waiver::expired`.
pub const WAIVER_EXPIRED: &str = "waiver::expired";
/// `waiver::unused`.
pub const WAIVER_UNUSED: &str = "waiver::unused";
/// `waiver::unknown-rule`.
pub const WAIVER_UNKNOWN_RULE: &str = "waiver::unknown-rule";
/// `waiver::not-waivable`.
pub const WAIVER_NOT_WAIVABLE: &str = "waiver::not-waivable";
/// `deployment::online-viable`.
pub const ONLINE_VIABLE: &str = "deployment::online-viable";

/// Every engine code, in the order the README lists them.
pub const CODES: &[Code] = &[
    Code {
        code: KDL_SYNTAX,
        severity: Severity::Error,
        summary: "the file is not valid KDL v2; a file that is valid KDL v1 gets one error with the fix",
        explanation: "The file does not parse as KDL v2, so its needs are unknown and it gets no verdict. \
Every error the parser finds is reported with its span. A file written in KDL v1 gets one error that says so: \
write `true`/`false`/`null` as `#true`/`#false`/`#null`, quote strings that are not identifiers, and write raw \
strings `r\"...\"` as `#\"...\"#`.\n\nExample: `call-park true` (KDL v1) becomes `call-park #true`.",
    },
    Code {
        code: UNKNOWN_NODE,
        severity: Severity::Error,
        summary: "a node the vocabulary does not know in that place, with the closest name or where it belongs",
        explanation: "The node's name is not declared by the loaded vocabularies under its parent. The help \
suggests the closest known name (`call-prak` -> `call-park`), or the section where a node of that name belongs \
(`call-park` at the top level belongs in `voice`). `lync-lint init` writes a starter file with every known node.",
    },
    Code {
        code: UNKNOWN_PROPERTY,
        severity: Severity::Error,
        summary: "a property the vocabulary does not know on that node, with the closest name",
        explanation: "The node takes no property of that name. The help suggests the closest declared one \
(`contry=` -> `country=`). Hover in an editor, or the vocabulary reference of the documentation, lists each node's properties.",
    },
    Code {
        code: TYPE,
        severity: Severity::Error,
        summary: "a value of the wrong type (`pbx-replacement \"yes\"`: expected a boolean)",
        explanation: "An argument or property has another type than the vocabulary declares: a string where \
a boolean is expected (`pbx-replacement \"yes\"`; write `#true`), a number written as a string (`users=\"300\"`; \
write `users=300`), and so on. KDL never converts one type into another.",
    },
    Code {
        code: VALUE,
        severity: Severity::Error,
        summary: "a value outside the allowed set, a bad country code or date, an integer out of range",
        explanation: "The value has the right type but is not allowed: a string outside the declared choices \
(`policies \"ful\"`: expected `\"basic\"` or `\"full\"`), a country that is not an ISO 3166-1 alpha-2 code, a date \
that is not a real `YYYY-MM-DD` day, or an integer outside its range. The help lists the allowed values.",
    },
    Code {
        code: DUPLICATE,
        severity: Severity::Error,
        summary: "a node that may appear once is given twice in one parent",
        explanation: "Only nodes the vocabulary marks as repeatable (`site`, `sip-trunk`, `waiver`, ...) may appear \
more than once in the same parent. Both places are labelled: keep one, or merge them.",
    },
    Code {
        code: ARITY,
        severity: Severity::Error,
        summary: "missing or extra arguments, or a missing required property",
        explanation: "The node has fewer or more arguments than the vocabulary declares (`pbx-replacement` \
without a value, `dial-plans \"custom\" \"default\"`), or lacks a required property (a `waiver` without `reason=`).",
    },
    Code {
        code: ENCODING,
        severity: Severity::Error,
        summary: "the file is not UTF-8 (the message gives the byte offset)",
        explanation: "KDL files are UTF-8. The file has bytes that are not, at the offset the message gives; save \
it as UTF-8 (a byte order mark at the start is accepted and ignored).",
    },
    Code {
        code: BINARY,
        severity: Severity::Error,
        summary: "the file contains NUL bytes",
        explanation: "A NUL byte means the file is not text: it was probably selected by mistake. Check the \
`include` and `exclude` globs of `lync-lint.kdl`, or the paths given on the command line.",
    },
    Code {
        code: WAIVER_MISSING_REASON,
        severity: Severity::Error,
        summary: "a waiver without a `reason`, or with an empty one",
        explanation: "A waiver must say why the finding does not apply or is accepted, so that reviewers can judge \
it: `waiver \"control/upgrade-timing\" reason=\"the service desk schedules upgrades\"`. No fix writes the reason for you.",
    },
    Code {
        code: WAIVER_EXPIRED,
        severity: Severity::Error,
        summary: "a waiver past its `expires` date: it is void and its finding comes back",
        explanation: "After the day given by `expires=\"YYYY-MM-DD\"` the waiver no longer suppresses its rule: \
the finding is reported again, with this error on the date. Fix the need, or renew the waiver with a new \
reason and date.",
    },
    Code {
        code: WAIVER_UNUSED,
        severity: Severity::Warning,
        summary: "a waiver that suppresses nothing (a warning)",
        explanation: "The rule the waiver names does not fire in this file (any more). Remove the waiver, so that \
it cannot hide the finding if the need comes back.",
    },
    Code {
        code: WAIVER_UNKNOWN_RULE,
        severity: Severity::Error,
        summary: "a waiver naming a rule that no loaded pack has, with a did-you-mean",
        explanation: "The waiver's rule id is not the id of any rule of the loaded packs; the help suggests the \
closest one. `lync-lint rules` lists every id.",
    },
    Code {
        code: WAIVER_NOT_WAIVABLE,
        severity: Severity::Error,
        summary: "a waiver for a policy declared `waivable #false`",
        explanation: "The policy says it cannot be waived (`waivable #false`): change the environment instead, \
or, for an organization's own pack, change the policy.",
    },
    Code {
        code: ONLINE_VIABLE,
        severity: Severity::Warning,
        summary: "`target \"on-premises\"` or `\"hybrid\"` is declared, yet nothing rules Lync Online out (a warning)",
        explanation: "The file chooses servers on premises (`deployment { target \"on-premises\" }` or `\"hybrid\"`), \
but none of its needs rules Lync Online out. Microsoft's deployment guide closes with the advice that Lync Online \
is simpler to deploy and manage when nothing requires servers: choose `target \"online\"`, or describe the need \
that requires servers.",
    },
];

/// The registered code `code`, if it is one.
#[must_use]
pub fn lookup(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        for (i, c) in CODES.iter().enumerate() {
            assert!(CODES[..i].iter().all(|d| d.code != c.code), "{} twice", c.code);
            let (area, name) = c.code.split_once("::").expect("area::name");
            assert!(!area.is_empty() && !name.is_empty());
            assert!(!c.summary.is_empty() && !c.summary.ends_with('.'), "{}", c.code);
            assert!(c.explanation.len() > c.summary.len(), "{}", c.code);
        }
        assert_eq!(lookup(WAIVER_UNUSED).map(|c| c.severity), Some(Severity::Warning));
        assert!(lookup("enterprise-voice/call-park").is_none());
    }
}
