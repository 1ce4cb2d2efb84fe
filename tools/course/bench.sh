# ./course bench NAME [--json FILE] [--cpu-only] [--max-n N] [--stream]: time a workload with the reference solutions.
#
# The GPU build runs when a usable GPU answers; otherwise the same program runs on the CPU backend, and says so.
# --cpu-only times only the CPU versions (and their library yardsticks), so it needs no GPU build at all.
# matmul only: --max-n N stops at size N; --stream prints WS-PROGRESS / WS-RECORD lines for the visualizer
# (docs/bench_results.md).
# WS_PRESET names the build to use (default: default; tools/gpu_check uses gpu-check). WS_GIT_COMMIT, when set, is the
# commit recorded in the results (a copy of the tree without .git cannot ask git).

cmd_bench() {
  local name="" args=() matmul_only=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --json) [[ $# -ge 2 ]] || ws_die "--json needs a file name"
              args+=(--json "$(realpath -m "$2")"); shift 2 ;;
      --cpu-only) args+=(--cpu-only); shift ;;
      --max-n) [[ $# -ge 2 ]] || ws_die "--max-n needs a size"
               args+=(--max-n "$2"); matmul_only=1; shift 2 ;;
      --stream) args+=(--stream); matmul_only=1; shift ;;
      -*) ws_die "unknown option '$1' (usage: ./course bench NAME [--json FILE] [--cpu-only] [--max-n N] [--stream])" ;;
      *) name="$1"; shift ;;
    esac
  done
  local workloads="vector_add matmul cudacpu"
  [[ -n "$name" ]] || ws_die "which workload? usage: ./course bench NAME [--json FILE]; workloads: $workloads"
  [[ " $workloads " == *" $name "* ]] || ws_die "no benchmark called '$name'; workloads: $workloads"
  [[ $matmul_only == 0 || $name == matmul ]] || ws_die "--max-n and --stream are options of ./course bench matmul"

  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  local preset="${WS_PRESET:-default}"
  local build="$WS_ROOT/build/$preset"
  ws_configure "$preset"
  if [[ $name == cudacpu ]]; then
    # The CPU backend itself: barrier cost per thread and a tiled matmul, on 1 worker and on all of them.
    ws_build "$preset" cudacpu_bench
    local workers
    for workers in 1 "$(nproc)"; do
      ws_info "CPU backend with WS_CPU_THREADS=$workers"
      WS_CPU_THREADS=$workers "$build/tests/cudacpu/cudacpu_bench"
    done
    return 0
  fi
  local targets=("bench_${name}_cudacpu") have_cuda=0 cpu_only=0
  [[ " ${args[*]} " == *" --cpu-only "* ]] && cpu_only=1
  [[ $cpu_only == 0 ]] && ws_have_cuda "$preset" && have_cuda=1
  [[ $have_cuda == 1 ]] && targets+=("bench_${name}_cuda")
  if [[ $name == matmul ]] && grep -q '^WS_OPENBLAS_LIBRARY:FILEPATH=.*NOTFOUND' "$build/CMakeCache.txt"; then
    ws_die "the matmul benchmark compares against OpenBLAS, which CMake did not find: run ./course setup"
  fi
  ws_build "$preset" "${targets[@]}"

  local bin="$build/bench" rc=0 commit
  commit="${WS_GIT_COMMIT:-$(git -C "$WS_ROOT" rev-parse --short HEAD 2>/dev/null || true)}"
  if [[ $have_cuda == 1 ]]; then
    WS_GIT_COMMIT="$commit" "$bin/bench_${name}_cuda" "${args[@]}" || rc=$?
    [[ $rc == 0 ]] && return 0
    [[ $rc == 77 ]] || return "$rc"
    ws_warn "no usable GPU here (./course doctor says why): timing the CPU backend instead" \
      "(its 'GPU' times are the CPU pretending to be a GPU)"
  fi
  WS_GIT_COMMIT="$commit" "$bin/bench_${name}_cudacpu" "${args[@]}"
}
