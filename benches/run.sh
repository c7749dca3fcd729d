#!/usr/bin/env bash
# Benchmarks, side by side in one run (see benches/README.md):
#   - `lync-lint check` on 1, 1,000 and 10,000 generated environment files, single-threaded
#     (RAYON_NUM_THREADS=1) and on all cores;
#   - parse only, single thread: the fast parser and the `kdl` crate, on the same files;
#   - cfn-guard 3.x (when installed) on the equivalent JSON corpus of benches/peers/gen.py
#     with benches/peers/lync.guard, its verdicts checked by check_guard.py.
# Reports wall time, files/s, MB/s, peak RSS (/usr/bin/time -v) and ratios, as Markdown.
#
# Environment:
#   BENCH_SIZES="1 1000 10000"  corpus sizes (files)
#   BENCH_DIR=target/bench      where corpora and results go
#   BENCH_LOCK=/path/to/lock    run cargo and the measurements under `flock` on this file
#   PEERS=benches/peers         where gen.py, lync.guard and check_guard.py are
#   PREV=/path/to/lync-lint     a previous binary, measured beside this one (optional)
#   FORMAT_SIZES="10000"        corpus sizes for the per-format table (add 100000 to measure
#                               growth; the 100,000-file corpus is about 150 MB of KDL and
#                               400 MB of JSON for cfn-guard)
#   WHEEL=0                     skip the wheel's binary: on Linux the script also builds the
#                               binary as the Python wheel ships it (pyproject.toml's rustc-args:
#                               the C library linked statically) and times one file and
#                               `--format json` with it
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"1 1000 10000"}
FORMAT_SIZES=${FORMAT_SIZES:-"10000"}
PREV=${PREV:-}
OUT=${BENCH_DIR:-target/bench}
PEERS=${PEERS:-benches/peers}
LOCK=${BENCH_LOCK:-}
TIME=/usr/bin/time

locked() { if [[ -n "$LOCK" ]]; then flock "$LOCK" "$@"; else "$@"; fi; }

if [[ "${1:-}" != "--measure" ]]; then
    # Build (under the lock, if any), generate, then measure (under the lock as a whole).
    # The parse bench first: building a bench also rebuilds target/release/lync-lint with the
    # dev-dependencies' features merged in (regex's Unicode tables, 0.6 MB more binary),
    # which is not the program `cargo build --release` makes. That build comes second, and
    # its binary is copied out of cargo's reach before anything is measured.
    BENCH_BIN=$(locked cargo bench --locked --no-run --bench parse --message-format=json 2>/dev/null |
        sed -n 's/.*"executable":"\([^"]*parse-[^"]*\)".*/\1/p' | tail -1)
    [[ -x "$BENCH_BIN" ]] || { echo "could not build the parse bench" >&2; exit 2; }
    locked cargo build --release --locked
    mkdir -p "$OUT"
    cp target/release/lync-lint "$OUT/lync-lint"
    for n in $(printf '%s\n' $SIZES $FORMAT_SIZES | sort -nu); do
        [[ -f "$OUT/kdl-$n/expected.txt" ]] || "$BENCH_BIN" write "$OUT/kdl-$n" "$n" >/dev/null
        if [[ -f "$PEERS/gen.py" && ! -d "$OUT/json-$n/json" ]] && command -v python3 >/dev/null; then
            python3 "$PEERS/gen.py" -n "$n" --out "$OUT/json-$n" --formats json >/dev/null
        fi
    done
    # The wheel's binary: maturin builds the binary crate with `cargo rustc` and the
    # rustc-args of pyproject.toml; the same command here, into its own target directory.
    rm -f "$OUT/lync-lint-wheel"
    if [[ "${WHEEL:-1}" != 0 && "$(uname -s)" == Linux ]]; then
        # One argument per line; nothing when the list is empty or cannot be read (tomllib
        # needs Python 3.11).
        args=$(python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["tool"]["maturin"].get("rustc-args", [])))' 2>/dev/null || true)
        if [[ -n "$args" ]]; then
            mapfile -t WHEEL_ARGS <<<"$args"
            CARGO_TARGET_DIR=target/wheel-bin locked cargo rustc --release --locked --bin lync-lint -- "${WHEEL_ARGS[@]}"
            cp target/wheel-bin/release/lync-lint "$OUT/lync-lint-wheel"
        else
            echo "the wheel's binary is left out: no rustc-args read from pyproject.toml (python3 3.11 or later reads it)" >&2
        fi
    fi
    export BENCH_BIN
    locked "$0" --measure
    exit
