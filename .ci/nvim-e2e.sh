#!/usr/bin/env bash
# End-to-end test of `lync-lint lsp` in a real editor: headless Neovim (Debian's `neovim`,
# installed when missing) opens a copy of a fixture, reads the server's diagnostics through
# `vim.diagnostic.get`, checks document symbols, go to definition and the verdict code lens,
# applies the waiver quick fixes and sees the diagnostics clear (tests/nvim/e2e.lua). Exits
# non-zero, with a `nvim-e2e: FAILED` line, when it does not.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

if ! command -v nvim >/dev/null 2>&1; then
    echo "nvim-e2e: installing neovim"
    if ! { apt-get update -qq && apt-get install -y -qq neovim; } >/dev/null 2>&1; then
        echo "nvim-e2e: FAILED: neovim is not installed and apt-get could not install it"
        exit 1
    fi
fi
echo "nvim-e2e: $(nvim --version | head -n 1)"

cargo build --locked --quiet
bin="$repo/target/debug/lync-lint"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/.git"    # the project root: configuration discovery stops here
cp fixtures/online-but-needs-voice.lync.kdl "$work/env.lync.kdl"

status=0
LYNC_LINT_BIN="$bin" LYNC_LINT_E2E_FILE="$work/env.lync.kdl" XDG_CACHE_HOME="$work/cache" \
    timeout 300 nvim --headless --clean -u NONE -i NONE -n -c "luafile $repo/tests/nvim/e2e.lua" \
    </dev/null >"$work/out.log" 2>&1 || status=$?
cat "$work/out.log"
if [ "$status" -ne 0 ]; then
    [ "$status" -eq 124 ] && echo "nvim-e2e: FAILED: Neovim did not finish within 300 s"
    grep -q "nvim-e2e: FAILED" "$work/out.log" || echo "nvim-e2e: FAILED: Neovim exited with status $status"
    exit 1
fi
grep -q "nvim-e2e: ok" "$work/out.log" || { echo "nvim-e2e: FAILED: the script did not report success"; exit 1; }
