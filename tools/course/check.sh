# ./course check NN [--check memory|races]: build lab NN from the learner's files and run its tests.
#
# Kernels run on the GPU when there is a usable one, otherwise on the CPU backend; the output says which.

# ws_run_tests EXE FILTER: runs one Catch2 binary quietly; prints the first failures and a summary line.
# Returns the binary's exit code (77 = no GPU).
ws_run_tests() {
  local exe="$1" filter="$2" out rc=0
  out=$(timeout 600 "$exe" "$filter" --reporter compact --order decl 2>&1) || rc=$?
  if [[ $rc == 77 ]]; then
    printf '%s\n' "$out"
    return 77
  fi
  if [[ $rc == 124 ]]; then
    ws_error "the tests did not finish in 600 s: a kernel or loop that never ends?"
    return 1
  fi
  if printf '%s\n' "$out" | grep -q -E 'ERROR: AddressSanitizer|WARNING: ThreadSanitizer'; then
    ws_sanitizer_summary <<<"$out"
    return 1
  fi
  # compact reporter: one line per failed assertion; make paths relative and keep the first few.
  local failures
  failures=$(printf '%s\n' "$out" | grep -E ': failed: |: FAILED|cudacpu: error|error: ' | sed "s|$WS_ROOT/||g")
  if [[ -n "$failures" ]]; then
    local count
    count=$(printf '%s\n' "$failures" | wc -l)
    printf '%s\n' "$failures" | head -n 8 | sed 's/^/    /'
    [[ $count -gt 8 ]] && printf '    ... and %d more failed checks\n' "$((count - 8))"
  fi
  if [[ $rc != 0 && -z "$failures" ]]; then
    printf '%s\n' "$out" | tail -n 15 | sed 's/^/    /'   # a crash: show how it ended
  fi
  printf '  %s\n' "$(printf '%s\n' "$out" | grep -E '^(Passed|Failed|No tests ran)' | tail -n 1)"
  return "$rc"
}

# ws_sanitizer_summary: reads an AddressSanitizer/ThreadSanitizer report and prints what a learner needs: the
# kind of bug, the access, the frames in the learner's files (labs/ or solutions/) and the summary line.
ws_sanitizer_summary() {
  local line frames=0
  while IFS= read -r line; do
    case "$line" in
      *"ERROR: AddressSanitizer"*|*"WARNING: ThreadSanitizer"*)
        printf '    %s\n' "$(sed -E 's/^==[0-9]+==//; s/ at pc .*//; s/ \(pid=[0-9]+\)//' <<<"$line")" ;;
      "READ of size"*|"WRITE of size"*|"  Read of size"*|"  Write of size"*|"  Previous read"*|"  Previous write"*)
        printf '    %s\n' "$(sed -E 's/^ +//; s/ at 0x[0-9a-f]+//; s/ (by )?thread .*//' <<<"$line")"
        frames=0 ;;
      *" #"[0-9]*" in "*/labs/*|*" #"[0-9]*" in "*/solutions/*)
        if [[ $frames -lt 2 ]]; then
          printf '      at %s\n' "$(sed -E "s|^ *#[0-9]+ 0x[0-9a-f]+ in ||; s|$WS_ROOT/||" <<<"$line")"
          frames=$((frames + 1))
        fi ;;
      "SUMMARY: "*)
        printf '    %s\n' "$(sed "s|$WS_ROOT/||" <<<"$line")"
        return 0 ;;
    esac
  done
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
    ws_build "$preset" "${lab}_labs_tests"
    printf '\n%sLab %s: %s%s\n' "$WS_BOLD" "${lab#lab}" "${lab_dir#"$WS_ROOT"/}" "$WS_RESET"
    printf '  CPU tests:\n'
    local rc=0
    ws_run_tests "$WS_ROOT/build/$preset/tests/${lab}_labs_tests" "[cpu]" || rc=$?
    ws_check_verdict "$lab" "$lab_dir" "$rc" ""
    return
  fi
  local targets=("${lab}_labs_cudacpu_tests")
  ws_configure "$preset"
  local have_cuda=0
  ws_have_cuda "$preset" && have_cuda=1
  [[ $have_cuda == 1 ]] && targets+=("${lab}_labs_cuda_tests")
  ws_build "$preset" "${targets[@]}"

  local bin="$WS_ROOT/build/$preset/tests"
  local rc_gpu=0 rc_cpu=0 backend=cudacpu
  printf '\n%sLab %s: %s%s\n' "$WS_BOLD" "${lab#lab}" "${lab_dir#"$WS_ROOT"/}" "$WS_RESET"
  if [[ $have_cuda == 1 ]]; then
    printf '  GPU tests on the GPU:\n'
    ws_run_tests "$bin/${lab}_labs_cuda_tests" "[gpu]" || rc_gpu=$?
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
    ws_run_tests "$bin/${lab}_labs_cudacpu_tests" "[gpu]" || rc_gpu=$?
  fi
  printf '  CPU tests:\n'
  ws_run_tests "$bin/${lab}_labs_cudacpu_tests" "[cpu]" || rc_cpu=$?

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
