#!/usr/bin/env bash
# @file run_tests_cli.sh
# @brief ws_run_tests end to end: a stand-in test binary (fake_lab.cpp) that passes, fails, crashes, stops, hangs,
# skips, or prints a sanitizer report; what ws_run_tests prints for each, its exit code, and the progress file it
# keeps for ./course start (--show-state), with a checkout of one lab made in a temp folder.
#
#   run_tests_cli.sh WS_RUN_TESTS FAKE_LAB
set -uo pipefail

tool=${1:?usage: run_tests_cli.sh WS_RUN_TESTS FAKE_LAB}
fake=${2:?usage: run_tests_cli.sh WS_RUN_TESTS FAKE_LAB}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-run-tests-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root="$tmp/root"
mkdir -p "$root/labs/01_fake" "$root/labs/02_other" "$root/build"
printf '{"lab": "01", "files": ["fake.cu"]}\n' >"$root/labs/01_fake/lab.json"
printf 'int x;\n' >"$root/labs/01_fake/fake.cu"
printf '{"lab": "02", "files": ["other.cpp"]}\n' >"$root/labs/02_other/lab.json"
state="$root/build/progress.json"
export WS_FAKE_ROOT="$root"
failures=0

# run MODE PART EXPECTED_RC [ARGS...]: runs ws_run_tests on the stand-in; the output lands in $out.
run() {
  local mode="$1" part="$2" want="$3"; shift 3
  local filter="[gpu]"
  [[ $part == cpu ]] && filter="[cpu]"
  out=$(WS_FAKE_LAB="$mode" "$tool" --exe "$fake" --filter "$filter" --root "$root" --state "$state" --lab 01 \
        --part "$part" "$@" 2>&1)
  rc=$?
  if [[ $rc != "$want" ]]; then
    printf 'FAILED: mode %s: exit code %s, expected %s. Output:\n%s\n' "$mode" "$rc" "$want" "$out"
    failures=$((failures + 1))
  fi
}
# expect TEXT: the last output holds TEXT (a fixed string).
expect() {
  if ! grep -q -F -- "$1" <<<"$out"; then
    printf 'FAILED: expected "%s" in:\n%s\n' "$1" "$out"
    failures=$((failures + 1))
  fi
}
refuse() {
  if grep -q -F -- "$1" <<<"$out"; then
    printf 'FAILED: did not expect "%s" in:\n%s\n' "$1" "$out"
    failures=$((failures + 1))
  fi
}
status_is() {
  local got
  got=$("$tool" --show-state "$state" --root "$root" 2>&1 | grep "^$1" | cut -f2-)
  if [[ $got != "$2" ]]; then
    printf 'FAILED: lab %s status "%s", expected "%s"\n' "$1" "$got" "$2"
    failures=$((failures + 1))
  fi
}

status_is 01 "not checked yet"
run pass gpu 0; expect "  Passed 2 of 2 test cases"; refuse "failed"
run pass cpu 0; expect "  Passed 1 of 1 test case"
status_is 01 "passing"
status_is 02 "not checked yet"

run fail gpu 1
expect "  Failed 1 of 2 test cases"
expect '"the second kernel matches the CPU reference":'
expect "fake_lab.cpp:"
expect ": failed: CHECK( n + 1 == 2 ) for: 4 == 2 with: n = 3"
expect "for: 6 == 2 with: n = 5"
status_is 01 "failing 1 of 3"

run crash gpu 1; expect "fatal error: SIGSEGV"; expect "  Failed 1 of 2 test cases"
run exit gpu 1
expect 'the tests stopped before their report was complete (exit code 3) in "the second kernel matches the CPU reference"'
expect "  Failed 1 of 2 test cases"
status_is 01 "failing 1 of 3 (it crashed or hung)"

run hang gpu 1 --timeout 2
expect "did not finish in 2 s: a kernel or loop that never ends?"
expect 'it was running "the second kernel matches the CPU reference"'

before=$(cat "$state")
run skip gpu 77; expect "SKIPPED: no usable CUDA device (a stand-in)"; refuse "Passed"
[[ "$(cat "$state")" == "$before" ]] || { echo "FAILED: a skipped run changed the progress file"; failures=$((failures + 1)); }

run asan gpu 1
expect "    ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60b000000170"
expect "    READ of size 4"
expect "      at labs/01_fake/fake.cu:32 (lab01::vector_add_kernel)"
expect "    SUMMARY: AddressSanitizer: heap-buffer-overflow labs/01_fake/fake.cu:32 in lab01::f"
refuse "$root"

run cudacpu gpu 1; expect "    cudacpu: error: fake.cu:12: a block of 2048 threads is over the limit of 1024"
run print gpu 1; expect "  Failed 1 of 2 test cases"   # raw XML printed by the test fools nothing

run pass gpu 0
status_is 01 "passing"
printf 'int y;\n' >"$root/labs/01_fake/fake.cu"
status_is 01 "passing (changed since last check)"

"$tool" --record-build-failed --state "$state" --lab 01 --root "$root" || failures=$((failures + 1))
status_is 01 "does not build"
run pass gpu 0; run pass cpu 0
printf '{"score": 9, "max_score": 15, "tests": []}\n' >"$tmp/results.json"
"$tool" --record-grade "$tmp/results.json" --state "$state" --lab 01 --root "$root" || failures=$((failures + 1))
status_is 01 "passing, graded 9/15"

printf 'not json' >"$state"
out=$("$tool" --show-state "$state" --root "$root" 2>&1); expect "could not be read"; expect "01	not checked yet"
run pass gpu 0
status_is 01 "passing"

"$tool" --exe "$fake" 2>/dev/null; [[ $? == 2 ]] || { echo "FAILED: a usage error is not exit code 2"; failures=$((failures + 1)); }

if [[ $failures != 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "ok: ws_run_tests prints, exits and records as expected"
