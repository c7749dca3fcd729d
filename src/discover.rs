//! Finding the environment files to lint (SPEC §2): named paths always, directories walked
//! in sorted order for `*.lync.kdl`, skipping `.git`, `target` and `node_modules`.
//! Walk errors are collected, never fatal: an unreadable directory, a symbolic link loop
//! (symbolic links are followed, each loop is reported once and not entered) and a broken
//! symbolic link that would have been selected are reported, and the walk goes on.

use std::path::{Path, PathBuf};

/// Directory names never descended into.
const SKIP: &[&str] = &[".git", "target", "node_modules"];
/// The suffix selected in walked directories.
pub const SUFFIX: &str = ".lync.kdl";

/// Which walked files are selected: the config's `include` and `exclude` globs, matched
/// against paths relative to `root` (the config's directory).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub root: PathBuf,
    /// `None`: the default, `*.lync.kdl`.
    pub include: Option<globset::GlobSet>,
    pub exclude: Option<globset::GlobSet>,
    /// The working directory when the selection was made (relative paths are under it):
    /// asked once, not once per file.
    cwd: PathBuf,
}

impl Selection {
    /// Builds the selection from globs (already checked when the config was loaded).
    #[must_use]
    pub fn new(root: PathBuf, include: &[String], exclude: &[String]) -> Self {
        let set = |globs: &[String]| {
            if globs.is_empty() {
                return None;
            }
            let mut b = globset::GlobSetBuilder::new();
            for g in globs {
                if let Ok(glob) = globset::GlobBuilder::new(g).literal_separator(true).build() {
                    b.add(glob);
                }
            }
            b.build().ok()
        };
        let root = std::path::absolute(&root).unwrap_or(root);
        let cwd = std::env::current_dir().unwrap_or_default();
        Self { root, include: set(include), exclude: set(exclude), cwd }
    }

    /// The path relative to the root, for glob matching (`None` outside the root).
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = if path.is_absolute() || self.cwd.as_os_str().is_empty() {
            std::path::absolute(path).ok()?
        } else {
            self.cwd.join(path)
        };
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    fn excluded(&self, path: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|ex| self.relative(path).is_some_and(|rel| ex.is_match(&rel)))
    }

    /// Whether a walked file is selected: included (by glob or name) and not excluded.
    #[must_use]
    pub fn selected(&self, path: &Path) -> bool {
        let by_name = || path.file_name().is_some_and(|n| n.to_string_lossy().ends_with(SUFFIX));
        let included = match &self.include {
            Some(inc) => self.relative(path).is_some_and(|rel| inc.is_match(&rel)),
            None => by_name(),
        };
        included && !self.excluded(path)
    }
}

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
pub fn discover(paths: &[PathBuf], selection: &Selection) -> Discovered {
    let mut out = Discovered::default();
    for path in paths {
        if path == Path::new("-") {
            out.files.push(path.clone());
        } else if path.is_dir() {
            let before = out.files.len();
            walk(path, selection, &mut out);
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

fn walk(dir: &Path, selection: &Selection, out: &mut Discovered) {
    // Walked in the order the file system gives, then sorted: walkdir's own sorting holds a
    // whole directory's entries at once (10 MB for a directory of 100,000 files), while
    // the found paths sort the same way in place.
    let walker = walkdir::WalkDir::new(dir).follow_links(true).into_iter().filter_entry(|e| {
        e.depth() == 0
            || !(e.file_type().is_dir() && (SKIP.iter().any(|s| e.file_name() == *s) || selection.excluded(e.path())))
    });
    let (first_file, mut errors) = (out.files.len(), Vec::new());
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_file() && selection.selected(e.path()) {
                    out.files.push(e.into_path());
                }
            }
            Err(e) => {
                if let Some(message) = walk_error(&e, selection) {
                    errors.push((e.path().map(Path::to_path_buf).unwrap_or_default(), message));
                }
            }
        }
    }
    out.files[first_file..].sort_unstable_by(|a, b| walk_order(a, b));
    errors.sort_by(|(a, _), (b, _)| walk_order(a, b));
    out.errors.extend(errors.into_iter().map(|(_, message)| message));
}

/// The order of a depth-first walk that visits each directory's entries sorted by name:
/// paths compared component by component, which is comparing their bytes with the
/// separator below every other byte (`a/b` comes before `a.x`, as `a` comes before `a.x`).
fn walk_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (a.as_os_str().as_encoded_bytes(), b.as_os_str().as_encoded_bytes());
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let key =
        |s: &[u8]| s.get(common).map(|&c| if std::path::is_separator(char::from(c)) { 0 } else { u16::from(c) + 1 });
    key(a).cmp(&key(b))
}

/// The message for a walk error; `None` for a broken symbolic link that would not have been
/// selected anyway (it does not keep the tool from doing its job).
fn walk_error(e: &walkdir::Error, selection: &Selection) -> Option<String> {
    let Some(path) = e.path() else { return Some(e.to_string()) };
    if let Some(ancestor) = e.loop_ancestor() {
        return Some(format!(
            "`{}` is a symbolic link loop (it leads back to `{}`); not followed",
            path.display(),
            ancestor.display()
        ));
    }
    let io = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) {
        return selection
            .selected(path)
            .then(|| format!("cannot read `{}`: a broken symbolic link (its target does not exist)", path.display()));
    }
    Some(format!("cannot read `{}`: {io}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::walk_order;

    #[test]
    fn walk_order_is_a_sorted_depth_first_walk() {
        let mut paths: Vec<PathBuf> =
            ["r/b.x", "r/a.x", "r/a/z", "r/a/b/c", "r/a-b", "r/a", "r/ab", "r/A"].iter().map(PathBuf::from).collect();
        paths.sort_by(|a, b| walk_order(a, b));
        let got: Vec<&str> = paths.iter().map(|p| p.to_str().expect("UTF-8")).collect();
        assert_eq!(got, ["r/A", "r/a", "r/a/b/c", "r/a/z", "r/a-b", "r/a.x", "r/ab", "r/b.x"]);
        // The same as comparing component by component.
        paths.sort_by(|a, b| a.components().cmp(b.components()));
        let by_components: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let mut again = by_components.clone();
        again.sort_by(|a, b| walk_order(a, b));
        assert_eq!(again, by_components);
    }
}
