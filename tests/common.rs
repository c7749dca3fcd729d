//! Shared helpers: running the binary with a fixed, colourless environment.

use std::path::Path;
use std::sync::Arc;

use assert_cmd::Command;
use lync_lint_core::diag::SourceFile;
use lync_lint_core::engine::{FileReport, check};
use lync_lint_core::pack::PackSet;

/// The shipped fixtures (`fixtures/NAME.lync.kdl`), in the order `fixtures/README.md` lists them.
pub const FIXTURES: &[&str] = &[
    "small-business",
    "multinational",
    "contact-centre",
    "on-premises-declared",
    "online-but-needs-voice",
    "hybrid",
    "all-on-premises",
    "us-hospital",
    "bank",
    "european-group",
    "typos",
];

/// The output of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `lync-lint ARGS` in `dir` with colour off and a fixed width.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::cargo_bin("lync-lint").expect("binary built");
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1").env("COLUMNS", "100").env_remove("NO_GRAPHICS");
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `lync-lint ARGS` from the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, None)
}

/// The built-in pack, loaded once per call.
pub fn builtin() -> PackSet {
    lync_lint::packs::load(&[lync_lint::packs::builtin()]).expect("the built-in pack loads")
}

/// Checks `text` as an environment file named `env.lync.kdl`.
pub fn check_text(packs: &PackSet, text: &str) -> FileReport {
    check(SourceFile::new("env.lync.kdl", text), packs, &lync_lint::settings::check_options())
}

/// The text a diagnostic's primary label points at.
pub fn primary_text(file: &Arc<SourceFile>, d: &lync_lint_core::diag::Diagnostic) -> String {
    let s = d.primary_span();
    file.text[s.start..s.end].to_owned()
}
