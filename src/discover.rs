//! Finding the environment files to lint (SPEC §2): named paths always, directories walked
//! in sorted order for `*.lync.kdl`, skipping `.git`, `target` and `node_modules`.
//! Walk errors are collected, never fatal: an unreadable directory, a symbolic link loop
//! (symbolic links are followed, each loop is reported once and not entered) and a broken
//! symbolic link that would have been selected are reported, and the walk goes on.

use std::ffi::{OsStr, OsString};
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
    pub files: Files,
    /// Paths that could not be walked or do not exist (exit code 2).
    pub errors: Vec<String>,
    /// Directories that held no environment file.
    pub empty_dirs: Vec<PathBuf>,
}

/// The files found, in walk order, held compactly: the part of a check that grows with the
/// number of files. Each walked directory is kept once; a file is the index of its directory
/// and its name, the names one after the other in one string: 30 bytes for a file named
/// `org-00001.lync.kdl`, where a `PathBuf` of its path takes 64 to 72.
#[derive(Debug)]
pub struct Files {
    /// The walked directories; the first is empty, the directory of the paths named on the
    /// command line (their name is the whole path).
    dirs: Vec<PathBuf>,
    /// The UTF-8 names, one after the other.
    names: String,
    /// The names that are not UTF-8 (or would not fit in `names`).
    other: Vec<OsString>,
    entries: Vec<FileEntry>,
}

/// A file: `dirs[dir]` joined with `names[start..start + len]`, or with `other[start]` when
/// `len` is [`OTHER`].
#[derive(Debug, Clone, Copy)]
struct FileEntry {
    dir: u32,
    start: u32,
    len: u32,
}

const OTHER: u32 = u32::MAX;

impl Default for Files {
    fn default() -> Self {
        Self { dirs: vec![PathBuf::new()], names: String::new(), other: Vec::new(), entries: Vec::new() }
    }
}

impl Files {
    /// The number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when nothing was found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `i`th file's path, as the walk gave it.
    #[must_use]
    pub fn path(&self, i: usize) -> PathBuf {
        let e = self.entries[i];
        self.dirs[e.dir as usize].join(self.name(e))
    }

    /// The paths, `n` at a time, in order.
    pub fn chunks(&self, n: usize) -> impl Iterator<Item = Vec<PathBuf>> + '_ {
        (0..self.len()).step_by(n.max(1)).map(move |s| (s..self.len().min(s + n)).map(|i| self.path(i)).collect())
    }

    fn name(&self, e: FileEntry) -> &OsStr {
        if e.len == OTHER {
            &self.other[e.start as usize]
        } else {
            OsStr::new(&self.names[e.start as usize..(e.start + e.len) as usize])
        }
    }

    /// Adds a path named on the command line.
    fn push_named(&mut self, path: &Path) {
        self.push(0, path.as_os_str());
    }

    /// Adds a walked directory; its index, for [`Files::push`].
    fn push_dir(&mut self, dir: &Path) -> u32 {
        self.dirs.push(dir.to_path_buf());
        u32::try_from(self.dirs.len() - 1).unwrap_or(u32::MAX)
    }

    /// Adds the file `name` in directory `dir`.
    fn push(&mut self, dir: u32, name: &OsStr) {
        let entry = if let Some(s) = name.to_str()
            && let Ok(start) = u32::try_from(self.names.len())
            && let Ok(len) = u32::try_from(s.len())
            && start.checked_add(len).is_some_and(|end| end < OTHER)
        {
            self.names.push_str(s);
            FileEntry { dir, start, len }
        } else {
            self.other.push(name.to_os_string());
            FileEntry { dir, start: u32::try_from(self.other.len() - 1).unwrap_or(u32::MAX), len: OTHER }
        };
        self.entries.push(entry);
    }

    /// Sorts the files from the `first` into walk order (see [`walk_order`]).
    fn sort_from(&mut self, first: usize) {
        let mut entries = std::mem::take(&mut self.entries);
        entries[first..].sort_unstable_by(|a, b| self.walk_order(*a, *b));
        self.entries = entries;
    }

    /// [`walk_order`] of two files, without joining their paths.
    fn walk_order(&self, a: FileEntry, b: FileEntry) -> std::cmp::Ordering {
        if a.dir == b.dir {
            // Names in one walked directory hold no separator: their bytes compare alike.
            return self.name(a).as_encoded_bytes().cmp(self.name(b).as_encoded_bytes());
        }
        let joined = |e: FileEntry| {
            let dir = self.dirs[e.dir as usize].as_os_str().as_encoded_bytes();
            let sep: &[u8] = if dir.is_empty() || dir.last().is_some_and(|&c| is_separator(c)) { b"" } else { b"/" };
            dir.iter().chain(sep).chain(self.name(e).as_encoded_bytes()).copied()
        };
        walk_keys(joined(a)).cmp(walk_keys(joined(b)))
    }
}

/// Expands `paths` into the files to lint.
#[must_use]
pub fn discover(paths: &[PathBuf], selection: &Selection) -> Discovered {
    let mut out = Discovered::default();
    for path in paths {
        if path == Path::new("-") {
            out.files.push_named(path);
        } else if path.is_dir() {
            let before = out.files.len();
            walk(path, selection, &mut out);
            if out.files.len() == before {
                out.empty_dirs.push(path.clone());
            }
        } else if path.exists() {
            out.files.push_named(path);
        } else {
            out.errors.push(format!("`{}` does not exist", path.display()));
        }
    }
    out
}

