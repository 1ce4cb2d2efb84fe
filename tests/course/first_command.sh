#!/usr/bin/env bash
# @file first_command.sh
# @brief ./course's shared helpers on a fresh clone, with stand-ins for cmake and apt (fast, no network, no build).
#
#   first_command.sh REPO_ROOT
#
# 1. ws_configure creates build/ itself: a clone has none (it is ignored), and `./course check 01` as the first command
#    once failed with "build/.configure-default.log: No such file or directory".
# 2. WS_SKIP_SETUP=1 makes `cmd_setup --if-needed` install nothing, even with packages missing (tools/gpu_check runs
#    ./course bench on a machine without network, its libraries from .deps/).
set -euo pipefail

repo=$(cd "${1:?usage: first_command.sh REPO_ROOT}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-first-command.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

mkdir -p "$tmp/bin" "$tmp/clone"
# A stand-in cmake that makes what a configure makes; a stand-in apt that must not be called.
cat >"$tmp/bin/cmake" <<'STUB'
#!/usr/bin/env bash
echo "stand-in cmake $*"
if [[ $1 == --preset ]]; then mkdir -p "build/$2" && touch "build/$2/CMakeCache.txt" "build/$2/build.ninja"; fi
STUB
cat >"$tmp/bin/dpkg-query" <<'STUB'
#!/usr/bin/env bash
echo "unknown ok not-installed"
STUB
cat >"$tmp/bin/apt-get" <<'STUB'
#!/usr/bin/env bash
echo "apt-get $*" >>"$WS_ROOT/apt-get-was-called"
exit 1
STUB
cp "$tmp/bin/apt-get" "$tmp/bin/sudo"
chmod +x "$tmp/bin"/*
export PATH="$tmp/bin:$PATH" WS_ROOT="$tmp/clone"

# shellcheck source=../../tools/course/lib.sh
source "$repo/tools/course/lib.sh"
[[ ! -e "$WS_ROOT/build" ]] || fail "the fake clone already has build/"
(ws_configure default) || fail "ws_configure failed in a clone without build/"
[[ -f "$WS_ROOT/build/.configure-default.log" ]] || fail "no build/.configure-default.log"
grep -q -- 'stand-in cmake --preset default' "$WS_ROOT/build/.configure-default.log" ||
  fail "the configure log does not hold cmake's output"
echo "ok: ws_configure creates build/ in a fresh clone"

# shellcheck source=../../tools/course/setup.sh
source "$repo/tools/course/setup.sh"
(WS_SKIP_SETUP=1 cmd_setup --if-needed) || fail "WS_SKIP_SETUP=1 cmd_setup --if-needed failed"
[[ ! -e "$WS_ROOT/apt-get-was-called" ]] || fail "WS_SKIP_SETUP=1 still ran apt-get: $(cat "$WS_ROOT/apt-get-was-called")"
echo "ok: WS_SKIP_SETUP=1 installs nothing"
