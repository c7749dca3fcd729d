//! `lync-lint explain ID`: a rule's or an engine code's full text, as ruff's `rule` command
//! prints it.

use std::io::{self, Write};

use clap::Args;

use super::{ExitStatus, OutputArgs, PackArgs, load_packs};
use crate::explain::{Explained, explain_code, explain_rule, resolve};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (`enterprise-voice/call-park`), the last segment of one when it is unique
    /// (`call-park`), or an engine code (`schema::unknown-node`, `waiver::unused`)
    #[arg(value_name = "ID")]
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
    let text = match resolve(&args.rule, &packs) {
        Ok(Explained::Rule(p)) => explain_rule(p, &packs),
        Ok(Explained::Code(c)) => explain_code(c),
        Err(e) => {
            writeln!(io::stderr().lock(), "error: {e}")?;
            return Ok(ExitStatus::Failure);
        }
    };
    write!(io::stdout().lock(), "{text}")?;
    Ok(ExitStatus::Clean)
}
