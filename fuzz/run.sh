#!/usr/bin/env bash
# The fuzzing campaign (outside CI; see CONTRIBUTING.md, "Fuzzing"). Runs each target for SECONDS
# (default 600) with libFuzzer through cargo-fuzz, one after another, seeded by fuzz/seed.py.
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs: cargo install cargo-fuzz. On the stable toolchain, RUSTC_BOOTSTRAP=1 lets cargo-fuzz
# pass its -Z flags. Crashes land in fuzz/artifacts/<target>/; copy each one to
# fuzz/regressions/<target>/ once fixed: `cargo test` replays them (tests/fuzz_replay.rs).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(parse kql pack config check)
export RUSTC_BOOTSTRAP=1
python3 seed.py
# No sanitizer: the crate forbids unsafe code, and without ASan libFuzzer runs several
# times more inputs; debug assertions (-a) catch integer overflow.
cargo fuzz build -s none -a
mkdir -p logs
for t in "${TARGETS[@]}"; do
    echo "== $t: ${SECONDS_EACH}s"
    cargo fuzz run -s none -a "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -dict=kdl.dict -print_final_stats=1 2>&1 | tee "logs/$t.log" | grep -E "^(#[0-9]+.*(DONE|pulse)|stat::|==|SUMMARY|Done)" || true
done
