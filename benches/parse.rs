//! Parser benchmark and corpus writer (`harness = false`).
//!
//! - `cargo bench --bench parse`: parse throughput, single thread, of the fast parser
//!   (`lync_lint_core::parse::parse`, which builds the document model) and of the `kdl` crate
//!   (`KdlDocument::parse_v2`, its own document only) on the generated corpus, in memory:
//!   one file of each size (1 KB to 1 MB) and a corpus of 1,000 files. The time includes
//!   dropping the document. (Allocation counts: `cargo bench --bench allocs`.)
//! - `parse -- write DIR N`: writes files 0..N of the corpus to DIR, plus `expected.txt`
//!   (`name verdict` per line), for `benches/run.sh`.
//! - `parse -- files fast|kdl DIR [PASSES]`: reads DIR's `*.kdl` files one at a time and
//!   parses each (best of PASSES passes, default 3, timing the parse calls only); prints `files= bytes= nodes= parse_s=`
//!   for `benches/run.sh`.
//! - `parse -- repeat fast|kdl FILE N`: parses one file N times (for profiling).

// Throughputs are ratios of counts and durations; precision loss is irrelevant here.
#![allow(clippy::cast_precision_loss)]

mod corpus;

/// The allocator the `lync-lint` binary uses (see `src/main.rs`), for both parsers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parser {
    Fast,
    Kdl,
}

impl Parser {
    fn name(self) -> &'static str {
        match self {
            Parser::Fast => "lync-lint fast parser",
            Parser::Kdl => "kdl crate 6.7",
        }
    }

    /// Parses `src`; returns the number of nodes (so the work is not optimized away).
    fn run(self, src: &str) -> usize {
        match self {
            Parser::Fast => lync_lint_core::parse::parse(black_box(src)).map_or(0, |d| count(&d.nodes)),
            Parser::Kdl => kdl::KdlDocument::parse_v2(black_box(src)).map_or(0, |d| d.nodes().len()),
        }
    }
}

fn count(nodes: &[lync_lint_core::doc::Node]) -> usize {
    nodes.iter().map(|n| 1 + count(n.children())).sum()
}

/// The best time of `passes` passes over `files`.
fn measure(parser: Parser, files: &[&str], passes: usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..passes {
        let t = Instant::now();
        for f in files {
            black_box(parser.run(f));
        }
        best = best.min(t.elapsed());
    }
    best
}

fn mb_per_s(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / 1e6 / t.as_secs_f64()
}

fn bench() {
    println!("Parse only, single thread, in memory (best of several passes)\n");
    println!("| input | bytes | parser | time | MB/s | fast vs kdl |");
    println!("|---|---:|---|---:|---:|---:|");
    let mut inputs: Vec<(String, Vec<String>)> = [0usize, 10 << 10, 100 << 10, 1 << 20]
        .iter()
        .map(|&size| {
            let env = corpus::environment_of_size(7, size);
            let label = if size == 0 { "1 file, typical".to_owned() } else { format!("1 file, {} KB", size >> 10) };
            (label, vec![env.text])
        })
        .collect();
    inputs.push(("1,000 files".to_owned(), (0..1000).map(|i| corpus::environment(i).text).collect()));
    for (label, texts) in &inputs {
        let files: Vec<&str> = texts.iter().map(String::as_str).collect();
        let bytes: usize = files.iter().map(|f| f.len()).sum();
        assert!(lync_lint_core::parse::parse(files[0]).is_ok(), "the corpus parses");
        // About a second of work for each parser.
        let fast_passes = (200_000_000 / bytes).clamp(3, 2000);
        let tf = measure(Parser::Fast, &files, fast_passes);
        let tk = measure(Parser::Kdl, &files, (4_000_000 / bytes).clamp(1, 200));
        for (p, t) in [(Parser::Fast, tf), (Parser::Kdl, tk)] {
            let ratio =
                if p == Parser::Fast { format!("{:.1}x", tk.as_secs_f64() / tf.as_secs_f64()) } else { String::new() };
            println!(
                "| {label} | {bytes} | {} | {:.3} ms | {:.1} | {ratio} |",
                p.name(),
                t.as_secs_f64() * 1e3,
                mb_per_s(bytes, t)
            );
        }
    }
}

fn write(dir: &Path, n: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut expected = String::new();
    let mut bytes = 0;
    for i in 0..n {
        let env = corpus::environment(i);
        bytes += env.text.len();
        std::fs::write(dir.join(&env.name), &env.text)?;
        expected.push_str(&env.name);
        expected.push_str(if env.ruled_out { " online-ruled-out\n" } else { " online-viable\n" });
    }
    std::fs::write(dir.join("expected.txt"), expected)?;
    println!("wrote {n} files, {bytes} bytes, to {}", dir.display());
    Ok(())
}

fn files(parser: Parser, dir: &Path, passes: usize) -> std::io::Result<()> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    paths.sort();
    let (mut best, mut bytes, mut nodes) = (Duration::MAX, 0, 0);
    for _ in 0..passes {
        let (mut t, mut b, mut n) = (Duration::ZERO, 0, 0);
        for p in &paths {
            let text = std::fs::read_to_string(p)?;
            let start = Instant::now();
            n += parser.run(&text);
            t += start.elapsed();
            b += text.len();
        }
        if t < best {
            (best, bytes, nodes) = (t, b, n);
        }
    }
    println!("files={} bytes={bytes} nodes={nodes} parse_s={:.6}", paths.len(), best.as_secs_f64());
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => bench(),
        ["write", dir, n] => write(Path::new(dir), n.parse().expect("a number of files"))?,
        ["files", parser, dir, rest @ ..] => {
            let parser = if *parser == "kdl" { Parser::Kdl } else { Parser::Fast };
            let passes = rest.first().map_or(3, |p| p.parse().expect("a number of passes"));
            files(parser, Path::new(dir), passes)?;
        }
        ["repeat", parser, file, n] => {
            let parser = if *parser == "kdl" { Parser::Kdl } else { Parser::Fast };
            let text = std::fs::read_to_string(file)?;
            let n: usize = n.parse().expect("a number of passes");
            let t = measure(parser, &[text.as_str()], n);
            println!("best of {n}: {:.3} ms, {:.1} MB/s", t.as_secs_f64() * 1e3, mb_per_s(text.len(), t));
        }
        _ => eprintln!("usage: parse [write DIR N | files fast|kdl DIR [PASSES] | repeat fast|kdl FILE N]"),
    }
    Ok(())
}
