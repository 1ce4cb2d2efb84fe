#!/usr/bin/env bash
# @file run.sh
# @brief The GPU check in one command: build the native CUDA backend for sm_90, run every [gpu] test of the solutions,
#        `./course bench` every workload, and the tests again under compute-sanitizer memcheck. Run THERE, from the
#        repository root.
#
#   tools/gpu_check/run.sh [OUT_DIR]      OUT_DIR: default $OUT when set, else gpu-check-out/
#
# Needs .deps/ from tools/gpu_check/prepare.sh (run here first; docs/gpu-check.md). Writes at most 11 files, no folders:
#
#   summary.txt         machine, driver, nvcc, commit, each step's status and seconds, test and sanitizer counts
#   build.log           configure and build
#   tests.log           ctest -L gpu (solutions only; labs/ holds the unsolved starters)
#   tests-junit.xml     the same, as JUnit XML
#   bench.log           ./course bench vector_add, matmul, reduce, scan, softmax, cudacpu
#   sanitizer.log       each test binary again under compute-sanitizer --tool memcheck (last: the slowest to predict)
#   bench-<workload>.json   the results documents (docs/bench_results.md), one per workload of bench/workloads/
#
# Each step has its own time limit, cut to what is left of WS_GPU_CHECK_BUDGET (460 s: the whole check stays under 8
# minutes), and a failing step does not stop the later ones. Exit status 0 only when every step passed. Without a GPU
# (a dry run on a laptop or CI) everything still configures and builds; the tests then report Skipped (never Passed),
# the sanitizer step is skipped and the benchmarks time the CPU backend and say so. WS_GPU_CHECK_TIME_SCALE=N
# multiplies every step's limit (a dry run on 2 cores builds for ~5 minutes: dry_run.sh uses 8 and 3600 s).
set -uo pipefail  # no -e: one failing step must not stop the others

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root" || exit 2
out="${1:-${OUT:-$root/gpu-check-out}}"
mkdir -p "$out" && out="$(cd "$out" && pwd)" || { echo "error: cannot create $out" >&2; exit 2; }
preset=gpu-check
build="$root/build/$preset"
jobs=$(nproc)
budget=${WS_GPU_CHECK_BUDGET:-460}
scale=${WS_GPU_CHECK_TIME_SCALE:-1}
start_all=$(date +%s)
summary="$out/summary.txt"
failed=0
# The benchmark workloads, in the order they run: each is bench/workloads/<name>.cpp or .cu (docs/bench_results.md).
# (The registry is that folder: no list to keep here.)
mapfile -t bench_workloads < <(cd "$(dirname "$0")/../../bench/workloads" && ls -- *.cpp *.cu 2>/dev/null |
                               sed -E 's/\.(cpp|cu)$//' | sort -u)
rm -f "$out"/{summary.txt,build.log,tests.log,tests-junit.xml,bench.log,sanitizer.log} "$out"/bench-*.json

say() { printf '%s\n' "$*" | tee -a "$summary"; }
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}'; }

# record NAME STATUS SECONDS [NOTE]: one line of the step table; anything but ok/skipped marks the check failed.
record() {
  printf '  %-22s %-9s %7ss  %s\n' "$1" "$2" "$3" "${4:-}" | tee -a "$summary"
  case "$2" in ok|skipped) ;; *) failed=1 ;; esac
}

# run_step NAME LIMIT LOG COMMAND...: runs COMMAND under `timeout` (LIMIT x scale, at most what is left of the budget),
# appending its output to LOG. Sets step_rc and step_secs; prints nothing (the caller records the result).
run_step() {
  local name=$1 limit=$(($2 * scale)) log=$3; shift 3
  local left=$((budget - ($(date +%s) - start_all)))
  ((left < limit)) && limit=$left
  step_secs=0
  if ((limit < 5)); then
    step_rc=125
    printf '\n===== %s: not run, no time left in the %s s budget\n' "$name" "$budget" >>"$log"
    return
  fi
  printf '\n===== %s (limit %s s): %s\n' "$name" "$limit" "$*" >>"$log"
  local t0
  t0=$(date +%s.%N)
  step_rc=0
  timeout --kill-after=10 "$limit" "$@" >>"$log" 2>&1 || step_rc=$?
  step_secs=$(seconds_since "$t0")
  printf '===== %s: exit %s after %s s\n' "$name" "$step_rc" "$step_secs" >>"$log"
}

