# ./course bench [NAME] [--json FILE] [--cpu-only] [--quick] [--max-size N] [--max-n N] [--stream]
#
# Times one workload (bench/workloads/NAME.cpp or .cu; docs/bench_results.md): your code in labs/ ("yours") next to
# the reference solution ("reference") and the library yardsticks (OpenBLAS, cuBLAS, CUB, ...), on the same shapes, in
# one results document. Two programs do it: bench_NAME_solutions_<backend> (reference and libraries, and the machine
# record, measured once) and bench_NAME_labs_<backend> (yours, added with --append). A lab of yours that is still the
# generated starter is not timed (make_starters --check --lab NN says so); one whose result is wrong is not timed
# either; one that does not compile leaves your rows out, and the reason is printed.
#
# Without NAME: the list of workloads. `./course bench cudacpu` is the CPU backend's own benchmark.
# The GPU build runs when a usable GPU answers; otherwise the same programs run on the CPU backend, and say so.
# --cpu-only times only the CPU versions (and their yardsticks), so it needs no GPU build at all.
# The document always goes to build/bench/NAME.json (the latest run, which ./course viz opens); --json FILE also
# writes it there. --stream prints WS-PROGRESS / WS-RECORD lines for the visualizer (counted over both programs).
# WS_BENCH_REFERENCE_ONLY=1 times only the reference and the libraries (tools/gpu_check: labs/ holds the starters there).
# WS_PRESET names the build to use (default: default; tools/gpu_check uses gpu-check). WS_GIT_COMMIT, when set, is the
# commit recorded in the results (a copy of the tree without .git cannot ask git).

