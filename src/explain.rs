//! The full text of a rule or of an engine code: what `lync-lint explain` prints and what the
//! language server shows on hover.

use std::fmt::Write as _;

use lync_lint_core::codes::{self, Code};
use lync_lint_core::diag::did_you_mean;
use lync_lint_core::pack::PackSet;
use lync_lint_core::policy::{Condition, Policy};

/// What an id given to `explain` names.
#[derive(Debug)]
pub enum Explained<'a> {
    /// A rule of a loaded pack.
    Rule(&'a Policy),
    /// An engine code.
    Code(&'static Code),
}

/// Resolves `id`: a rule id, the last segment of exactly one rule id (`call-park`), or an
/// engine code.
///
/// # Errors
/// An unknown id, with a did-you-mean, or a segment several rules end with.
pub fn resolve<'a>(id: &str, packs: &'a PackSet) -> Result<Explained<'a>, String> {
    if let Some(p) = packs.policy(id) {
        return Ok(Explained::Rule(p));
    }
    if let Some(c) = codes::lookup(id) {
        return Ok(Explained::Code(c));
    }
    let by_segment: Vec<&Policy> =
        packs.policies.iter().filter(|p| p.id.rsplit('/').next() == Some(id) && !id.contains('/')).collect();
    match by_segment.as_slice() {
        [p] => return Ok(Explained::Rule(p)),
        [] => {}
        many => {
            let ids: Vec<String> = many.iter().map(|p| format!("`{}`", p.id)).collect();
            return Err(format!("`{id}` is the last segment of several rules: {}; give the whole id", ids.join(", ")));
        }
    }
    let known = packs.policies.iter().map(|p| p.id.as_str()).chain(codes::CODES.iter().map(|c| c.code));
    Err(match did_you_mean(id, known) {
        Some(s) => format!("unknown rule or code `{id}`; did you mean `{s}`?"),
        None => format!("unknown rule or code `{id}`; `lync-lint rules` lists the rules"),
    })
}

/// The full explanation of an engine code.
#[must_use]
pub fn explain_code(c: &Code) -> String {
    format!(
        "# {}: {}\n\nseverity: {}   reported by: lync-lint itself (not a policy; it cannot be waived)\n\n## What it means\n\n{}\n",
        c.code, c.summary, c.severity, c.explanation
    )
}

/// The full explanation of a rule (also used by the language server's hover).
#[must_use]
pub fn explain_rule(p: &Policy, packs: &PackSet) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}: {}\n", p.id, p.title);
    let file = packs.files.get(p.file).map_or("?", |f| f.name.as_str());
    let _ = writeln!(
        s,
        "severity: {}   rules out: {}   waivable: {}   defined in: {file}\n",
        p.severity,
        p.rules_out.as_deref().unwrap_or("nothing"),
        if p.waivable { "yes" } else { "no" },
    );
    let _ = writeln!(s, "## What it checks\n\nIt fires when:");
    condition(&mut s, &p.when, 1);
    let _ = writeln!(s, "\nand reports: {}\n", p.message);
    let _ = writeln!(s, "## What to do\n");
    for h in &p.helps {
        match &h.when {
            Some(w) => {
                let _ = writeln!(s, "When `{}` matches:\n  {}\n", w.text, h.text);
            }
            None => {
                let _ = writeln!(s, "{}\n", h.text);
            }
        }
    }
    if !p.sources.is_empty() {
        let _ = writeln!(s, "## Sources\n");
        for src in &p.sources {
            let _ = write!(s, "- {}", src.title);
            if let Some(d) = &src.date {
                let _ = write!(s, " ({d})");
            }
            if let Some(u) = &src.url {
                let _ = write!(s, "\n  {u}");
            }
            s.push('\n');
        }
        s.push('\n');
    }
    if let Some(ex) = &p.example {
        let _ = writeln!(s, "## Example that fires\n");
        for line in ex.lines() {
            let _ = writeln!(s, "    {line}");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## How to waive\n");
    if p.waivable {
        let _ = writeln!(
            s,
            "Add at the top level of the environment file:\n\n    waiver \"{}\" reason=\"why this need is accepted\" expires=\"YYYY-MM-DD\"",
            p.id
        );
    } else {
        let _ = writeln!(s, "This rule cannot be waived.");
    }
    s
}

fn condition(s: &mut String, c: &Condition, depth: usize) {
    let pad = "  ".repeat(depth);
    match c {
        Condition::Match { query, .. } => {
            let _ = writeln!(s, "{pad}- `{}` matches a node{}", query.text, without(query));
        }
        Condition::Count { query, min, max, distinct, .. } => {
            let what = distinct.as_ref().map_or_else(String::new, |d| format!(" distinct `{d}` values among"));
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("between {a} and {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => "any number of".to_owned(),
            };
            let _ = writeln!(s, "{pad}- {range}{what} nodes match `{}`{}", query.text, without(query));
        }
        Condition::All(kids) | Condition::Any(kids) => {
            let word = if matches!(c, Condition::All(_)) { "all of" } else { "any of" };
            let _ = writeln!(s, "{pad}- {word}:");
            for k in kids {
                condition(s, k, depth + 1);
            }
        }
        Condition::Not(k) => {
            let _ = writeln!(s, "{pad}- not:");
            condition(s, k, depth + 1);
        }
    }
}

/// The "without PROP" suffix for a selector with `missing="PROP"`.
fn without(sel: &lync_lint_core::policy::Sel) -> String {
    sel.missing.as_ref().map_or_else(String::new, |m| format!(" without `{m}`"))
}
