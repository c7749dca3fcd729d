//! Embeds the built-in policy pack (`policies/`) into the binary, and with it the pack's
//! precompiled form (`src/pack/builtin.postcard`) and the key that says whether that form is
//! fresh: a hash of the pack's files and of the code that loads packs. A stale or missing
//! precompiled form is never used; the pack is then parsed at start-up, as before.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The code whose changes can change the loaded pack: parsing, the document model, KQL,
/// vocabularies, policies and the pack loader (plus `Cargo.lock`, for serde and postcard).
const LOADER_CODE: &[&str] = &[
    "src/doc.rs",
    "src/diag.rs",
    "src/schema.rs",
    "src/source.rs",
    "src/policy.rs",
    "src/policy",
    "src/vocab.rs",
    "src/vocab",
    "src/kql",
    "src/parse",
    "src/pack",
    "Cargo.lock",
];

/// The precompiled pack, relative to the manifest directory.
const SNAPSHOT: &str = "src/pack/builtin.postcard";

fn collect(dir: &Path, root: &Path, ext: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("directory is readable").flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            collect(&path, root, ext, out);
        } else if path.extension().is_some_and(|x| x == ext) {
            let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            out.push(rel);
        }
    }
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u64::from(b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn feed(hash: &mut u64, name: &str, path: &Path) {
    let bytes = std::fs::read(path).expect("readable");
    fnv(hash, name.as_bytes());
    fnv(hash, &(bytes.len() as u64).to_le_bytes());
    fnv(hash, &bytes);
}

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("policies");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, "kdl", &mut files);
    let mut key: u64 = 0xcbf2_9ce4_8422_2325;
    let mut code = String::from("/// (path relative to `policies/`, text)\nconst BUILTIN: &[(&str, &str)] = &[\n");
    for f in &files {
        let path = root.join(f);
        println!("cargo:rerun-if-changed={}", path.display());
        feed(&mut key, f, &path);
        let _ = writeln!(code, "    ({f:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");

    for item in LOADER_CODE {
        let path = manifest.join(item);
        println!("cargo:rerun-if-changed={}", path.display());
        let mut names = Vec::new();
        if path.is_dir() {
            collect(&path, &manifest, "rs", &mut names);
        } else if path.is_file() {
            names.push((*item).to_owned());
        }
        for name in names {
            feed(&mut key, &name, &manifest.join(&name));
        }
    }
    let snapshot = manifest.join(SNAPSHOT);
    let _ = writeln!(
        code,
        "/// The precompiled pack, relative to the manifest directory.\nconst COMPILED_PATH: &str = {SNAPSHOT:?};"
    );
    println!("cargo:rerun-if-changed={}", snapshot.display());
    let groups: Vec<String> = (0..4).rev().map(|i| format!("{:04x}", (key >> (16 * i)) & 0xffff)).collect();
    let _ = writeln!(code, "/// Hash of the pack's files and of the code that loads packs.");
    let _ = writeln!(code, "const COMPILED_KEY: u64 = 0x{};", groups.join("_"));
    if snapshot.is_file() {
        let _ = writeln!(code, "const COMPILED: &[u8] = include_bytes!({:?});", snapshot.display().to_string());
    } else {
        code.push_str("const COMPILED: &[u8] = &[];\n");
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin.rs");
    std::fs::write(out, code).expect("write builtin.rs");
}