fn walk(dir: &Path, selection: &Selection, out: &mut Discovered) {
    // Walked in the order the file system gives, then sorted: walkdir's own sorting holds a
    // whole directory's entries at once (10 MB for a directory of 100,000 files), while
    // the found files sort the same way in place.
    let walker = walkdir::WalkDir::new(dir).follow_links(true).into_iter().filter_entry(|e| {
        e.depth() == 0
            || !(e.file_type().is_dir() && (SKIP.iter().any(|s| e.file_name() == *s) || selection.excluded(e.path())))
    });
    let (first_file, mut errors) = (out.files.len(), Vec::new());
    // The directories being walked, by depth: a directory's entries follow it, and a
    // subdirectory's entries come before the rest of its parent's.
    let mut open: Vec<u32> = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_dir() => {
                open.truncate(e.depth());
                open.push(out.files.push_dir(e.path()));
            }
            Ok(e) => {
                if e.file_type().is_file() && selection.selected(e.path()) {
                    // A directory comes before its entries; a file at the walk's root is the
                    // path named, which stopped being a directory after `discover` looked.
                    match e.depth().checked_sub(1).and_then(|d| open.get(d)) {
                        Some(&dir) => out.files.push(dir, e.file_name()),
                        None => out.files.push_named(e.path()),
                    }
                }
            }
            Err(e) => {
                if let Some(message) = walk_error(&e, selection) {
                    errors.push((e.path().map(Path::to_path_buf).unwrap_or_default(), message));
                }
            }
        }
    }
    out.files.sort_from(first_file);
    errors.sort_by(|(a, _), (b, _)| walk_order(a, b));
    out.errors.extend(errors.into_iter().map(|(_, message)| message));
}

/// The order of a depth-first walk that visits each directory's entries sorted by name:
/// paths compared component by component, which is comparing their bytes with the
/// separator below every other byte (`a/b` comes before `a.x`, as `a` comes before `a.x`).
fn walk_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    walk_order_bytes(a.as_os_str().as_encoded_bytes(), b.as_os_str().as_encoded_bytes())
}

fn walk_order_bytes(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    walk_keys(a.iter().copied()).cmp(walk_keys(b.iter().copied()))
}

/// The bytes of a path as [`walk_order`] compares them: a separator lowest.
fn walk_keys(bytes: impl Iterator<Item = u8>) -> impl Iterator<Item = u16> {
    bytes.map(|c| if is_separator(c) { 0 } else { u16::from(c) + 1 })
}

fn is_separator(c: u8) -> bool {
    std::path::is_separator(char::from(c))
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

    use super::{Discovered, Selection, discover, walk, walk_order};

    /// The paths `discover` finds under `root`, as strings relative to it.
    fn found(root: &Path, arg: &Path) -> Vec<String> {
        let files = discover(&[arg.to_path_buf()], &Selection::new(root.to_path_buf(), &[], &[])).files;
        assert_eq!(files.chunks(3).flatten().count(), files.len());
        files.chunks(3).flatten().map(|p| p.strip_prefix(root).unwrap_or(&p).display().to_string()).collect()
    }

    #[test]
    fn a_walk_that_finds_a_file_at_its_root_keeps_it_as_named() {
        // The directory named was replaced by a file before it was walked.
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let file = tmp.path().join("e.lync.kdl");
        std::fs::write(&file, "").expect("a file");
        let mut out = Discovered::default();
        walk(&file, &Selection::new(tmp.path().to_path_buf(), &[], &[]), &mut out);
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.files.path(0), file);
    }

    #[test]
    fn files_come_in_walk_order_joined_as_the_walk_gives_them() {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let root = tmp.path();
        for f in ["b.lync.kdl", "a/z.lync.kdl", "a/b/c.lync.kdl", "a-b.lync.kdl", "a.lync.kdl", "A.lync.kdl", "a/x.txt"]
        {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories");
            std::fs::write(&path, "").expect("a file");
        }
        let sorted = ["A.lync.kdl", "a/b/c.lync.kdl", "a/z.lync.kdl", "a-b.lync.kdl", "a.lync.kdl", "b.lync.kdl"];
        assert_eq!(found(root, root), sorted);
        // A directory named with a separator at its end: the paths are joined as the walk
        // joins them, without a second separator.
        let slash = PathBuf::from(format!("{}/", root.display()));
        let with_slash = discover(std::slice::from_ref(&slash), &Selection::default()).files;
        assert_eq!(with_slash.path(0), slash.join("A.lync.kdl"));
        assert_eq!(with_slash.path(0).as_os_str().len(), root.join("A.lync.kdl").as_os_str().len());
        // Named files keep their place and their spelling, before and after a walk.
        let named = root.join("b.lync.kdl");
        let files = discover(&[named.clone(), root.join("a"), PathBuf::from("-")], &Selection::default()).files;
        let got: Vec<PathBuf> = (0..files.len()).map(|i| files.path(i)).collect();
        assert_eq!(got, [named, root.join("a/b/c.lync.kdl"), root.join("a/z.lync.kdl"), PathBuf::from("-")]);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_kept_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.lync.kdl");
        for name in [odd, std::ffi::OsStr::new("cafe.lync.kdl"), std::ffi::OsStr::new("cag.lync.kdl")] {
            std::fs::write(tmp.path().join(name), "").expect("a file");
        }
        let files = discover(&[tmp.path().to_path_buf()], &Selection::default()).files;
        let got: Vec<PathBuf> = (0..files.len()).map(|i| files.path(i)).collect();
        // Sorted by bytes: `\xe9` after `e`, and `caf...` before `cag`.
        assert_eq!(got, [tmp.path().join("cafe.lync.kdl"), tmp.path().join(odd), tmp.path().join("cag.lync.kdl")]);
        assert!(got[1].is_file());
    }

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
