//! Allocations of one parse, fast parser vs `kdl` crate (`harness = false`):
//! `cargo bench --bench allocs`. A separate binary from `parse`, because counting every
//! allocation slows the allocator down and would distort the throughput numbers.

// Shared with the `parse` bench, which uses all of it.
#[allow(dead_code)]
mod corpus;

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

/// The system allocator, counting allocations (the crate forbids `unsafe` code of its own).
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn count(nodes: &[lync_lint_core::doc::Node]) -> usize {
    nodes.iter().map(|n| 1 + count(n.children())).sum()
}

fn main() {
    println!("Allocations (and reallocations) of one parse, including the ones its document frees\n");
    println!("| input | bytes | nodes | fast parser | per node | kdl crate 6.7 | per node |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for size in [0usize, 10 << 10, 100 << 10, 1 << 20] {
        let text = corpus::environment_of_size(7, size).text;
        let region = Region::new(GLOBAL);
        let doc = lync_lint_core::parse::parse(&text).expect("the corpus parses");
        let nodes = count(&doc.nodes);
        drop(doc);
        let fast = region.change();
        let region = Region::new(GLOBAL);
        drop(kdl::KdlDocument::parse_v2(&text).expect("the corpus parses"));
        let kdl = region.change();
        let label = if size == 0 { "typical file".to_owned() } else { format!("{} KB file", size >> 10) };
        let (f, k) = (fast.allocations + fast.reallocations, kdl.allocations + kdl.reallocations);
        println!(
            "| {label} | {} | {nodes} | {f} | {:.1} | {k} | {:.1} |",
            text.len(),
            ratio(f, nodes),
            ratio(k, nodes)
        );
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)] // small counts
    let r = a as f64 / b as f64;
    r
}