fi

[[ -x "$TIME" ]] || { echo "needs GNU time at $TIME (apt-get install time)" >&2; exit 2; }
LYNC=$OUT/lync-lint
WHEEL_BIN=""
[[ -x "$OUT/lync-lint-wheel" ]] && WHEEL_BIN=$OUT/lync-lint-wheel
GUARD=$(command -v cfn-guard || true)
RESULTS="$OUT/results.md"
: >"$RESULTS"
say() { echo "$*" | tee -a "$RESULTS"; }

# best_of RUNS CMD...: runs CMD (stdout to $OUT/last.out) RUNS times; sets BEST (seconds,
# fastest run) and RSS (KB, largest peak resident set).
best_of() {
    local runs=$1 t0 t1 rss
    shift
    BEST="" RSS=0
    for _ in $(seq "$runs"); do
        # Outside the timing: the previous command's output is removed and written back to
        # disk, so neither truncating it (160 MB of human output at 100,000 files) nor the
        # kernel's writeback of it runs during this command.
        rm -f "$OUT/last.out"
        sync
        t0=$(date +%s%N)
        "$TIME" -f %M -o "$OUT/time.txt" "$@" >"$OUT/last.out" 2>"$OUT/last.err" || true
        t1=$(date +%s%N)
        rss=$(tail -1 "$OUT/time.txt")
        ((rss > RSS)) && RSS=$rss
        BEST=$(awk -v a="${BEST:-1e9}" -v b="$(((t1 - t0) / 1000))" 'BEGIN { b /= 1e6; print (b < a ? b : a) }')
    done
}

# startup_pair CMD_A... -- CMD_B... : the median wall time (ms) of each command over
# 100 runs without a shell (hyperfine -N), in two alternating rounds (the lower median of
# each command kept); "" when hyperfine is not installed. The harness of best_of (date, fork,
# /usr/bin/time) costs milliseconds, as much as a one-file run itself.
startup_pair() {
    command -v hyperfine >/dev/null || { SA="" SB=""; return; }
    local a=() b=() cur=a x
    for x in "$@"; do
        if [[ $x == "--" ]]; then cur=b; continue; fi
        if [[ $cur == a ]]; then a+=("$x"); else b+=("$x"); fi
    done
    local qa qb
    qa=$(printf '%q ' "${a[@]}") qb=$(printf '%q ' "${b[@]}")
    SA=1e9 SB=1e9
    for _ in 1 2; do
        hyperfine -N -i -w 10 -r 100 --export-json "$OUT/hf.json" "$qa" "$qb" >/dev/null 2>&1
        read -r ma mb < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["median"]*1e3, r[1]["median"]*1e3)' "$OUT/hf.json")
        SA=$(awk -v a="$SA" -v b="$ma" 'BEGIN { print (b < a ? b : a) }')
        SB=$(awk -v a="$SB" -v b="$mb" 'BEGIN { print (b < a ? b : a) }')
    done
}

