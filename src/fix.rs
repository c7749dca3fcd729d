//! `check --fix` and `check --diff` (SPEC §7.1): the command line's side of the safe fixes.
//! Which edits to make is the core's business (`lync_lint_core::fix`, shared with the
//! language server); this module runs them to a stable text, writes files safely and renders
//! diffs.
//!
//! Data is never lost:
//!
//! - a file is written atomically: a temporary file beside it (a unique, hidden name in the
//!   same directory, so the rename stays on one file system) gets the fixed text, the
//!   original's permissions (and owner, where the system allows) and an `fsync`, then is
//!   renamed over the original; a crash leaves the original whole (and at worst a stray
//!   `.NAME.lync-lint-fix.*.tmp` file);
//! - right before the rename, the file is read again: if it is not what was checked (an
//!   editor saved it meanwhile), it is left alone and [`FixOutcome::Changed`] says so;
//! - a symbolic link is followed: its target is fixed, the link stays a link; a read-only
//!   file is not written (an error);
//! - a byte order mark on disk is kept.
//!
//! `check` calls [`fixed`] (with `--diff`, and for standard input) or [`fix_file`] (with
//! `--fix`) on each checked file, on its worker thread, then reports what remains and, at the
//! end, [`FixSummary::summary`] or [`FixSummary::would`].

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use lync_lint_core::diag::SourceFile;
use lync_lint_core::engine::{CheckOptions, FileReport};
use lync_lint_core::pack::PackSet;

/// The UTF-8 byte order mark, kept when the file on disk has one.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's fixed text, with the check of that text.
#[derive(Debug, Clone)]
pub struct Fixing {
    /// The fixed text (without a byte order mark, like the checked text).
    pub text: String,
    /// How many edits were applied.
    pub fixes: usize,
    /// The check of `text`: what remains to report.
    pub report: FileReport,
}

/// The safe fixes of a checked file, applied until nothing is left to fix (a KDL v1 rewrite,
/// then the renames it uncovered, ...); `None` when there is none. `opts` are the check's
/// (the selection decides which diagnostics, and so which fixes, there are).
#[must_use]
pub fn fixed(report: &FileReport, packs: &PackSet, opts: &CheckOptions) -> Option<Fixing> {
    let mut last: Option<FileReport> = None;
    let name = &report.file.name;
    let result = lync_lint_core::fix::fix_until_stable(&report.file.text, &report.diagnostics, |text| {
        let r = lync_lint_core::engine::check(SourceFile::new(name.clone(), text), packs, opts);
        let diagnostics = r.diagnostics.clone();
        last = Some(r);
        diagnostics
    });
    let report = last?;
    (result.fixes > 0).then_some(Fixing { text: result.text, fixes: result.fixes, report })
}

/// What `--fix` did to one file.
#[derive(Debug, Clone)]
pub enum FixOutcome {
    /// Nothing to fix; the file is untouched.
    Clean,
    /// Fixed and written.
    Fixed(Box<Fixing>),
    /// The file changed on disk since it was read: left alone (report it).
    Changed,
}

/// Fixes the file at `path`, whose check (of the text read from it) is `report`: computes the
/// fixes ([`fixed`]) and writes them ([`write`]).
///
/// # Errors
/// When the file cannot be read again, the temporary file cannot be written or renamed, or
/// the file is read-only; the original is then untouched.
pub fn fix_file(path: &Path, report: &FileReport, packs: &PackSet, opts: &CheckOptions) -> io::Result<FixOutcome> {
    let Some(fixing) = fixed(report, packs, opts) else { return Ok(FixOutcome::Clean) };
    Ok(match write(path, &report.file.text, &fixing.text)? {
        Written::Yes => FixOutcome::Fixed(Box::new(fixing)),
        Written::Changed => FixOutcome::Changed,
    })
}

/// Whether [`write`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file now holds the fixed text.
    Yes,
    /// The file on disk is not `original` (any more): left alone.
    Changed,
}

/// Replaces the file at `path`, which held `original` when it was read (without its byte
/// order mark, if any), with `fixed`, atomically; see the module documentation.
///
/// # Errors
/// As [`fix_file`].
pub fn write(path: &Path, original: &str, fixed: &str) -> io::Result<Written> {
    // A link's target is what is fixed; the link stays.
    let target = fs::canonicalize(path)?;
    let meta = fs::metadata(&target)?;
    if meta.permissions().readonly() {
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, "the file is read-only"));
    }
    let on_disk = fs::read(&target)?;
    let bom = if on_disk.starts_with(BOM) { BOM } else { &[] };
    if on_disk[bom.len()..] != *original.as_bytes() {
        return Ok(Written::Changed);
    }
    let (tmp_path, mut tmp) = create_temp(&target, "fix")?;
    let result = (|| {
        tmp.write_all(bom)?;
        tmp.write_all(fixed.as_bytes())?;
        tmp.set_permissions(meta.permissions())?;
        keep_owner(&tmp, &meta);
        tmp.sync_all()?;
        drop(tmp);
        crash_hook();
        // An editor may have saved the file while it was checked: then it is left alone.
        if fs::read(&target)? != on_disk {
            return Ok(Written::Changed);
        }
        fs::rename(&tmp_path, &target)?;
        sync_dir(&target);
        Ok(Written::Yes)
    })();
    if !matches!(result, Ok(Written::Yes)) {
        let _ = fs::remove_file(&tmp_path);
    }
    result
}

