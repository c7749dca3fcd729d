//! `lync-lint explain RULE-ID`: a rule's full text, as ruff's `rule` command prints it.

use std::fmt::Write as _;
use std::io::{self, Write};

use clap::Args;

use super::{ExitStatus, OutputArgs, PackArgs, load_packs};
use lync_lint_core::diag::did_you_mean;
use lync_lint_core::pack::PackSet;
use lync_lint_core::policy::{Condition, Policy};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `enterprise-voice/call-park`
    pub rule: String,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &ExplainArgs) -> io::Result<ExitStatus> {
    let Some(packs) = load_packs(&args.packs, args.output.style())? else {
        return Ok(ExitStatus::Failure);
    };
    let Some(p) = packs.policy(&args.rule) else {
        let mut err = io::stderr().lock();
        write!(err, "error: unknown rule `{}`", args.rule)?;
        match did_you_mean(&args.rule, packs.policies.iter().map(|p| p.id.as_str())) {
            Some(s) => writeln!(err, "; did you mean `{s}`?")?,
            None => writeln!(err, "; `lync-lint rules` lists them")?,
        }
        return Ok(ExitStatus::Failure);
    };
    write!(io::stdout().lock(), "{}", explain(p, &packs))?;
    Ok(ExitStatus::Clean)
}

/// The full explanation of a rule (also used by the language server's hover).
#[must_use]
pub fn explain(p: &Policy, packs: &PackSet) -> String {
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
