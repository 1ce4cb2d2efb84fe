# ./course nvcc-cpu: builds any small CUDA program for the CPU backend, a drop-in for nvcc.
#
#   ./course nvcc-cpu FILE.cu [more .cu/.cpp/.o] -o EXE [nvcc flags] [--check memory|races]
#
# Each .cu is translated by ws_cudacpu_translate (line numbers kept, so errors name your file) and compiled with g++
# against the CPU backend's stand-in CUDA headers; the program links the runtime library ws_cudacpu. Both come from
# the build of the preset `./course check --check <mode>` uses (build/cpu-only, build/check-memory or build/check-races). GPU-only
# nvcc flags (-arch, -gencode, -G, -lineinfo, ...) are accepted and ignored. Sourced by ./course; self-contained
# except for the message helpers of lib.sh, which it defines itself when they are missing.

# Prints the usage to stdout.
_nvcc_cpu_usage() {
  cat <<'USAGE'
Usage: ./course nvcc-cpu FILE.cu [FILE.cu|FILE.cpp|FILE.o ...] [-o EXE] [flags] [--check memory|races]

Builds a CUDA program for the CPU backend (no GPU needed), like nvcc would for a GPU.

  -o FILE               the program (default a.out), or the object with -c
  -c                    compile only: one .o per input
  -O0 -O1 -O2 -O3 -g    passed to g++ (default -O2, or -O1 with --check)
  -I DIR, -D NAME[=V], -U NAME, -L DIR, -l LIB, -x cu
  -std=c++17            the default, as with nvcc; c++20 and newer also work
  -Xcompiler A,B        passed to g++;  -Xlinker A,B: passed to the linker
  --check memory        AddressSanitizer: out-of-bounds and use-after-free in kernels and host code
  --check races         ThreadSanitizer: data races between CUDA threads
  --keep                keep the translated files (printed) instead of deleting them
  -v, --verbose         print every command
GPU-only flags are accepted and ignored: -arch, -gencode, -code, -G, -lineinfo, -rdc, --expt-relaxed-constexpr,
--extended-lambda, -Xptxas, -use_fast_math, -res-usage, -Wno-deprecated-gpu-targets, -cudart, -lcudart, ...
Any other flag goes to g++ as it is (with a note).
USAGE
}

# Runs "$@", echoing it first when verbose.
_nvcc_cpu_run() {
  if [[ ${_nvcc_cpu_verbose:-0} == 1 ]]; then
    printf '+' >&2
    printf ' %q' "$@" >&2
    printf '\n' >&2
  fi
  "$@"
}

# _nvcc_cpu_tools MODE: builds the translator and runtime for MODE (once, in the preset ./course check --check MODE
# uses: cpu-only, check-memory or check-races) and sets _nvcc_cpu_translator, _nvcc_cpu_runtime, _nvcc_cpu_includes
# and _nvcc_cpu_defines from build/<preset>/cudacpu-tools.txt.
_nvcc_cpu_tools() {
  local mode="$1" root="$2" preset=cpu-only
  [[ $mode != none ]] && preset="check-$mode"
  local dir="$root/build/$preset"
  command -v cmake >/dev/null || ws_die "cmake is not installed (./course setup installs what the course needs)"
  ws_configure "$preset" >&2
  local log="$dir/nvcc-cpu.log"
  if ! _nvcc_cpu_run cmake --build "$dir" --target ws_cudacpu ws_cudacpu_translate >"$log" 2>&1; then
    grep -E -m1 -A12 'error' "$log" >&2 || tail -n 30 "$log" >&2
    ws_die "could not build the CPU backend runtime and translator (log: $log)"
  fi
  local info="$dir/cudacpu-tools.txt"
  [[ -f "$info" ]] || ws_die "$info is missing: the build did not describe the CPU backend (is common/cudacpu built?)"
  _nvcc_cpu_translator="" _nvcc_cpu_runtime="" _nvcc_cpu_includes=() _nvcc_cpu_defines=()
  local key value
  while IFS='=' read -r key value; do
    [[ -n "$value" ]] || continue
    case "$key" in
      translator) _nvcc_cpu_translator="$value" ;;
      runtime) _nvcc_cpu_runtime="$value" ;;
      include) _nvcc_cpu_includes+=("$value") ;;
      define) _nvcc_cpu_defines+=("$value") ;;
    esac
  done <"$info"
  [[ -x "$_nvcc_cpu_translator" ]] || ws_die "the translator was not built ($info)"
  [[ -f "$_nvcc_cpu_runtime" ]] || ws_die "the runtime library ws_cudacpu was not built ($info)"
}