# status_of RC: ok, TIMEOUT, NOT-RUN or FAILED.
status_of() {
  case "$1" in
    0) echo ok ;;
    124|137) echo TIMEOUT ;;
    125) echo NOT-RUN ;;
    *) echo FAILED ;;
  esac
}

# --- The machine -------------------------------------------------------------------------------------------------
# CMake and this script find nvcc and compute-sanitizer on the PATH; a toolkit in the usual place may not be on it.
if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
has_gpu=0
gpu="none (nvidia-smi found no GPU)"
if command -v nvidia-smi >/dev/null && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  has_gpu=1
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>/dev/null |
        head -n 1)
fi
nvcc_bin=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
sanitizer=$(command -v compute-sanitizer || true)
[[ -z "$sanitizer" && -x /usr/local/cuda/bin/compute-sanitizer ]] && sanitizer=/usr/local/cuda/bin/compute-sanitizer
commit=$(git rev-parse HEAD 2>/dev/null || sed -n 's/^commit=//p' .deps/source.txt 2>/dev/null || true)
changed=$(git status --porcelain 2>/dev/null | wc -l || true)
[[ -d .git ]] || changed=$(sed -n 's/^changed_files=//p' .deps/source.txt 2>/dev/null || echo '?')

{
  echo "WarpSpeed GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  [[ $has_gpu == 1 ]] || echo "NO GPU HERE: a dry run (builds everything, the tests must report Skipped)"
  echo "gpu (name, driver, memory, cc): $gpu"
  echo "nvcc:     $("$nvcc_bin" --version 2>/dev/null | grep -m1 -E 'release' || echo 'not found')"
  echo "cmake:    $(cmake --version 2>/dev/null | head -n 1)"
  echo "compiler: $({ c++ --version || g++ --version; } 2>/dev/null | head -n 1)"
  echo "glibc:    $(ldd --version 2>/dev/null | head -n 1)"
  echo "cpu:      $(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1), $jobs threads"
  echo "os:       $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}")"
  echo "commit:   ${commit:-unknown} (files changed in the tree: ${changed:-?})"
  echo "sanitizer: ${sanitizer:-not found}"
  echo "budget:   ${budget} s, limits x${scale}, ${jobs} build jobs"
  echo
  echo "steps:"
} | tee "$summary"

# --- Configure ---------------------------------------------------------------------------------------------------
# OpenBLAS travels packed (prepare.sh); unpacked into the build folder, so .deps/ stays small.
blas="$build/openblas"
blas_args=()
if [[ -f .deps/openblas.tar.xz ]]; then
  mkdir -p "$blas"
  unpack() {
    tar -xJf .deps/openblas.tar.xz -C "$blas" 2>/dev/null ||
      python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' .deps/openblas.tar.xz "$blas"
  }
  [[ -f "$blas/lib/openblas-pthread/libopenblas.so" ]] || unpack
  if [[ -f "$blas/lib/openblas-pthread/libopenblas.so" ]]; then
    blas_args=(-DWS_OPENBLAS_INCLUDE_DIR="$blas/include/openblas-pthread"
               -DWS_OPENBLAS_LIBRARY="$blas/lib/openblas-pthread/libopenblas.so")
  fi
