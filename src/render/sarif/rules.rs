//! SARIF `reportingDescriptor`s: one per loaded policy, plus one per other diagnostic code
//! that occurs in the run (syntax, schema, source, deployment, waiver), so that every
//! result's `ruleIndex` points at the rule with its `ruleId`.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use lync_lint_core::codes;
use lync_lint_core::diag::{Diagnostic, Severity};
use lync_lint_core::pack::{Decision, PackSet};
use lync_lint_core::policy::Policy;

#[derive(Serialize)]
pub(crate) struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<String>,
}

/// A SARIF `reportingDescriptor`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: Properties,
}

/// The rules of a run, in order, with an index by id.
#[derive(Default)]
pub(crate) struct RuleTable {
    rules: Vec<Rule>,
    index: HashMap<String, usize>,
}

impl RuleTable {
    /// Every loaded policy, in pack order.
    pub(crate) fn new(packs: &PackSet) -> Self {
        let mut table = Self::default();
        for p in &packs.policies {
            table.push(policy_rule(p, packs.decision()));
        }
        table
    }

    /// Adds a rule for a diagnostic's code unless there is one.
    pub(crate) fn add_code(&mut self, d: &Diagnostic) {
        if !self.index.contains_key(&d.code) {
            self.push(code_rule(d));
        }
    }

    /// The index of the rule `code`; every code of the run was added first.
    pub(crate) fn index(&self, code: &str) -> usize {
        self.index.get(code).copied().unwrap_or_default()
    }

    pub(crate) fn into_rules(self) -> Vec<Rule> {
        self.rules
    }

    fn push(&mut self, rule: Rule) {
        self.index.insert(rule.id.clone(), self.rules.len());
        self.rules.push(rule);
    }
}

/// The SARIF level of a severity.
pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

/// `multi-regional/regional-servers` -> `MultiRegionalRegionalServers`.
pub(crate) fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().into_iter().flat_map(char::to_uppercase).chain(chars)
        })
        .collect()
}

fn text(s: impl Into<String>) -> Text {
    Text { text: s.into() }
}

fn policy_rule(p: &Policy, decision: Option<&Decision>) -> Rule {
    let full = match (p.rules_out.as_deref(), decision) {
        (Some(out), Some(d)) if out == d.option => format!("{} (a finding rules {} out)", p.title, d.option_name),
        (Some(other), _) => format!("{} (a finding rules out `{other}`)", p.title),
        (None, _) => p.title.to_string(),
    };
    let mut tags = vec!["lync-lint".to_owned()];
    if let Some((category, _)) = p.id.split_once('/') {
        tags.push(category.to_owned());
    }
    if let Some(r) = &p.rules_out {
        tags.push(format!("rules-out-{r}"));
    }
    Rule {
        id: p.id.to_string(),
        name: pascal_case(&p.id),
        short_description: text(p.title.as_str()),
        full_description: text(full),
        help: policy_help(p),
        help_uri: p.sources.iter().find_map(|s| s.url.as_ref().map(ToString::to_string)),
        default_configuration: Configuration { level: level(p.severity) },
        properties: Properties { tags },
    }
}

/// The help texts, then the sources; the markdown adds links and the example.
fn policy_help(p: &Policy) -> Help {
    let helps: Vec<&str> = p.helps.iter().map(|h| h.text.as_str()).collect();
    let mut text = helps.join("\n\n");
    let mut markdown = text.clone();
    if !p.sources.is_empty() {
        text.push_str("\n\nSources:");
        markdown.push_str("\n\n**Sources**\n");
    }
    for s in &p.sources {
        let date = s.date.as_ref().map(|d| format!(" ({d})")).unwrap_or_default();
        let _ = write!(text, "\n- {}{date}", s.title);
        match &s.url {
            Some(url) => {
                let _ = write!(text, ": {url}");
                let _ = write!(markdown, "\n- [{}]({url}){date}", s.title);
            }
            None => {
                let _ = write!(markdown, "\n- {}{date}", s.title);
            }
        }
    }
    if let Some(example) = &p.example {
        let _ = write!(markdown, "\n\n**Example that fires**\n\n```kdl\n{}\n```", example.trim_end());
    }
    Help { text, markdown }
}

/// The rule of an engine code, described by the registry (`lync_lint_core::codes`).
fn code_rule(d: &Diagnostic) -> Rule {
    let registered = codes::lookup(&d.code);
    let summary = registered.map_or(d.code.as_str(), |c| c.summary);
    let explanation = registered.map_or(d.code.as_str(), |c| c.explanation);
    let area = d.code.split("::").next().unwrap_or_default();
    Rule {
        id: d.code.clone(),
        name: pascal_case(&d.code),
        short_description: text(summary),
        full_description: text(explanation),
        help: Help { text: explanation.to_owned(), markdown: explanation.to_owned() },
        help_uri: None,
        default_configuration: Configuration { level: level(d.severity) },
        properties: Properties { tags: vec!["lync-lint".to_owned(), area.to_owned()] },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("multi-regional/regional-servers"), "MultiRegionalRegionalServers");
        assert_eq!(pascal_case("kdl::syntax"), "KdlSyntax");
        assert_eq!(pascal_case("scale/users-2"), "ScaleUsers2");
    }

    #[test]
    fn codes_get_a_rule_once() {
        let mut t = RuleTable::default();
        let d = Diagnostic::error("kdl::syntax", "x");
        t.add_code(&d);
        t.add_code(&d);
        t.add_code(&Diagnostic::warning("deployment::online-viable", "y"));
        assert_eq!(t.index("kdl::syntax"), 0);
        assert_eq!(t.index("deployment::online-viable"), 1);
        let rules = t.into_rules();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].default_configuration.level, "warning");
    }
}