cmd_nvcc_cpu() {
  # lib.sh provides these; defined here too so this file works on its own.
  declare -F ws_error >/dev/null || ws_error() { printf 'error: %s\n' "$*" >&2; }
  declare -F ws_warn >/dev/null || ws_warn() { printf 'warning: %s\n' "$*" >&2; }
  declare -F ws_info >/dev/null || ws_info() { printf '==> %s\n' "$*" >&2; }
  declare -F ws_die >/dev/null || ws_die() { ws_error "$*"; exit 1; }
  local root="${WS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

  local output="" mode=none compile_only=0 keep=0 all_cu=0 std="c++17" opt=""  # nvcc's default dialect
  local sources=() objects=() cxxflags=() ldflags=() libs=() passed=()
  _nvcc_cpu_verbose=0
  # Flags nvcc takes with a separate value that mean nothing on the CPU.
  local ignored_with_value='^(-arch|--gpu-architecture|-gencode|--generate-code|-code|--gpu-code|-Xptxas|--ptxas-options|-Xnvlink|--nvlink-options|-cudart|--cudart|-rdc|--relocatable-device-code|-maxrregcount|--maxrregcount|-ccbin|--compiler-bindir|-t|--threads|-Xcudafe|-Xfatbin|-Xarchive)$'
  local ignored='^(-G|--device-debug|-lineinfo|--generate-line-info|--expt-relaxed-constexpr|--expt-extended-lambda|--extended-lambda|-use_fast_math|--use_fast_math|-res-usage|--resource-usage|-Wno-deprecated-gpu-targets|-Wno-deprecated-declarations|-dc|-dlink|--device-c|--device-link|-lcudart|-lcudart_static|-lcuda|-lcudadevrt|-m64|--keep-device-functions|-src-in-ptx|--source-in-ptx|--display-error-number|-restrict|--restrict|-Werror=all-warnings|--Werror=all-warnings)$'

  while [[ $# -gt 0 ]]; do
    local arg="$1"
    shift
    case "$arg" in
      -h|--help) _nvcc_cpu_usage; return 0 ;;
      -o|--output-file)
        [[ $# -gt 0 ]] || ws_die "$arg needs a file name"
        output="$1"; shift ;;
      --output-file=*|-o=*) output="${arg#*=}" ;;
      --check)
        [[ $# -gt 0 ]] || ws_die "--check needs memory or races"
        mode="$1"; shift ;;
      --check=*) mode="${arg#--check=}" ;;
      -c|--compile) compile_only=1 ;;
      --keep|-keep) keep=1 ;;
      -v|--verbose) _nvcc_cpu_verbose=1 ;;
      -x|--x)
        [[ $# -gt 0 ]] || ws_die "$arg needs a language"
        [[ "$1" == cu ]] && all_cu=1
        shift ;;
      -x=cu|--x=cu) all_cu=1 ;;
      -O|-O[0-3s]|-Ofast) opt="$arg" ;;
      -g|-g[0-3]|-ggdb|--debug) cxxflags+=(-g) ;;
      -std=*|--std=*)
        std="${arg#*=}"
        case "$std" in
          c++17|c++1z|c++20|c++2a|c++23|c++2b|c++26|c++2c|gnu++17|gnu++20|gnu++23) ;;
          c++03|c++11|c++14|gnu++11|gnu++14)
            ws_warn "the CPU backend needs C++17 or newer; compiling as C++17 instead of $std"
            std="c++17" ;;
          *) ws_die "unknown language standard '$std' (nvcc takes c++11, c++14, c++17 or c++20)" ;;
        esac ;;
      --std)
        [[ $# -gt 0 ]] || ws_die "--std needs a standard"
        set -- "--std=$1" "${@:2}" ;;
      -I|-D|-U|-isystem|-include|--include-path|--define-macro|--undefine-macro|--pre-include)
        [[ $# -gt 0 ]] || ws_die "$arg needs a value"
        case "$arg" in
          --include-path) arg=-I ;;
          --define-macro) arg=-D ;;
          --undefine-macro) arg=-U ;;
          --pre-include) arg=-include ;;
        esac
        cxxflags+=("$arg" "$1"); shift ;;
      --include-path=*) cxxflags+=("-I${arg#*=}") ;;
      --define-macro=*) cxxflags+=("-D${arg#*=}") ;;
      -I*|-D*|-U*) cxxflags+=("$arg") ;;
      -L|--library-path)
        [[ $# -gt 0 ]] || ws_die "$arg needs a directory"
        ldflags+=("-L$1"); shift ;;
      --library-path=*) ldflags+=("-L${arg#*=}") ;;
      -L*) ldflags+=("$arg") ;;
      -l|--library)
        [[ $# -gt 0 ]] || ws_die "$arg needs a library name"
        set -- "-l$1" "${@:2}" ;;
      --library=*) set -- "-l${arg#*=}" "$@" ;;
      -Xcompiler|--compiler-options|-Xlinker|--linker-options)
        [[ $# -gt 0 ]] || ws_die "$arg needs a value"
        local item items
        IFS=',' read -r -a items <<<"$1"
        shift
        for item in "${items[@]}"; do
          if [[ $arg == -Xcompiler || $arg == --compiler-options ]]; then
            cxxflags+=("$item")
          else
            ldflags+=("-Wl,$item")
          fi
        done ;;
      -Xcompiler=*|--compiler-options=*) set -- -Xcompiler "${arg#*=}" "$@" ;;
      -Xlinker=*|--linker-options=*) set -- -Xlinker "${arg#*=}" "$@" ;;
      -*)
        if [[ $arg =~ $ignored ]]; then
          :
        elif [[ $arg =~ $ignored_with_value ]]; then
          [[ $# -gt 0 ]] && shift
        elif [[ ${arg%%=*} =~ $ignored_with_value || ${arg%%=*} =~ $ignored ]]; then
          :  # -arch=sm_80, -gencode=arch=compute_80,code=sm_80, -rdc=true, ...
        elif [[ $arg =~ ^-arch(sm|compute)_ || $arg =~ ^-(sm|compute)_ ]]; then
          :
        elif [[ $arg == -l* ]]; then
          libs+=("$arg")
        else
          passed+=("$arg")
        fi ;;
      *)
        [[ -f "$arg" ]] || ws_die "no such file: $arg"
        case "$arg" in
          *.cu) sources+=("$arg") ;;
          *.cpp|*.cc|*.cxx|*.C|*.c++|*.c) sources+=("$arg") ;;
          *.o|*.a|*.so|*.so.*) objects+=("$arg") ;;
          *) ws_die "don't know what to do with '$arg' (expected .cu, .cpp, .c, .o or .a files)" ;;
        esac ;;
    esac
  done

  [[ "$mode" =~ ^(none|memory|races)$ ]] || ws_die "--check takes memory or races, not '$mode'"
  [[ ${#sources[@]} -gt 0 || ${#objects[@]} -gt 0 ]] || { _nvcc_cpu_usage >&2; ws_die "no input files"; }
  if [[ $compile_only == 1 && -n "$output" && ${#sources[@]} -gt 1 ]]; then
    ws_die "-c with -o takes one input file (got ${#sources[@]})"
  fi
  if [[ ${#passed[@]} -gt 0 ]]; then
    ws_warn "not an nvcc flag this command knows, passed to g++ as it is: ${passed[*]}"
  fi

  local check_flags=()
  case "$mode" in
    memory) check_flags=(-fsanitize=address -fno-omit-frame-pointer -g) ;;
    races) check_flags=(-fsanitize=thread -fno-omit-frame-pointer -g) ;;
  esac
  if [[ -z "$opt" ]]; then
    opt=-O2
    [[ $mode != none ]] && opt=-O1  # sanitizer reports stay readable, and the program still runs at a fair speed
  fi

  _nvcc_cpu_tools "$mode" "$root"

  local cxx="${CXX:-g++}"
  command -v "$cxx" >/dev/null || ws_die "$cxx is not installed (./course setup installs what the course needs)"
  # The runtime's stand-in headers come first, so even -I/usr/local/cuda/include cannot shadow cuda_runtime.h;
  # the toolkit's CCCL (Thrust, libcu++) comes last, built for the host with Thrust's C++ device system.
  local flags=("-std=$std" "$opt")
  local d
  for d in "${_nvcc_cpu_includes[@]}"; do flags+=("-I$d"); done
  for d in "${_nvcc_cpu_defines[@]}"; do flags+=("-D$d"); done
  flags+=("${cxxflags[@]}" "${passed[@]}" "${check_flags[@]}")
  # (Without a toolkit, Debian's libthrust-dev in /usr/include, which the compiler searches anyway; CUB is always
  # the stand-in, whose headers come first.) The same choice as ws_link_cccl in cmake/WsCudaCpu.cmake.
  local cccl=/usr/local/cuda/include/cccl
  if [[ -d "$cccl" ]]; then
    flags+=(-isystem "$cccl" -DTHRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP)
  elif [[ -f /usr/include/thrust/version.h ]]; then
    flags+=(-DTHRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP)
  fi

  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/nvcc-cpu.XXXXXX") || ws_die "cannot create a temporary folder"
  if [[ $keep == 0 ]]; then
    # shellcheck disable=SC2064  # expand now: $work is local
    trap "rm -rf '$work'" EXIT
  fi

  local translate_includes=() i
  for d in "${_nvcc_cpu_includes[@]}"; do translate_includes+=(--standin "$d"); done
  for ((i = 0; i < ${#cxxflags[@]}; i++)); do
    case "${cxxflags[i]}" in
      -I|-iquote) translate_includes+=(-I "${cxxflags[i + 1]}"); i=$((i + 1)) ;;
      -I*) translate_includes+=(-I "${cxxflags[i]#-I}") ;;
    esac
  done

  local src n=0 built=()
  for src in "${sources[@]}"; do
    n=$((n + 1))
    local abs base obj
    abs="$(cd "$(dirname "$src")" && pwd)/$(basename "$src")"
    base="$(basename "$src")"
    if [[ $compile_only == 1 ]]; then
      obj="${output:-${base%.*}.o}"  # nvcc's default: x.cu -> x.o in the current folder
    else
      obj="$work/$n-${base%.*}.o"
    fi
    if [[ $src == *.cu || $all_cu == 1 ]]; then
      local cpp="$work/$n-$base.cpp"
      # Headers included with quotes that hold kernels or __shared__ are translated too (next to $cpp); the
      # translator resolves them like g++ does: next to the including file, then in the -I folders.
      _nvcc_cpu_run "$_nvcc_cpu_translator" "$abs" -o "$cpp" "${translate_includes[@]}" || exit 1
      [[ $keep == 1 ]] && ws_info "translated $src -> $cpp"
      # -iquote: #include "x.h" next to the .cu still works from the translated copy in the temporary folder.
      _nvcc_cpu_run "$cxx" "${flags[@]}" -iquote "$(dirname "$abs")" -c "$cpp" -o "$obj" || exit 1
    elif [[ $src == *.c ]]; then
      _nvcc_cpu_run "${CC:-gcc}" "$opt" "${cxxflags[@]}" "${check_flags[@]}" -c "$src" -o "$obj" || exit 1
    else
      _nvcc_cpu_run "$cxx" "${flags[@]}" -c "$src" -o "$obj" || exit 1
    fi
    built+=("$obj")
  done
  [[ $compile_only == 1 ]] && return 0

  _nvcc_cpu_run "$cxx" "${built[@]}" "${objects[@]}" -o "${output:-a.out}" "${check_flags[@]}" "${ldflags[@]}" \
    "$_nvcc_cpu_runtime" "${libs[@]}" -lboost_context -pthread || exit 1
  [[ $keep == 1 ]] && ws_info "kept the translated files in $work"
  return 0
}