fi
# libopenblas needs libgfortran.so.5 and libquadmath.so.0, packed beside it: for linking and running the benchmark.
blas_env=(env "LD_LIBRARY_PATH=$blas/lib/openblas-pthread${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
boost_dir=$(ls -d "$root"/.deps/usr/lib/x86_64-linux-gnu/cmake/Boost-* 2>/dev/null | head -n 1)
[[ -d .deps/usr ]] || echo "warning: no .deps/ (run tools/gpu_check/prepare.sh first); using this system's libraries" |
  tee -a "$summary"

run_step configure 90 "$out/build.log" cmake --preset "$preset" ${boost_dir:+-DBoost_DIR="$boost_dir"} "${blas_args[@]}"
# The configure's answer: WS_OPENBLAS_LIBRARY is a path, or ...-NOTFOUND (then bench_matmul is not a target).
have_blas=0
grep -q '^WS_OPENBLAS_LIBRARY:FILEPATH=/' "$build/CMakeCache.txt" 2>/dev/null && have_blas=1
note="openblas: $(sed -n 's/^WS_OPENBLAS_LIBRARY:FILEPATH=//p' "$build/CMakeCache.txt" 2>/dev/null)"
record configure "$(status_of "$step_rc")" "$step_secs" "$note"
configured=0
[[ $step_rc == 0 && -f "$build/build.ninja" ]] && configured=1

# --- Build -------------------------------------------------------------------------------------------------------
# Exactly what the later steps run: the executables of the [gpu] tests (read from ctest's own files, so a lab added
# with ws_add_lab is included without editing this script) and the benchmarks.
gpu_tests=()   # "name<TAB>executable<TAB>arguments as CMake quoted them"
if [[ $configured == 1 ]]; then
  mapfile -t names < <(ctest --test-dir "$build" -N -L '^gpu$' -LE '^labs$' 2>/dev/null |
                       sed -n 's/^ *Test *#[0-9]*: *//p')
  for name in "${names[@]}"; do
    line=$(grep -rhF --include=CTestTestfile.cmake "add_test([=[$name]=] " "$build" | head -n 1)
    rest=${line#*]=] \"}
    exe=${rest%%\"*}
    args=${rest#*\"}
    args=${args%)}
    [[ -n "$exe" ]] && gpu_tests+=("$name"$'\t'"$exe"$'\t'"$args")
  done
fi
targets=()
for t in "${gpu_tests[@]}"; do exe=$(cut -f2 <<<"$t"); targets+=("$(basename "$exe")"); done
mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -u)
# The reference's benchmark programs of each workload this build configured (no OpenBLAS: no bench_matmul_*; lab 05
# not added yet: no reduce/scan/softmax), and make_starters, which ./course bench asks about the starters.
targets+=(cudacpu_bench make_starters)
for w in "${bench_workloads[@]}"; do
  for b in cuda cudacpu; do
    grep -q "^build bench/bench_${w}_solutions_${b}:" "$build/build.ninja" 2>/dev/null && targets+=("bench_${w}_solutions_${b}")
  done
done
if [[ $configured == 1 ]]; then
  # -k 0: a target that fails to build does not stop the others (its tests then fail, the rest still run).
  run_step build 270 "$out/build.log" "${blas_env[@]}" \
    cmake --build "$build" --parallel "$jobs" --target "${targets[@]}" -- -k 0
  record build "$(status_of "$step_rc")" "$step_secs" "${#targets[@]} targets for sm_90, $jobs jobs"
else
  record build NOT-RUN 0 "the configure failed (build.log)"
fi

# --- Tests -------------------------------------------------------------------------------------------------------
if [[ $configured == 1 ]]; then
  run_step tests 180 "$out/tests.log" ctest --test-dir "$build" -L '^gpu$' -LE '^labs$' --output-on-failure \
    --output-junit "$out/tests-junit.xml"
  total=$(grep -oE 'tests failed out of [0-9]+' "$out/tests.log" | tail -n 1 | grep -oE '[0-9]+$')
  nfail=$(grep -oE '[0-9]+ tests failed out of' "$out/tests.log" | tail -n 1 | grep -oE '^[0-9]+')
  nskip=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*\*\*\*Skipped' "$out/tests.log")
  total=${total:-0} nfail=${nfail:-0}
  npass=$((total - nfail - nskip))
  status=$(status_of "$step_rc")
  if [[ $status == ok && $total == 0 ]]; then status=FAILED; fi
  # With a GPU a Skipped test means the GPU was not usable: that is a failure of the check, not a pass.
  if [[ $status == ok && $has_gpu == 1 && $nskip -gt 0 ]]; then status=FAILED; fi
  [[ $status == ok && $has_gpu == 0 ]] && status=skipped
  record tests "$status" "$step_secs" "$npass passed, $nfail failed, $nskip skipped of $total"
  grep -E '^ *[0-9]+/[0-9]+ Test +#' "$out/tests.log" |
    sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: /      /' >>"$summary"
else
  record tests NOT-RUN 0 "nothing was built"
fi

# --- Benchmarks --------------------------------------------------------------------------------------------------
bench_env=("${blas_env[@]}" WS_PRESET="$preset" WS_SKIP_SETUP=1 WS_GIT_COMMIT="${commit:0:12}")
if [[ $configured == 0 ]]; then
  record bench NOT-RUN 0 "nothing was built"
else
  # The reference and the libraries only (WS_BENCH_REFERENCE_ONLY): labs/ holds the unsolved starters, whose rows
  # would only say so, and building them for sm_90 would cost the build step minutes.
  for w in "${bench_workloads[@]}"; do
    if ! grep -q "^build bench/bench_${w}_solutions_cudacpu:" "$build/build.ninja" 2>/dev/null; then
      record "bench $w" skipped 0 "not configured ($([[ $w == matmul ]] && echo 'no OpenBLAS: prepare.sh packs it' || echo 'its lab is not in this build'))"
      continue
    fi
    size=() limit=60
    case $w in
      matmul) limit=200; [[ $has_gpu == 1 ]] || size=(--max-size 256) ;;  # the CPU side alone at full size: minutes
      scan|softmax) limit=45 ;;
    esac
    run_step "bench $w" "$limit" "$out/bench.log" "${bench_env[@]}" WS_BENCH_REFERENCE_ONLY=1 \
      bash ./course bench "$w" "${size[@]}" --json "$out/bench-$w.json"
    record "bench $w" "$(status_of "$step_rc")" "$step_secs" "$([[ $has_gpu == 1 ]] || echo 'no GPU: the CPU backend')"
  done
  run_step "bench cudacpu" 60 "$out/bench.log" "${bench_env[@]}" bash ./course bench cudacpu
  record "bench cudacpu" "$(status_of "$step_rc")" "$step_secs" "the CPU backend on 1 and $jobs workers"
