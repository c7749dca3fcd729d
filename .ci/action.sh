#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml at the repository root), one subcommand each:
#
#   locate   is `lync-lint` on PATH? Writes found=, version=, root= and cache-key= to
#            $GITHUB_OUTPUT (root: where `install` puts the binary; the cache key names the
#            action's version and a digest of its sources).
#   install  builds the binary from the action's own checkout ($GITHUB_ACTION_PATH) into
#            $LYNC_LINT_ROOT with `cargo install --locked` (unless a restored cache already
#            holds it) and adds its bin/ to $GITHUB_PATH.
#   run      runs `lync-lint $INPUT_ARGS` in $GITHUB_WORKSPACE. For `check`, findings are
#            printed as annotations (`--format github`, unless the args choose a format), the
#            Markdown report is appended to $GITHUB_STEP_SUMMARY when INPUT_SUMMARY is `true`,
#            and SARIF is written to INPUT_SARIF when it is set. Writes exit-code= (and sarif=)
#            to $GITHUB_OUTPUT and exits with lync-lint's status, so findings fail the job.
#
# tests/action.rs runs these steps as action.yml lists them, with GitHub's variables pointed
# at temporary files.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"

output() {
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
    fi
}

# A digest of what the binary is built from, so a cache is never reused for other sources.
digest() {
    local sum=sha256sum
    command -v sha256sum >/dev/null 2>&1 || sum="shasum -a 256"
    (
        cd "$action_path"
        find Cargo.toml Cargo.lock build.rs src crates policies -type f 2>/dev/null | LC_ALL=C sort | while read -r f; do
            printf '%s\n' "$f"
            cat "$f"
        done
    ) | $sum | cut -c1-16
}

locate() {
    local version root
    version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)"
    root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/lync-lint/$version"
    output version "$version"
    output root "$root"
    output cache-key "lync-lint-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$version-$(digest)"
    if command -v lync-lint >/dev/null 2>&1; then
        echo "lync-lint: using $(command -v lync-lint) ($(lync-lint --version))"
        output found true
    else
        echo "lync-lint: not on PATH; the action installs lync-lint $version from $action_path"
        output found false
    fi
}

install() {
    local root="${LYNC_LINT_ROOT:?LYNC_LINT_ROOT is not set}"
    if [ -x "$root/bin/lync-lint" ] && "$root/bin/lync-lint" --version >/dev/null 2>&1; then
        echo "lync-lint: restored from the cache: $root/bin/lync-lint"
    else
        if ! command -v cargo >/dev/null 2>&1; then
            echo "::error title=lync-lint::cargo is not installed: add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before this action, or install lync-lint yourself"
            exit 2
        fi
        echo "lync-lint: cargo install --locked --path $action_path --root $root"
        cargo install --locked --path "$action_path" --root "$root"
    fi
    if [ -n "${GITHUB_PATH:-}" ]; then
        echo "$root/bin" >> "$GITHUB_PATH"
    fi
}

run() {
    local args=() extra=() status=0 summary_file=""
    # Split INPUT_ARGS as a shell would (quotes group words), without running anything in it.
    if ! mapfile -t args < <(printf '%s' "${INPUT_ARGS:-check}" | xargs -r printf '%s\n'); then
        echo "::error title=lync-lint::cannot split the args input: ${INPUT_ARGS:-}"
        exit 2
    fi
    [ "${#args[@]}" -gt 0 ] || args=(check)
    local lync_lint
    lync_lint="$(command -v lync-lint || true)"
    if [ -z "$lync_lint" ]; then
        echo "::error title=lync-lint::lync-lint is not on PATH"
        exit 2
    fi
    if [ "${args[0]}" = check ]; then
        local arg chose_format=false
        for arg in "${args[@]}"; do
            case "$arg" in --format | --format=*) chose_format=true ;; esac
        done
        $chose_format || extra+=(--format github)
        if [ -n "${INPUT_SARIF:-}" ]; then
            extra+=(--report "sarif=$INPUT_SARIF")
        fi
        if [ "${INPUT_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
            summary_file="${RUNNER_TEMP:-/tmp}/lync-lint-summary-$$.md"
            extra+=(--report "markdown=$summary_file")
        fi
    fi
    cd "${GITHUB_WORKSPACE:-.}"
    if [ -n "${INPUT_SARIF:-}" ]; then
        mkdir -p "$(dirname "$INPUT_SARIF")"
    fi
    "$lync_lint" "${args[@]}" "${extra[@]}" || status=$?
    if [ -n "$summary_file" ] && [ -f "$summary_file" ]; then
        cat "$summary_file" >> "$GITHUB_STEP_SUMMARY"
        rm -f "$summary_file"
    fi
    output exit-code "$status"
    if [ -n "${INPUT_SARIF:-}" ] && [ -f "$INPUT_SARIF" ]; then
        output sarif "$INPUT_SARIF"
    fi
    exit "$status"
}

case "${1:-}" in
    locate) locate ;;
    install) install ;;
    run) run ;;
    *)
        echo "usage: $0 locate|install|run" >&2
        exit 2
        ;;
esac