# bench_workloads: "name<TAB>one line" for each bench/workloads/ file, from its @brief ("name (lab NN): what"), in
# the order of the labs.
bench_workloads() {
  local file name brief
  for file in "$WS_ROOT"/bench/workloads/*.cpp "$WS_ROOT"/bench/workloads/*.cu; do
    [[ -f "$file" ]] || continue
    name=$(basename "$file"); name=${name%.*}
    brief=$(sed -n 's|^/// @brief ||p' "$file" | head -n 1)
    printf '%s\t%s\t%s\n' "$(grep -oE '[0-9]{2}' <<<"$brief" | head -n 1)" "$name" "${brief#"$name "}"
  done | sort -s -k1,1 | cut -f2-
}

# bench_labs BUILD NAME: the numbers of the labs whose lab.json lists workload NAME, as CMake read them
# (BUILD/bench/workload_labs.txt, written by bench/CMakeLists.txt: "<workload> <NN>..." a line).
bench_labs() {
  local line
  [[ -f "$1/bench/workload_labs.txt" ]] || return 0
  while read -r -a line; do
    [[ ${line[0]:-} == "$2" ]] && printf '%s\n' "${line[@]:1}"
  done <"$1/bench/workload_labs.txt"
  return 0
}

cmd_bench() {
  local name="" args=() json="" cpu_only=0 stream=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --json) [[ $# -ge 2 ]] || ws_die "--json needs a file name"
              json="$(realpath -m "$2")"; shift 2 ;;
      --cpu-only) args+=(--cpu-only); cpu_only=1; shift ;;
      --quick) args+=(--quick); shift ;;
      --max-n|--max-size) [[ $# -ge 2 ]] || ws_die "$1 needs a size"
               args+=(--max-size "$2"); shift 2 ;;
      --stream) args+=(--stream); stream=1; shift ;;
      -*) ws_die "unknown option '$1' (usage: ./course bench NAME [--json FILE] [--cpu-only] [--quick] [--max-size N] [--stream])" ;;
      *) [[ -z "$name" ]] || ws_die "one workload at a time (got '$name' and '$1')"
         name="$1"; shift ;;
    esac
  done
  local listing
  listing=$(bench_workloads)
  if [[ -z "$name" ]]; then
    printf 'Usage: ./course bench NAME [--json FILE] [--cpu-only] [--quick] [--max-size N] [--stream]\n\nWorkloads:\n'
    printf '%s\n' "$listing" | awk -F '\t' '{printf "  %-12s %s\n", $1, $2}'
    printf '  %-12s %s\n' cudacpu "the CPU backend itself: a __syncthreads per thread, a tiled matmul, on 1 and all workers"
    return 0
  fi
  if [[ $name != cudacpu ]] && ! cut -f1 <<<"$listing" | grep -qx "$name"; then
    ws_die "no benchmark called '$name'; workloads: $(cut -f1 <<<"$listing" | tr '\n' ' ')cudacpu"
  fi

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
  if [[ $name == matmul ]] && grep -q '^WS_OPENBLAS_LIBRARY:FILEPATH=.*NOTFOUND' "$build/CMakeCache.txt"; then
    ws_die "the matmul benchmark compares against OpenBLAS, which CMake did not find: run ./course setup"
  fi

  if ! grep -q "^build bench/bench_${name}_solutions_cudacpu:" "$build/build.ninja" 2>/dev/null; then
    ws_die "bench_${name} is not in this build: the labs it times ($(bench_labs "$build" "$name" | tr '\n' ' ')) are not" \
      "configured yet (cmake's output in build/.configure-$preset.log says why)"
  fi

  # The backend: the GPU build when there is one and a GPU answers, else the CPU backend.
  local backends=(cudacpu)
  [[ $cpu_only == 0 ]] && ws_have_cuda "$preset" && backends=(cuda cudacpu)
  ws_build "$preset" make_starters "${backends[@]/#/bench_${name}_solutions_}"
  local bin="$build/bench" backend="" rc
  if [[ ${backends[0]} == cuda ]] && ! bench_gpu_answers "$bin/bench_${name}_solutions_cuda"; then
    ws_warn "no usable GPU here (./course doctor says why): timing the CPU backend instead" \
      "(its 'GPU' times are the CPU pretending to be a GPU)"
    backends=(cudacpu)
  fi
  backend=${backends[0]}

  # Your code: built apart, so a lab that does not compile leaves only your rows out.
  local labs_bin="$bin/bench_${name}_labs_${backend}" labs_built=1 labs_log="$WS_ROOT/build/.build-$preset-bench-labs.log"
  local yours=1
  [[ ${WS_BENCH_REFERENCE_ONLY:-0} == 1 ]] && yours=0 labs_built=0
  if [[ $yours == 1 ]]; then
    ws_info "Building your code (bench_${name}_labs_${backend})"
    local build_rc=0
    cmake --build "$build" --target "bench_${name}_labs_${backend}" 2>&1 | ws_progress >"$labs_log" || build_rc=$?
    [[ $build_rc == 0 && -x "$labs_bin" ]] || labs_built=0
  fi

  # Which of the workload's labs are still the pristine starter (not timed: "yours: not implemented yet").
  local starters=() nn
  for nn in $(bench_labs "$build" "$name"); do
    "$build/tools/make_starters/make_starters" --root "$WS_ROOT" --check --lab "$nn" >/dev/null 2>&1 &&
      starters+=("$nn")
  done
  local starter_args=()
  [[ ${#starters[@]} -gt 0 ]] && starter_args=(--starter-labs "$(IFS=,; echo "${starters[*]}")")

  # One document: the reference run writes it, your run adds to it. --stream counts rows over both programs.
  local out="$WS_ROOT/build/bench/$name.json" commit
  mkdir -p "$WS_ROOT/build/bench"
  commit="${WS_GIT_COMMIT:-$(git -C "$WS_ROOT" rev-parse --short HEAD 2>/dev/null || true)}"
  local ref_bin="$bin/bench_${name}_solutions_${backend}" progress_ref=() progress_labs=()
  if [[ $stream == 1 ]]; then
    local n_ref n_labs=0
    n_ref=$("$ref_bin" --count-rows "${args[@]}") || ws_die "$ref_bin --count-rows failed"
    [[ $labs_built == 1 ]] && n_labs=$("$labs_bin" --count-rows "${args[@]}" "${starter_args[@]}")
    progress_ref=(--progress-base 0 --progress-total $((n_ref + n_labs)))
    progress_labs=(--progress-base "$n_ref" --progress-total $((n_ref + n_labs)))
  fi
  rm -f "$out"
  rc=0
  WS_GIT_COMMIT="$commit" "$ref_bin" "${args[@]}" "${progress_ref[@]}" --json "$out" || rc=$?
  [[ $rc == 0 || $rc == 1 ]] || return "$rc"
  if [[ $labs_built == 1 ]]; then
    local rc_labs=0
    WS_GIT_COMMIT="$commit" "$labs_bin" "${args[@]}" "${starter_args[@]}" "${progress_labs[@]}" --append "$out" ||
      rc_labs=$?
    [[ $rc_labs == 0 || $rc_labs == 1 ]] || ws_warn "timing your code stopped (exit $rc_labs): your rows are incomplete"
  elif [[ $yours == 0 ]]; then
    printf '\nyours: not timed (WS_BENCH_REFERENCE_ONLY=1: the reference and the libraries only)\n'
  else
    printf '\nyours: not timed: your code in labs/ does not compile (the first error below; ./course check %s says more)\n' \
      "$(bench_labs "$build" "$name" | head -n 1)"
    grep -E -A8 -m1 ': error|error:' "$labs_log" || tail -n 15 "$labs_log"
  fi
  [[ -n "$json" ]] && { mkdir -p "$(dirname "$json")" && cp "$out" "$json" && ws_info "Wrote $json"; }
  ws_info "The latest results: ${out#"$WS_ROOT"/} (./course viz shows them)"
  return "$rc"
}

# bench_gpu_answers PROGRAM: true when PROGRAM (a cuda bench) finds a usable device (it exits 77 when not).
bench_gpu_answers() {
  local rc=0
  "$1" --probe-device >/dev/null 2>&1 || rc=$?
  [[ $rc == 0 ]]
}