fi

# --- compute-sanitizer memcheck ----------------------------------------------------------------------------------
# The correctness tests again (not the performance drivers): out-of-bounds and misaligned accesses, leaks, API errors.
if [[ $has_gpu == 0 ]]; then
  record sanitizer skipped 0 "no GPU"
elif [[ -z "$sanitizer" ]]; then
  record sanitizer FAILED 0 "compute-sanitizer not found"
elif [[ ${#gpu_tests[@]} == 0 ]]; then
  record sanitizer NOT-RUN 0 "no test binaries"
else
  clean=0 dirty=0 other=0 secs_all=0 notes=""
  for t in "${gpu_tests[@]}"; do
    IFS=$'\t' read -r name exe args <<<"$t"
    [[ $name == *.perf.* ]] && continue
    eval "argv=($args)"  # the arguments as CMake quoted them in CTestTestfile.cmake, e.g. "[gpu]"
    run_step "memcheck $name" 120 "$out/sanitizer.log" "$sanitizer" --tool memcheck --error-exitcode 99 \
      --print-limit 20 "$exe" "${argv[@]}"
    secs_all=$(awk -v a="$secs_all" -v b="$step_secs" 'BEGIN {printf "%.1f", a + b}')
    case $step_rc in
      0) clean=$((clean + 1)); notes+="      $name: clean"$'\n' ;;
      99) dirty=$((dirty + 1)); notes+="      $name: MEMCHECK ERRORS (sanitizer.log)"$'\n' ;;
      77) other=$((other + 1)); notes+="      $name: SKIPPED, no usable GPU under the sanitizer"$'\n' ;;
      *) other=$((other + 1)); notes+="      $name: $(status_of "$step_rc") (exit $step_rc)"$'\n' ;;
    esac
  done
  status=ok
  ((dirty + other > 0)) && status=FAILED
  record sanitizer "$status" "$secs_all" \
    "$clean clean, $dirty with memcheck errors, $other failed, skipped or timed out"
  printf '%s' "$notes" >>"$summary"
fi

say ""
result=FAIL
[[ $failed == 0 ]] && result=PASS
[[ $failed == 0 && $has_gpu == 0 ]] && result="PASS (dry run: nothing ran on a GPU)"
say "total: $(( $(date +%s) - start_all )) s; result: $result"
say "files: $(cd "$out" && ls | tr '\n' ' ')"
exit "$failed"
