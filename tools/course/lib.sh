# Helpers shared by the ./course commands. Sourced, never run.

# Colours only on a terminal.
if [[ -t 1 ]]; then
  WS_BOLD=$'\e[1m' WS_RED=$'\e[31m' WS_GREEN=$'\e[32m' WS_YELLOW=$'\e[33m' WS_DIM=$'\e[2m' WS_RESET=$'\e[0m'
else
  WS_BOLD='' WS_RED='' WS_GREEN='' WS_YELLOW='' WS_DIM='' WS_RESET=''
fi

ws_info()  { printf '%s==>%s %s\n' "$WS_BOLD" "$WS_RESET" "$*"; }
ws_warn()  { printf '%swarning:%s %s\n' "$WS_YELLOW" "$WS_RESET" "$*" >&2; }
ws_error() { printf '%serror:%s %s\n' "$WS_RED" "$WS_RESET" "$*" >&2; }
ws_die()   { ws_error "$*"; exit 1; }

# Packages the course needs, Debian names. Keep in sync with what CMake finds.
WS_PACKAGES=(g++ cmake ninja-build catch2 libboost-context-dev doxygen libopenblas-dev bubblewrap nlohmann-json3-dev
             libthrust-dev zlib1g-dev libimgui-dev libglfw3-dev libstb-dev xvfb xauth fonts-dejavu-core clang-14 libclang-rt-14-dev)

# Prints the packages of WS_PACKAGES that are not installed (empty when all are).
ws_missing_packages() {
  local pkg
  for pkg in "${WS_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# ws_try_configure PRESET: configures build/PRESET once (cmake re-runs itself later when CMakeLists change); on
# failure returns 1 and leaves cmake's output in build/.configure-PRESET.log. Every ./course command that needs a
# build configures through here (or ws_configure), doctor and nvcc-cpu included. Messages go to stderr, so a
# command's stdout (doctor --json) stays clean.
ws_try_configure() {
  local preset="$1" dir="$WS_ROOT/build/$1"
  [[ -f "$dir/CMakeCache.txt" && -f "$dir/build.ninja" ]] && return 0
  ws_info "Configuring (cmake --preset $preset)" >&2
  mkdir -p "$WS_ROOT/build" || return 1  # a fresh clone has none (it is ignored)
  (cd "$WS_ROOT" && cmake --preset "$preset" >"$WS_ROOT/build/.configure-$preset.log" 2>&1)
}

# ws_configure PRESET: ws_try_configure, or dies showing cmake's log.
ws_configure() {
  local preset="$1"
  ws_try_configure "$preset" && return 0
  [[ -f "$WS_ROOT/build/.configure-$preset.log" ]] && cat "$WS_ROOT/build/.configure-$preset.log" >&2
  ws_die "cmake could not configure the build (log above). Try ./course doctor."
}

# ws_build PRESET [TARGET...]: configures if needed and builds, with the compiler's output only on failure.
ws_build() {
  local preset="$1"; shift
  ws_configure "$preset"
  local target_args=()
  [[ $# -gt 0 ]] && target_args=(--target "$@")
  ws_info "Building (preset $preset${*:+: $*})"
  local log="$WS_ROOT/build/.build-$preset.log"
  if ! cmake --build "$WS_ROOT/build/$preset" "${target_args[@]}" 2>&1 | ws_progress >"$log"; then
    # Show the first error, not a wall of text: learners fix the first one first.
    grep -n -m1 -E 'error|Error' "$log" >/dev/null && ws_error "the build failed. The first error:"
    grep -E -A12 -m1 ': error|error:|Error ' "$log" >&2 || tail -n 30 "$log" >&2
    ws_die "build failed (full log: ${log#"$WS_ROOT"/})"
  fi
}

# ws_have_cuda PRESET: true when that (configured) build makes the native CUDA backend.
ws_have_cuda() {
  grep -q '^WS_HAVE_CUDA:INTERNAL=ON' "$WS_ROOT/build/$1/CMakeCache.txt"
}

# ws_progress: passes a ninja log through, showing "[done/total]" on one terminal line while it runs.
ws_progress() {
  local line shown=0
  while IFS= read -r line; do
    printf '%s\n' "$line"
    if [[ -t 2 && "$line" =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
      printf '\r    [%s/%s] compiling...' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" >&2
      shown=1
    fi
  done
  [[ $shown == 1 ]] && printf '\r\e[K' >&2
  return 0
}

# ws_lab_dir NN: prints labs/NN_name for a lab number (or dies with the list of labs).
ws_lab_dir() {
  local nn="$1" dirs
  [[ "$nn" =~ ^[0-9]+$ ]] || ws_die "a lab is named by its number, e.g. 01 (got '$nn')"
  nn=$(printf '%02d' "$((10#$nn))")
  dirs=("$WS_ROOT"/labs/"${nn}"_*/)
  [[ -d "${dirs[0]}" ]] || ws_die "there is no lab $nn. Labs: $(cd "$WS_ROOT/labs" && ls -d [0-9]*_* | tr '\n' ' ')"
  printf '%s\n' "${dirs[0]%/}"
}
