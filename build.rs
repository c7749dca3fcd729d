//! Embeds the built-in policy pack (`policies/`) into the binary, compiled: the checking core
//! (a build-dependency) loads the pack here, at build time, and its serialized form is written
//! to `OUT_DIR`, with its string table, beside the list of the pack's files. A mistake in the
//! pack fails the build with the pack's own diagnostics.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lync_lint_core::pack::{PackSet, PackSource, compiled};

/// Every `*.kdl` file under `dir`, as paths relative to `root` with `/` separators, sorted.
fn collect(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("directory is readable").flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|x| x == "kdl") {
            let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            out.push(rel);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("policies");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let mut code = String::from("/// (path relative to `policies/`, text)\nconst BUILTIN: &[(&str, &str)] = &[\n");
    let mut texts = Vec::new();
    for f in &files {
        let path = root.join(f);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(code, "    ({f:?}, include_str!({:?})),", path.display().to_string());
        let text = std::fs::read_to_string(&path).expect("a readable UTF-8 pack file");
        texts.push((format!("policies/{f}"), text));
    }
    code.push_str("];\n");

    let (set, errors) =
        PackSet::decode(&[PackSource::new("builtin".to_owned(), texts)], lync_lint_core::parse::first_error);
    if !errors.is_empty() {
        let mut msg = String::from("the built-in pack has mistakes:\n");
        for file in &errors {
            for d in &file.diagnostics {
                let line = lync_lint_core::text::LineIndex::new(&file.file.text).position(d.primary_span().start);
                let _ = writeln!(msg, "  {}:{}:{}: {} {}", file.file.name, line.line, line.column, d.code, d.message);
            }
        }
        panic!("{msg}");
    }
    let compiled = compiled::encode(set).expect("the built-in pack compiles");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("builtin.postcard"), compiled.bytes).expect("write builtin.postcard");
    std::fs::write(out.join("builtin.strings"), compiled.strings).expect("write builtin.strings");
    code.push_str("/// The built-in pack, decoded and serialized at build time.\n");
    code.push_str("const COMPILED: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/builtin.postcard\"));\n");
    code.push_str("/// The strings of the compiled pack (checked as UTF-8 by the compiler).\n");
    code.push_str("const STRINGS: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/builtin.strings\"));\n");
    std::fs::write(out.join("builtin.rs"), code).expect("write builtin.rs");
}
