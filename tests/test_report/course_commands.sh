#!/usr/bin/env bash
# @file course_commands.sh
# @brief ./course check and ./course start (tools/course/check.sh, start.sh) over ws_run_tests and the progress file,
# in a checkout made in a temp folder: builds and setup are stand-ins, each lab's test binary is the stand-in
# fake_lab.cpp behind a wrapper that notes every run. check prints ws_run_tests' report and records it; start shows
# what was recorded for eleven labs, never runs a test, and says which lab is next.
#
#   course_commands.sh REPO_ROOT WS_RUN_TESTS FAKE_LAB
set -uo pipefail

repo=$(cd "${1:?usage: course_commands.sh REPO_ROOT WS_RUN_TESTS FAKE_LAB}" && pwd)
tool=$(realpath "${2:?}")
fake=$(realpath "${3:?}")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-course-commands.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { printf 'FAILED: %s\n' "$*"; failures=$((failures + 1)); }

export WS_ROOT="$tmp/root"
mkdir -p "$WS_ROOT/tools/course" "$WS_ROOT/lessons" "$WS_ROOT/build/default/tools/test_report" \
         "$WS_ROOT/build/default/tools/make_starters" "$WS_ROOT/build/default/tests"
for f in lib.sh check.sh start.sh; do ln -s "$repo/tools/course/$f" "$WS_ROOT/tools/course/$f"; done
printf 'cmd_setup() { :; }\n' >"$WS_ROOT/tools/course/setup.sh"   # installs nothing
ln -s "$tool" "$WS_ROOT/build/default/tools/test_report/ws_run_tests"
# make_starters --check succeeds ("not started") only for the labs listed in $WS_ROOT/pristine.
cat >"$WS_ROOT/build/default/tools/make_starters/make_starters" <<'STUB'
#!/usr/bin/env bash
while [[ $# -gt 0 ]]; do [[ $1 == --lab ]] && lab=$2; shift; done
grep -qx "$lab" "$WS_ROOT/pristine" 2>/dev/null
STUB
# Eleven labs: 01 has a .cu file (GPU and CPU tests), 02 is CPU-only, the others wait.
for n in 01 02 03 04 05 06 07 08 09 10 11; do
  mkdir -p "$WS_ROOT/labs/${n}_lab$n"
  printf '{"lab": "%s", "files": ["work.cpp"]}\n' "$n" >"$WS_ROOT/labs/${n}_lab$n/lab.json"
  printf '// TODO(lab%s): the work\n' "$n" >"$WS_ROOT/labs/${n}_lab$n/work.cpp"
  printf '# Lesson %s\n' "$n" >"$WS_ROOT/lessons/${n}_lesson.md"
  printf '#!/bin/sh\necho "$0" >>"$WS_ROOT/test-runs"\nexec "%s" "$@"\n' "$fake" >"$WS_ROOT/build/default/tests/lab${n}_labs_cudacpu_tests"
  chmod +x "$WS_ROOT/build/default/tests/lab${n}_labs_cudacpu_tests"
done
touch "$WS_ROOT/labs/01_lab01/work.cu" "$WS_ROOT/test-runs"
mv "$WS_ROOT/build/default/tests/lab02_labs_cudacpu_tests" "$WS_ROOT/build/default/tests/lab02_labs_tests"
chmod +x "$WS_ROOT/build/default/tools/make_starters/make_starters"
printf '03\n04\n05\n06\n07\n08\n09\n10\n11\n' >"$WS_ROOT/pristine"

# shellcheck source=../../tools/course/lib.sh
source "$WS_ROOT/tools/course/lib.sh"
source "$WS_ROOT/tools/course/check.sh"
source "$WS_ROOT/tools/course/start.sh"
ws_configure() { :; }
ws_have_cuda() { return 1; }
ws_build() { [[ -z ${FAKE_BUILD_FAILS:-} ]] || { echo "error: it does not compile" >&2; exit 1; }; }

expect() { grep -q -F -- "$1" <<<"$out" || fail "expected \"$1\" in:"$'\n'"$out"; }

out=$(cmd_start 2>&1) || fail "start failed"
expect "lab 01_lab01               not checked yet"
expect "lab 03_lab03               not started"
expect "3. Run  ./course check 01"

out=$(WS_FAKE_LAB=fail cmd_check 01 2>&1) && fail "check passed a failing lab"
expect "  GPU tests on the CPU backend:"
expect "fake_lab.cpp:"
expect "  Failed 1 of 2 test cases"
expect "  CPU tests:"
expect "  Passed 1 of 1 test case"
expect "Lab 01 does not pass yet."
out=$(cmd_start 2>&1)
expect "lab 01_lab01               failing 1 of 3"

out=$(WS_FAKE_LAB=pass cmd_check 01 2>&1) || fail "check failed a passing lab"
expect "Lab 01 passes (kernels ran on cudacpu)."
out=$(WS_FAKE_LAB=pass cmd_check 2 2>&1) || fail "check failed a passing CPU-only lab"
expect "Lab 02 passes."
runs_before=$(wc -l <"$WS_ROOT/test-runs")
started=$(date +%s%N)
out=$(cmd_start 2>&1)
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
expect "lab 01_lab01               passing"
expect "lab 02_lab02               passing"
expect "2. Edit labs/03_lab03/work.cpp (look for TODO(lab03))"
[[ $(wc -l <"$WS_ROOT/test-runs") == "$runs_before" ]] || fail "start ran a test binary"
[[ $elapsed_ms -lt 5000 ]] || fail "start took $elapsed_ms ms for eleven labs"
echo "start: ${elapsed_ms} ms for eleven labs"

printf '// changed\n' >>"$WS_ROOT/labs/01_lab01/work.cpp"
out=$(cmd_start 2>&1)
expect "lab 01_lab01               passing (changed since last check)"
out=$(FAKE_BUILD_FAILS=1 cmd_check 01 2>&1) && fail "check passed a lab that does not build"
out=$(cmd_start 2>&1)
expect "lab 01_lab01               does not build"
expect "3. Run  ./course check 01"

if [[ $failures != 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "ok: ./course check records through ws_run_tests, ./course start shows it without running a test"
