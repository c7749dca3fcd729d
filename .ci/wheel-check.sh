#!/usr/bin/env bash
# The Python wheel (pyproject.toml, maturin with `bindings = "bin"`): builds the wheel through
# pip's PEP 517 path, as `pip install .` does (maturin comes from PyPI in pip's isolated build
# environment), installs it into a fresh virtualenv, and runs the `lync-lint` it put on PATH
# on the shipped fixtures: exit status 1 and findings that name the fixture files.
#
# The wheel is built with the dev profile to save CI time (MATURIN_PEP517_ARGS); a release
# wheel is the same command without it. Exits non-zero with `wheel-check: FAILED` on failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# The dependencies are built as .ci/package-check.sh builds them: share its target directory.
export CARGO_TARGET_DIR="$repo/target/dist"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "wheel-check: FAILED: $*"
    exit 1
}

start=$SECONDS
python3 -m venv "$work/build-venv"
"$work/build-venv/bin/pip" install --quiet --upgrade pip
if ! MATURIN_PEP517_ARGS="--profile dev --locked" \
    "$work/build-venv/bin/pip" wheel --no-deps --wheel-dir "$work/dist" . > "$work/build.log" 2>&1; then
    tail -40 "$work/build.log"
    fail "pip could not build the wheel"
fi
wheel="$(ls "$work"/dist/lync_lint-*.whl 2>/dev/null | head -n 1)"
[ -n "$wheel" ] || fail "no wheel in $work/dist"
echo "wheel-check: built $(basename "$wheel") in $((SECONDS - start)) s"
python3 -m zipfile -l "$wheel" > "$work/wheel.list"   # whole, then grep (grep -q would cut the pipe)
grep -q 'scripts/lync-lint' "$work/wheel.list" || fail "the wheel does not carry the lync-lint binary"

# A fresh virtualenv with nothing but the wheel.
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index "$wheel" || fail "the wheel does not install"
[ -x "$work/venv/bin/lync-lint" ] || fail "pip did not put lync-lint in the virtualenv's bin/"
# On Linux the binary is linked statically (pyproject.toml's rustc-args): an ELF file without
# a program interpreter (no PT_INTERP header) needs no dynamic loader and no shared C library.
if [ "$(uname -s)" = Linux ]; then
    python3 - "$work/venv/bin/lync-lint" <<'PY' || fail "the wheel's binary is not statically linked"
import struct, sys
data = open(sys.argv[1], "rb").read()
if data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
    sys.exit("not an ELF file")
end = "<" if data[5] == 1 else ">"  # EI_DATA: little or big endian
if data[4] == 2:  # EI_CLASS: 64-bit
    (phoff,) = struct.unpack_from(end + "Q", data, 0x20)
    phentsize, phnum = struct.unpack_from(end + "HH", data, 0x36)
else:
    (phoff,) = struct.unpack_from(end + "I", data, 0x1C)
    phentsize, phnum = struct.unpack_from(end + "HH", data, 0x2A)
types = [struct.unpack_from(end + "I", data, phoff + i * phentsize)[0] for i in range(phnum)]
sys.exit("it has a program interpreter (PT_INTERP)" if 3 in types else 0)
PY
    echo "wheel-check: the binary is statically linked"
fi
version="$(PATH="$work/venv/bin:/usr/bin:/bin" lync-lint --version)"
[ "$version" = "lync-lint $(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)" ] ||
    fail "unexpected version: $version"

status=0
PATH="$work/venv/bin:/usr/bin:/bin" lync-lint check fixtures/ > "$work/out.txt" 2>&1 || status=$?
tail -n 9 "$work/out.txt"
[ "$status" -eq 1 ] || fail "lync-lint check fixtures/ exited $status, expected 1 (the fixtures have findings)"
grep -q 'fixtures/online-but-needs-voice.lync.kdl' "$work/out.txt" || fail "the output does not name the fixtures"
grep -q 'enterprise-voice/pbx-replacement' "$work/out.txt" || fail "the output has no finding"
echo "wheel-check: ok ($version from the wheel, in $((SECONDS - start)) s)"