bytes_of() { find "$1" -maxdepth 1 -name "$2" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
ms() { awk -v t="$1" 'BEGIN { printf (t < 0.001 ? "%.3f ms" : "%.1f ms"), t * 1000 }'; }

# Do lync-lint's verdicts match the generator's?
verify_lync() {
    local dir=$1 out=$2
    sed -n 's#^  .*/\(org-[0-9]*\.lync\.kdl\): \(online-[a-z-]*\).*#\1 \2#p' "$out" | sort >"$OUT/verdicts.txt"
    if cmp -s "$OUT/verdicts.txt" <(sort "$dir/expected.txt"); then echo "verdicts ok"; else echo "VERDICTS DIFFER"; fi
}

say "## Benchmark run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(uname -m)"
say ""
say "lync-lint $($LYNC --version | awk '{print $2}'); ${GUARD:+$($GUARD --version 2>/dev/null | head -1)}"
say ""
say "### \`check\` vs cfn-guard (whole process: start-up, reading, parsing, checking, output)"
say ""
say "| files | KDL bytes | check, 1 thread | files/s | MB/s | peak RSS | check, $(nproc) threads | files/s | peak RSS | JSON bytes | cfn-guard | files/s | MB/s | peak RSS | cfn-guard / check 1 thread | cfn-guard / check $(nproc) threads |"
say "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
PARSE_ROWS=()
for n in $SIZES; do
    dir="$OUT/kdl-$n"
    runs=3
    ((n <= 1)) && runs=30
    kb=$(bytes_of "$dir" '*.kdl')
    best_of "$runs" env RAYON_NUM_THREADS=1 "$LYNC" check --no-config --color never "$dir"
    lt=$BEST lr=$RSS
    check=$(verify_lync "$dir" "$OUT/last.out")
    best_of "$runs" "$LYNC" check --no-config --color never "$dir"
    pt=$BEST pr=$RSS
    pcheck=$(verify_lync "$dir" "$OUT/last.out")
    row="| $n | $kb | $(ms "$lt") ($check) | $(rate "$n" "$lt") | $(mbps "$kb" "$lt") | $((lr / 1024)) MB"
    row="$row | $(ms "$pt") ($pcheck) | $(rate "$n" "$pt") | $((pr / 1024)) MB"
    jdir="$OUT/json-$n/json"
    if [[ -n "$GUARD" && -d "$jdir" ]]; then
        jb=$(bytes_of "$jdir" '*.json')
        best_of "$runs" "$GUARD" validate -d "$jdir" -r "$PEERS/lync.guard" -z -o json -S none
        gt=$BEST gr=$RSS
        gcheck=$(python3 "$PEERS/check_guard.py" "$OUT/json-$n/expected.json" <"$OUT/last.out" | head -1)
        row="$row | $jb | $(ms "$gt") ($gcheck) | $(rate "$n" "$gt") | $(mbps "$jb" "$gt") | $((gr / 1024)) MB"
        row="$row | $(ratio "$gt" "$lt") | $(ratio "$gt" "$pt") |"
    else
        row="$row | | not run (cfn-guard not installed) | | | | | |"
    fi
    say "$row"
    if ((n == 1)) && [[ -n "$GUARD" && -d "$jdir" ]]; then
        one=$(find "$dir" -name '*.kdl' | head -1) jone=$(find "$jdir" -name '*.json' | head -1)
        startup_pair "$LYNC" check --no-config --color never "$one" -- \
            "$GUARD" validate -d "$jone" -r "$PEERS/lync.guard" -z -o json -S none
        if [[ -n "$SA" ]]; then
            STARTUP="One file, without the harness (hyperfine -N, median of 100 runs, lower of two alternating rounds): \`check FILE\` $(awk -v t="$SA" 'BEGIN { printf "%.2f", t }') ms, cfn-guard $(awk -v t="$SB" 'BEGIN { printf "%.2f", t }') ms: cfn-guard / check = $(ratio "$SB" "$SA")."
        fi
        if [[ -n "$WHEEL_BIN" ]]; then
            startup_pair "$WHEEL_BIN" check --no-config --color never "$one" -- \
                "$GUARD" validate -d "$jone" -r "$PEERS/lync.guard" -z -o json -S none
            [[ -n "$SA" ]] && STARTUP="$STARTUP The wheel's binary (statically linked), same way: \`check FILE\` $(awk -v t="$SA" 'BEGIN { printf "%.2f", t }') ms, cfn-guard $(awk -v t="$SB" 'BEGIN { printf "%.2f", t }') ms: cfn-guard / check = $(ratio "$SB" "$SA")."
        fi
        if [[ -n "$PREV" ]]; then
            startup_pair "$LYNC" check --no-config --color never "$one" -- "$PREV" check --no-config --color never "$one"
            [[ -n "$SA" ]] && STARTUP="$STARTUP Previous binary, same way: this $(awk -v t="$SA" 'BEGIN { printf "%.2f", t }') ms, previous $(awk -v t="$SB" 'BEGIN { printf "%.2f", t }') ms."
        fi
    fi

    # Parse only, single thread, one file at a time (parse calls timed in-process).
    kpasses=1
    ((n <= 1000)) && kpasses=3
    best_of 1 "$BENCH_BIN" files fast "$dir" 5
    fs=$(sed -n 's/.*parse_s=\([0-9.]*\).*/\1/p' "$OUT/last.out") fr=$RSS
    best_of 1 "$BENCH_BIN" files kdl "$dir" "$kpasses"
    ks=$(sed -n 's/.*parse_s=\([0-9.]*\).*/\1/p' "$OUT/last.out") kr=$RSS
    PARSE_ROWS+=("| $n | $kb | $(ms "$fs") | $(mbps "$kb" "$fs") | $((fr / 1024)) MB | $(ms "$ks") | $(mbps "$kb" "$ks") | $((kr / 1024)) MB | $(ratio "$ks" "$fs") |")
done
say ""
[[ -n "${STARTUP:-}" ]] && say "$STARTUP" && say ""
# Every output format, streamed: time and peak RSS on all cores, this binary and the previous
# one (PREV) side by side, and cfn-guard's time on the same organizations.
say "### Every format on all cores (time, peak RSS)"
say ""
declare -A PER_FILE PEAK
say "| files | format | check | files/s | peak RSS | previous binary | peak RSS | cfn-guard | cfn-guard / check |"
say "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
for n in $FORMAT_SIZES; do
    dir="$OUT/kdl-$n"
    runs=3
    ((n >= 100000)) && runs=2
    gt=""
    jdir="$OUT/json-$n/json"
    if [[ -n "$GUARD" && -d "$jdir" ]]; then
        best_of "$runs" "$GUARD" validate -d "$jdir" -r "$PEERS/lync.guard" -z -o json -S none
        gt=$BEST
    fi
    for f in human concise json sarif github gitlab junit markdown; do
        best_of "$runs" "$LYNC" check --no-config --color never --format "$f" "$dir"
        t=$BEST r=$RSS
        PER_FILE["$f,$n"]=$(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.2f", t * 1e6 / n }')
        PEAK["$f,$n"]=$((r / 1024))
        prev="" prss=""
        if [[ -n "$PREV" ]] && "$PREV" check --help 2>/dev/null | grep -q -- "$f"; then
            best_of "$runs" "$PREV" check --no-config --color never --format "$f" "$dir"
            prev=$(ms "$BEST") prss="$((RSS / 1024)) MB"
        fi
        g="" gr=""
        [[ -n "$gt" ]] && g=$(ms "$gt") gr=$(ratio "$gt" "$t")
        say "| $n | $f | $(ms "$t") | $(rate "$n" "$t") | $((r / 1024)) MB | $prev | $prss | $g | $gr |"
    done
    if [[ -n "$WHEEL_BIN" ]]; then
        best_of "$runs" "$WHEEL_BIN" check --no-config --color never --format json "$dir"
        g="" gr=""
        [[ -n "$gt" ]] && g=$(ms "$gt") gr=$(ratio "$gt" "$BEST")
        say "| $n | json (the wheel's binary) | $(ms "$BEST") | $(rate "$n" "$BEST") | $((RSS / 1024)) MB | | | $g | $gr |"
    fi
done
say ""
# Growth: time per file at each size, against the first size.
read -r -a FS <<<"$FORMAT_SIZES"
if ((${#FS[@]} > 1)); then
    first=${FS[0]} last=${FS[-1]}
    say "### Growth from $first to $last files (time per file, peak RSS)"
    say ""
    say "| format | µs per file at $first | µs per file at $last | ratio | peak RSS at $first | peak RSS at $last |"
    say "|---|---:|---:|---:|---:|---:|"
    for f in human concise json sarif github gitlab junit markdown; do
        a=${PER_FILE["$f,$first"]} b=${PER_FILE["$f,$last"]}
        say "| $f | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", b / a }') | ${PEAK["$f,$first"]} MB | ${PEAK["$f,$last"]} MB |"
    done
    say ""
fi
say "### Parse only, single thread (same KDL files, read one at a time; only the parse calls are timed)"
say ""
say "| files | bytes | fast parser | MB/s | peak RSS | kdl crate 6.7 | MB/s | peak RSS | fast vs kdl |"
say "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${PARSE_ROWS[@]}"; do say "$r"; done
say ""
say "### Parse only, in memory, by file size"
say ""
"$BENCH_BIN" | tail -n +3 | tee -a "$RESULTS"
echo
echo "results written to $RESULTS"
