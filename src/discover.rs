//! Finding the environment files to lint (SPEC §2): named paths always, directories walked
//! in sorted order for `*.lync.kdl`, skipping `.git`, `target` and `node_modules`.
//! Walk errors are collected, never fatal.

use std::path::{Path, PathBuf};

/// Directory names never descended into.
const SKIP: &[&str] = &[".git", "target", "node_modules"];
/// The suffix selected in walked directories.
pub const SUFFIX: &str = ".lync.kdl";

/// The outcome of discovery.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked or do not exist (exit code 2).
    pub errors: Vec<String>,
    /// Directories that held no environment file.
    pub empty_dirs: Vec<PathBuf>,
}

/// Expands `paths` into the files to lint.
#[must_use]
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut out = Discovered::default();
    for path in paths {
        if path == Path::new("-") {
            out.files.push(path.clone());
        } else if path.is_dir() {
            let before = out.files.len();
            walk(path, &mut out);
            if out.files.len() == before {
                out.empty_dirs.push(path.clone());
            }
        } else if path.exists() {
            out.files.push(path.clone());
        } else {
            out.errors.push(format!("`{}` does not exist", path.display()));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Discovered) {
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !(e.file_type().is_dir() && SKIP.iter().any(|s| e.file_name() == *s)));
    for entry in walker {
        match entry {
            Ok(e) => {
                let name = e.file_name().to_string_lossy();
                if e.file_type().is_file() && name.ends_with(SUFFIX) {
                    out.files.push(e.into_path());
                }
            }
            Err(e) => out.errors.push(e.to_string()),
        }
    }
}
