//! `lync-lint rules`: every loaded rule with its severity and title.

use std::io::{self, Write};

use clap::{Args, ValueEnum};

use super::{ExitStatus, OutputArgs, PackArgs, load_packs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &RulesArgs) -> io::Result<ExitStatus> {
    let Some(packs) = load_packs(&args.packs, args.output.style())? else {
        return Ok(ExitStatus::Failure);
    };
    let mut out = io::stdout().lock();
    match args.format {
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = packs
                .policies
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "id": p.id,
                        "severity": p.severity.as_str(),
                        "title": p.title,
                        "rules_out": p.rules_out,
                        "waivable": p.waivable,
                        "url": p.sources.iter().find_map(|s| s.url.clone()),
                        "file": packs.files.get(p.file).map(|f| f.name.clone()),
                    })
                })
                .collect();
            let doc = serde_json::json!({ "version": 1, "rules": rules });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default())?;
        }
        RulesFormat::Human => {
            let width = packs.policies.iter().map(|p| p.id.len()).max().unwrap_or(0);
            for p in &packs.policies {
                writeln!(out, "{:<width$}  {:<7}  {}", p.id, p.severity.as_str(), p.title)?;
            }
            writeln!(out, "\n{} rules; `lync-lint explain RULE-ID` prints one in full", packs.policies.len())?;
        }
    }
    Ok(ExitStatus::Clean)
}
