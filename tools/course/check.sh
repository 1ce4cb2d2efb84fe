# ./course check NN [--check memory|races]: build lab NN from the learner's files and run its tests.
#
# Kernels run on the GPU when there is a usable one, otherwise on the CPU backend; the output says which.

# The tests run through ws_run_tests (tools/test_report): it reads the binary's Catch2 XML report and the sanitizers'
# output, prints the failed checks, and records the result in build/progress.json, which ./course start shows.

# ws_check_tests PRESET LAB_NN EXE FILTER PART: runs one test binary's FILTER test cases as part PART (gpu or cpu) of
# lab LAB_NN. Returns ws_run_tests' exit code (77 = the binary found no GPU; nothing is recorded then).
ws_check_tests() {
  local preset="$1" nn="$2" exe="$3" filter="$4" part="$5"
  # ThreadSanitizer makes the tests 5-15x slower: lab 03's GPU tests with a race in the tiled kernel ran past 600 s
  # on a busy 2-core machine and were stopped as "a kernel or loop that never ends?". (Deadlocks and spinning on a
  # flag nobody sets are reported by the backend itself, without waiting for this limit.)
  local timeout=600
  [[ $preset == check-races ]] && timeout=1800
  "$WS_ROOT/build/$preset/tools/test_report/ws_run_tests" --exe "$exe" --filter "$filter" --timeout "$timeout" \
    --root "$WS_ROOT" --state "$WS_ROOT/build/progress.json" --lab "$nn" --part "$part"
}

# ws_check_build PRESET LAB_NN TARGET...: builds the targets with ws_run_tests; when the lab does not compile, records
# that in the progress file (for ./course start) and stops with the compiler's first error.
ws_check_build() {
  local preset="$1" nn="$2"; shift 2
  if ! (ws_build "$preset" ws_run_tests "$@"); then
    local tool="$WS_ROOT/build/$preset/tools/test_report/ws_run_tests"
    [[ -x "$tool" ]] && "$tool" --record-build-failed --state "$WS_ROOT/build/progress.json" --lab "$nn" \
      --root "$WS_ROOT" || true
    exit 1
  fi
}

cmd_check() {
  local nn="" mode=none
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --check) mode="${2:-}"; shift 2 || ws_die "--check needs memory or races" ;;
      --check=*) mode="${1#--check=}"; shift ;;
      -*) ws_die "unknown option '$1' (usage: ./course check NN [--check memory|races])" ;;
      *) nn="$1"; shift ;;
    esac
  done
  [[ -n "$nn" ]] || ws_die "which lab? usage: ./course check NN [--check memory|races]   e.g. ./course check 01"
  [[ "$mode" =~ ^(none|memory|races)$ ]] || ws_die "--check takes memory or races, not '$mode'"

  local lab_dir lab
  lab_dir=$(ws_lab_dir "$nn")
  lab="lab$(basename "$lab_dir" | cut -d_ -f1)"
  local preset=default
  [[ $mode != none ]] && preset="check-$mode"

  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  # A lab without .cu files is CPU-only (the same rule as cmake/WsLab.cmake): one test binary, [cpu] tests only.
  if ! compgen -G "$lab_dir/*.cu" >/dev/null; then
    ws_configure "$preset"
    ws_check_build "$preset" "${lab#lab}" "${lab}_labs_tests"
    printf '\n%sLab %s: %s%s\n' "$WS_BOLD" "${lab#lab}" "${lab_dir#"$WS_ROOT"/}" "$WS_RESET"
    printf '  CPU tests:\n'
    local rc=0
    ws_check_tests "$preset" "${lab#lab}" "$WS_ROOT/build/$preset/tests/${lab}_labs_tests" "[cpu]" cpu || rc=$?
    ws_check_verdict "$lab" "$lab_dir" "$rc" ""
    return
  fi
  local targets=("${lab}_labs_cudacpu_tests")
  ws_configure "$preset"
  local have_cuda=0
  ws_have_cuda "$preset" && have_cuda=1
  [[ $have_cuda == 1 ]] && targets+=("${lab}_labs_cuda_tests")
  ws_check_build "$preset" "${lab#lab}" "${targets[@]}"

  local bin="$WS_ROOT/build/$preset/tests"
  local rc_gpu=0 rc_cpu=0 backend=cudacpu
  printf '\n%sLab %s: %s%s\n' "$WS_BOLD" "${lab#lab}" "${lab_dir#"$WS_ROOT"/}" "$WS_RESET"
  if [[ $have_cuda == 1 ]]; then
    printf '  GPU tests on the GPU:\n'
    ws_check_tests "$preset" "${lab#lab}" "$bin/${lab}_labs_cuda_tests" "[gpu]" gpu || rc_gpu=$?
    if [[ $rc_gpu == 77 ]]; then
      printf '  No usable GPU here, so your kernels run on the CPU backend instead (./course doctor explains).\n'
      rc_gpu=0
    else
      backend=cuda
    fi
  fi
  if [[ $backend == cudacpu ]]; then
    local how="the CPU backend"
    [[ $mode != none ]] && how="the CPU backend with the $mode checker"
    printf '  GPU tests on %s:\n' "$how"
    ws_check_tests "$preset" "${lab#lab}" "$bin/${lab}_labs_cudacpu_tests" "[gpu]" gpu || rc_gpu=$?
  fi
  printf '  CPU tests:\n'
  ws_check_tests "$preset" "${lab#lab}" "$bin/${lab}_labs_cudacpu_tests" "[cpu]" cpu || rc_cpu=$?

  local rc=0
  [[ $rc_gpu == 0 && $rc_cpu == 0 ]] || rc=1
  ws_check_verdict "$lab" "$lab_dir" "$rc" "$backend"
}

# ws_check_verdict LAB LAB_DIR RC BACKEND: the closing line of ./course check; BACKEND is empty for a CPU-only lab.
ws_check_verdict() {
  local lab="$1" lab_dir="$2" rc="$3" backend="$4"
  if [[ $rc == 0 ]]; then
    if [[ -z $backend ]]; then
      printf '\n%sLab %s passes.%s\n' "$WS_GREEN" "${lab#lab}" "$WS_RESET"
    else
      printf '\n%sLab %s passes%s (kernels ran on %s).\n' "$WS_GREEN" "${lab#lab}" "$WS_RESET" "$backend"
      [[ $backend == cudacpu ]] && printf 'Passing on the CPU backend means correct, not fast: run it on a GPU to see the speed.\n'
    fi
    return 0
  fi
  printf '\n%sLab %s does not pass yet.%s Edit the files in %s (look for TODO(%s)) and run ./course check %s again.\n' \
    "$WS_RED" "${lab#lab}" "$WS_RESET" "${lab_dir#"$WS_ROOT"/}" "$lab" "${lab#lab}"
  return 1
}