/// A new file beside `target`, with a name no other process or writer uses:
/// `.NAME.lync-lint-PURPOSE.PID.N.tmp` (hidden, and not an environment file name, so a stray
/// one is never checked), for a write that replaces `target` by a rename.
pub(crate) fn create_temp(target: &Path, purpose: &str) -> io::Result<(PathBuf, fs::File)> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{name}.lync-lint-{purpose}.{}.{n}.tmp", std::process::id()));
        match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            // Left by a process that had this id and crashed: try the next number.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {}
            Err(e) => return Err(e),
        }
    }
}

/// Gives the temporary file the original's owner and group, where the system allows it (as
/// root, or to one's own groups); otherwise it keeps the writer's.
#[cfg(unix)]
fn keep_owner(file: &fs::File, meta: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &fs::File, _: &fs::Metadata) {}

/// Makes the rename durable: the directory entry is flushed too (where directories can be
/// opened; a failure only loses durability, not data).
fn sync_dir(target: &Path) {
    #[cfg(unix)]
    if let Some(dir) = target.parent() {
        let _ = fs::File::open(dir).and_then(|d| d.sync_all());
    }
    #[cfg(not(unix))]
    let _ = target;
}

/// The environment variable that makes a debug build abort between writing the temporary
/// file and the rename, as a crash would: the test that the original survives uses it. Release
/// builds do not read it.
pub const CRASH_BEFORE_RENAME: &str = "LYNC_LINT_TEST_CRASH_BEFORE_RENAME";

fn crash_hook() {
    #[cfg(debug_assertions)]
    if std::env::var_os(CRASH_BEFORE_RENAME).is_some() {
        std::process::abort();
    }
}

/// A unified diff (3 lines of context) from `original` to `fixed`, both headed `name`; empty
/// when they are equal. Line endings are kept as they are; a last line without a newline is
/// marked `\ No newline at end of file`.
#[must_use]
pub fn diff(name: &str, original: &str, fixed: &str) -> String {
    if original == fixed {
        return String::new();
    }
    similar::TextDiff::from_lines(original, fixed).unified_diff().context_radius(3).header(name, name).to_string()
}

/// Fixes of a run: how many, in how many files, and the files left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixSummary {
    /// Edits applied (or, with `--diff`, that would be).
    pub fixes: usize,
    /// Files fixed (or that would be).
    pub files: usize,
    /// Files that changed on disk while they were checked, left alone.
    pub changed: usize,
}

impl FixSummary {
    /// Counts one `--fix` outcome.
    pub fn add(&mut self, outcome: &FixOutcome) {
        match outcome {
            FixOutcome::Clean => {}
            FixOutcome::Fixed(f) => self.add_diff(f),
            FixOutcome::Changed => self.changed += 1,
        }
    }

    /// Counts one file's fixes that are shown (`--diff`) or printed (standard input), not
    /// written.
    pub fn add_diff(&mut self, fixing: &Fixing) {
        self.fixes += fixing.fixes;
        self.files += 1;
    }

    /// Merges another summary (of a chunk of files) into this one.
    pub fn merge(&mut self, other: &Self) {
        self.fixes += other.fixes;
        self.files += other.files;
        self.changed += other.changed;
    }

    /// `fixed 3 problems in 2 files` (`--fix`), with the files left alone; `None` when there
    /// is nothing to say.
    #[must_use]
    pub fn summary(&self) -> Option<String> {
        self.line("fixed")
    }

    /// `would fix 3 problems in 2 files` (`--diff`); `None` when there is nothing to say.
    #[must_use]
    pub fn would(&self) -> Option<String> {
        self.line("would fix")
    }

    fn line(&self, verb: &str) -> Option<String> {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if self.fixes > 0 {
            parts.push(format!(
                "{verb} {} in {}",
                plural(self.fixes, "problem", "problems"),
                plural(self.files, "file", "files")
            ));
        }
        if self.changed > 0 {
            parts.push(format!("{} changed while checked, not fixed", plural(self.changed, "file", "files")));
        }
        (!parts.is_empty()).then(|| format!("{}\n", parts.join("; ")))
    }
}
