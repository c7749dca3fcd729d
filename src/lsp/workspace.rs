//! The server's view of the project: the configuration, the policy packs, and which kind of
//! file each document is.
//!
//! It is rebuilt whenever `lync-lint.kdl` or a pack file changes (on disk or in an editor
//! buffer: open buffers overlay the files on disk). A broken configuration is reported on the
//! configuration file and replaced by the defaults; broken packs are reported on their files
//! and replaced by the built-in pack, so environment files keep getting diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, ConfigError};
use crate::discover::Selection;
use lync_lint_core::diag::{Diagnostic, FileDiagnostics};
use lync_lint_core::engine::CheckOptions;
use lync_lint_core::pack::{PackSet, PackSource};
use lync_lint_core::waiver::Today;

use crate::settings::Flags;

/// What a document is, which decides what it is checked as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An environment file the configuration selects (default `*.lync.kdl`).
    Environment,
    /// A `*.kdl` file inside a loaded policy pack.
    Policy,
    /// A `lync-lint.kdl`.
    Config,
    /// Anything else: no diagnostics.
    Other,
}

/// The configuration and packs in effect.
#[derive(Debug)]
pub struct Workspace {
    /// The pack directories (absolute), from the configuration and the command line.
    pub pack_dirs: Vec<PathBuf>,
    pub packs: PackSet,
    /// Problems in pack files, by file (the names are their paths).
    pub pack_diagnostics: Vec<FileDiagnostics>,
    pub options: CheckOptions,
    /// Which files are environment files (the same rule as `check`).
    selection: Selection,
    /// Problems to tell the user about once (unreadable files, fallbacks).
    pub problems: Vec<String>,
}

/// The text of a file: the open buffer when there is one, else `None` (read the disk).
pub type Overlay<'a> = &'a dyn Fn(&Path) -> Option<String>;

