#!/usr/bin/env bash
# End-to-end test of `lync-lint lsp` in Emacs with Eglot: batch Emacs (Debian's `emacs-nox`
# and `elpa-eglot`, installed when missing) opens a copy of a flagged fixture, connects Eglot
# to the server, waits for Flymake to show the finding on the right line, asks for hover,
# jumps to the rule's definition and applies the waiver quick fix (tests/emacs/e2e.el).
# Exits non-zero, with an `emacs-e2e: FAILED` line, when it does not.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

if ! command -v emacs >/dev/null 2>&1 || [ ! -d /usr/share/emacs/site-lisp/elpa ] ||
    ! ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1; then
    echo "emacs-e2e: installing emacs-nox and elpa-eglot"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq emacs-nox elpa-eglot; } \
        >/dev/null 2>&1; then
        echo "emacs-e2e: FAILED: emacs-nox and elpa-eglot are not installed and apt-get could not install them"
        exit 1
    fi
fi
echo "emacs-e2e: $(emacs --version | head -n 1), $(basename "$(ls -d /usr/share/emacs/site-lisp/elpa/eglot-* | head -n 1)")"

cargo build --locked --quiet
bin="$repo/target/debug/lync-lint"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/project"
git init --quiet "$work/project"    # the project root, for Eglot and for configuration discovery
cp fixtures/online-but-needs-voice.lync.kdl "$work/project/env.lync.kdl"

status=0
LYNC_LINT_BIN="$bin" LYNC_LINT_E2E_FILE="$work/project/env.lync.kdl" XDG_CACHE_HOME="$work/cache" HOME="$work" \
    timeout 300 emacs --batch -Q -l "$repo/tests/emacs/e2e.el" </dev/null >"$work/out.log" 2>&1 || status=$?
grep '^emacs-e2e: ' "$work/out.log" || true
if [ "$status" -ne 0 ] || ! grep -q "^emacs-e2e: ok" "$work/out.log"; then
    echo "--- Emacs's output:"
    tail -n 40 "$work/out.log"
    [ "$status" -eq 124 ] && echo "emacs-e2e: FAILED: Emacs did not finish within 300 s"
    grep -q "^emacs-e2e: FAILED" "$work/out.log" || echo "emacs-e2e: FAILED: Emacs exited with status $status"
    exit 1
fi