impl Workspace {
    /// Loads the configuration and packs as `settings` and the files under `root` say. An
    /// internal error while loading (a bug, on some input) leaves the built-in pack alone in
    /// effect, so the server keeps serving.
    #[must_use]
    pub fn load(flags: &Flags, root: &Path, overlay: Overlay<'_>) -> Arc<Self> {
        let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Self::build(flags, root, overlay)));
        loaded.unwrap_or_else(|_| {
            let builtin = crate::packs::load(&[crate::packs::builtin()]).unwrap_or_default();
            Arc::new(Self {
                pack_dirs: Vec::new(),
                packs: builtin,
                pack_diagnostics: Vec::new(),
                options: CheckOptions { today: today(), ..crate::settings::check_options() },
                selection: Selection::new(root.to_path_buf(), &[], &[]),
                problems: vec![
                    "internal error while loading the configuration or the packs; using the built-in pack".to_owned(),
                ],
            })
        })
    }

    fn build(flags: &Flags, root: &Path, overlay: Overlay<'_>) -> Arc<Self> {
        let mut problems = Vec::new();
        let config_path = flags.config_path(root).map(|c| absolute(&c));
        let config = match &config_path {
            Some(path) => {
                let (config, _, problem) = load_config(path, overlay(path).as_deref());
                problems.extend(problem);
                config.unwrap_or_else(|| Config::empty(dir_of(path)))
            }
            None => Config::empty(root.to_path_buf()),
        };
        let settings = crate::settings::Settings::resolve(config, flags);
        let pack_dirs: Vec<PathBuf> = settings.policies.iter().map(|p| absolute(&p.value)).collect();
        let (packs, pack_diagnostics) = load_packs(settings.builtin.value, &pack_dirs, overlay, &mut problems);
        let options = settings.check_options(today());
        let selection = settings.selection();
        Arc::new(Self { pack_dirs, packs, pack_diagnostics, options, selection, problems })
    }

    /// What the document at `path` (or, for non-file URIs, named `uri`) is.
    #[must_use]
    pub fn kind(&self, path: Option<&Path>, uri: &str) -> Kind {
        let Some(path) = path else {
            return if uri.ends_with(crate::discover::SUFFIX) { Kind::Environment } else { Kind::Other };
        };
        if path.file_name().is_some_and(|n| n == crate::config::FILE_NAME) {
            Kind::Config
        } else if path.extension().is_some_and(|x| x == "kdl") && self.pack_dirs.iter().any(|d| path.starts_with(d)) {
            Kind::Policy
        } else if self.selection.selected(path) {
            Kind::Environment
        } else {
            Kind::Other
        }
    }

    /// The problems `PackSet::load` found in the pack file at `path`.
    #[must_use]
    pub fn pack_file_diagnostics(&self, path: &Path) -> Vec<Diagnostic> {
        self.pack_diagnostics
            .iter()
            .filter(|f| Path::new(&f.file.name) == path)
            .flat_map(|f| f.diagnostics.iter().cloned())
            .collect()
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn dir_of(path: &Path) -> PathBuf {
    path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Today's date for waiver expiry (`LYNC_LINT_TODAY` when it is valid).
#[must_use]
pub fn today() -> Today {
    Today::date(crate::settings::today_date())
}

/// Loads a configuration file, from `text` when the editor has it open. Returns the config
/// (when it has no mistakes), its diagnostics, and a problem that has no place in the file.
#[must_use]
pub fn load_config(path: &Path, text: Option<&str>) -> (Option<Config>, Vec<Diagnostic>, Option<String>) {
    let result = match text {
        Some(text) => Config::from_text(path, text.to_owned()),
        None => Config::load(path),
    };
    match result {
        Ok(config) => (Some(config), Vec::new(), None),
        Err(ConfigError::Read(e)) => (None, Vec::new(), Some(e)),
        Err(ConfigError::Invalid(f)) => (None, f.diagnostics, None),
    }
}

/// The diagnostics of a configuration file: its mistakes, or else its unknown rule ids.
#[must_use]
pub fn config_diagnostics(path: &Path, text: &str, packs: &PackSet) -> Vec<Diagnostic> {
    match load_config(path, Some(text)) {
        (Some(config), _, _) => crate::settings::Settings::resolve(config, &Flags::default())
            .check(packs)
            .err()
            .and_then(|e| match e {
                crate::settings::SettingsError::Config(f) => Some(f.diagnostics),
                crate::settings::SettingsError::Flag(_) => None,
            })
            .unwrap_or_default(),
        (None, diagnostics, _) => diagnostics,
    }
}

/// Loads the built-in pack (unless left out) and the pack directories, with open buffers
/// overlaid. When any pack is broken, its problems are returned and the built-in pack alone
/// is used.
fn load_packs(
    builtin: bool,
    dirs: &[PathBuf],
    overlay: Overlay<'_>,
    problems: &mut Vec<String>,
) -> (PackSet, Vec<FileDiagnostics>) {
    let mut sources = Vec::new();
    if builtin {
        sources.push(crate::packs::builtin());
    }
    for dir in dirs {
        match PackSource::from_dir(dir) {
            Ok(mut source) => {
                for (name, text) in &mut source.files {
                    if let Some(buffer) = overlay(Path::new(name)) {
                        *text = buffer.into();
                    }
                }
                sources.push(source);
            }
            Err(e) => problems.push(e),
        }
    }
    match crate::packs::load(&sources) {
        Ok(set) => (set, Vec::new()),
        Err(errors) => {
            let n: usize = errors.iter().map(|f| f.diagnostics.len()).sum();
            let fallback = if builtin {
                crate::packs::load(&[crate::packs::builtin()]).unwrap_or_default()
            } else {
                PackSet::default()
            };
            problems.push(format!(
                "the policy packs have {n} problem(s); environment files are checked against {} until they are fixed",
                if builtin { "the built-in pack alone" } else { "no pack" }
            ));
            (fallback, errors)
        }
    }
}
