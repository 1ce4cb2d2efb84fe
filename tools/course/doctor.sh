# @file doctor.sh
# @brief `./course doctor`: explains this machine to a learner (CPU, tools, GPU, backend, advice).
#
# The real work is in the C++ tool ws_doctor (tools/doctor/), which needs no CUDA toolkit to build. This file
# finds or builds it, and when even that is impossible (no cmake or no compiler yet) prints a short bash-only
# report that points at `./course setup`. Sourced by `course`; the repository root is in $WS_ROOT.
#
#   ./course doctor            the report
#   ./course doctor --json     the same facts as JSON (progress messages go to stderr, so stdout stays JSON)
#   ./course doctor --errors   the common CUDA errors and their fixes
#   ./course doctor --ascii    plain ASCII marks (the default when the locale is not UTF-8)

# The doctor's own messages go to stderr, so `./course doctor --json > machine.json` stays valid JSON.
# (Written for `set -euo pipefail`, which `course` uses, and for macOS's bash 3.2: no ${x,,}, no bare "${a[@]}".)
_ws_doctor_say() { printf '==> %s\n' "$*" >&2; }

# True unless configuring build/default failed before and nothing that could fix it changed since.
_ws_doctor_worth_configuring() {
  local root=$1 stamp=$2
  [[ -f $stamp ]] || return 0
  [[ -f /var/lib/dpkg/status && /var/lib/dpkg/status -nt $stamp ]] && return 0
  [[ -n $(find "$root" -maxdepth 3 -path "$root/build" -prune -o \
            \( -name CMakeLists.txt -o -name '*.cmake' -o -name CMakePresets.json \) -newer "$stamp" -print 2>/dev/null \
          | head -n 1) ]]
}

# Prints the path of an up-to-date ws_doctor, building it when needed; fails when it cannot.
_ws_doctor_executable() {
  local root=$1
  local build="$root/build/default"
  local standalone="$root/build/doctor"
  local log exe
  if ! command -v cmake >/dev/null 2>&1; then
    # Without cmake a binary from an earlier build is still better than the bash report.
    for exe in "$build/tools/doctor/ws_doctor" "$standalone/ws_doctor"; do
      [[ -x $exe ]] && { printf '%s\n' "$exe"; return 0; }
    done
    return 1
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/ws_doctor_build.XXXXXX") || return 1

  # 1. The default build, configured on first use (as ./course build would). A no-op rebuild costs ~0.1 s.
  #    A configure that failed is retried only once something that could fix it changed (a CMake file, or an
  #    installed package), so a broken configure does not cost every doctor run 20 seconds.
  local failed_stamp="$standalone/.default-configure-failed"
  if [[ ! -f $build/CMakeCache.txt || ( ! -f $build/build.ninja && ! -f $build/Makefile ) ]] &&
     _ws_doctor_worth_configuring "$root" "$failed_stamp"; then
    _ws_doctor_say "doctor: configuring build/default to build ws_doctor (log: $log)"
    # The same configure as every other command (tools/course/lib.sh); its log is build/.configure-default.log.
    ws_try_configure default 2>>"$log" || { mkdir -p "$standalone" && : >"$failed_stamp"; }
  fi
  if [[ -f $build/build.ninja || -f $build/Makefile ]] && cmake --build "$build" --target ws_doctor >>"$log" 2>&1 &&
     [[ -x $build/tools/doctor/ws_doctor ]]; then
    rm -f "$log"
    printf '%s\n' "$build/tools/doctor/ws_doctor"
    return 0
  fi

  # 2. The doctor on its own: it must work exactly when the full project does not configure (Catch2 missing,
  #    cmake too old, a half-edited CMakeLists.txt), since that is when a learner needs it.
  if [[ ! -x $standalone/ws_doctor ]]; then
    _ws_doctor_say "doctor: building ws_doctor on its own in build/doctor (build/default cannot build it yet)…"
  fi
  local generator=-GUnix\ Makefiles
  command -v ninja >/dev/null 2>&1 && generator=-GNinja
  [[ -f $standalone/CMakeCache.txt ]] && generator=-Wno-dev  # the generator of an existing build cannot change
  if cmake -S "$root/tools/doctor" -B "$standalone" "$generator" >>"$log" 2>&1 &&
     cmake --build "$standalone" >>"$log" 2>&1 && [[ -x $standalone/ws_doctor ]]; then
    rm -f "$log"
    printf '%s\n' "$standalone/ws_doctor"
    return 0
  fi
  _ws_doctor_say "doctor: could not build ws_doctor; the last lines of $log:"
  tail -n 15 "$log" >&2
  return 1
}

_ws_doctor_utf8() {
  case ${LC_ALL:-${LC_CTYPE:-${LANG:-}}} in
    *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) return 0 ;;
    *) return 1 ;;
  esac
}

# The bash-only report: enough to see what is missing before `./course setup` has run.
_ws_doctor_fallback() {
  local json=0 arg ok='✓' no='✗' warn='!' missing=()
  _ws_doctor_utf8 || { ok='[ok]'; no='[no]'; warn='[!!]'; }
  for arg in "$@"; do
    case $arg in
      --json) json=1 ;;
      --ascii) ok='[ok]'; no='[no]'; warn='[!!]' ;;
    esac
  done

  local cpu="" cores mem_kib=0 os=""
  if [[ $(uname -s) == Darwin ]]; then
    cpu=$(sysctl -n machdep.cpu.brand_string 2>/dev/null)
    cores=$(sysctl -n hw.ncpu 2>/dev/null)
    mem_kib=$(( $(sysctl -n hw.memsize 2>/dev/null || echo 0) / 1024 ))
    os="macOS $(sw_vers -productVersion 2>/dev/null)"
  else
    cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
    cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
    mem_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)
    os=$(. /etc/os-release 2>/dev/null && printf '%s' "${PRETTY_NAME:-${NAME:-}}")
  fi

  # Each row: name|found|required.
  local -a rows=()
  _ws_doctor_have() { command -v "$1" >/dev/null 2>&1; }
  _ws_doctor_header() {
    local dir
    for dir in /usr/include /usr/local/include /opt/homebrew/include; do [[ -e $dir/$1 ]] && return 0; done
    return 1
  }
  local name found required
  for name in g++ cmake ninja Catch2 Boost.Context doxygen nvcc nvidia-smi; do
    required=0
    case $name in
      g++|cmake) required=1; _ws_doctor_have "$name" && found=1 || found=0 ;;
      Catch2) required=1; _ws_doctor_header catch2/catch.hpp && found=1 || found=0 ;;
      Boost.Context) required=1; _ws_doctor_header boost/context/fiber.hpp && found=1 || found=0 ;;
      nvcc) { _ws_doctor_have nvcc || [[ -x /usr/local/cuda/bin/nvcc ]]; } && found=1 || found=0 ;;
      *) _ws_doctor_have "$name" && found=1 || found=0 ;;
    esac
    rows+=("$name|$found|$required")
    if (( required && !found )); then missing+=("$name"); fi
  done

  if (( json )); then
    printf '{\n  "schema": "ws-doctor/1",\n  "fallback": true,\n'
    printf '  "machine": {"cpu_model": "%s", "logical_cpus": %s, "memory_bytes": %s, "os": "%s"},\n' \
      "${cpu//\"/}" "${cores:-0}" "$(( ${mem_kib:-0} * 1024 ))" "${os//\"/}"
    printf '  "tools": ['
    local sep="" row
    for row in "${rows[@]}"; do
      IFS='|' read -r name found required <<<"$row"
      printf '%s\n    {"name": "%s", "found": %s, "required": %s}' "$sep" "$name" \
        "$([[ $found == 1 ]] && echo true || echo false)" "$([[ $required == 1 ]] && echo true || echo false)"
      sep=","
    done
    printf '\n  ],\n  "course_ready": %s\n}\n' "$([[ ${#missing[@]} == 0 ]] && echo true || echo false)"
  else
    printf 'WarpSpeed doctor (short report: ws_doctor could not be built yet)\n\nThis machine\n'
    printf '    CPU       %s, %s cores\n' "${cpu:-unknown CPU}" "${cores:-?}"
    printf '    Memory    %s GiB\n' "$(awk -v k="${mem_kib:-0}" 'BEGIN {printf "%.1f", k / 1048576}')"
    printf '    OS        %s\n\nTools\n' "${os:-$(uname -sr)}"
    local row
    for row in "${rows[@]}"; do
      IFS='|' read -r name found required <<<"$row"
      if [[ $found == 1 ]]; then
        printf '  %s %s\n' "$ok" "$name"
      elif [[ $required == 1 ]]; then
        printf '  %s %s missing (the course needs it)\n' "$no" "$name"
      else
        printf '  %s %s not installed (optional)\n' "$warn" "$name"
      fi
    done
    printf '\n'
    if [[ $(uname -s) == Darwin ]]; then
      printf 'macOS has no CUDA: the labs run on the cudacpu backend (see docs/cudacpu.md).\n'
    fi
    if (( ${#missing[@]} > 0 )); then
      printf '%s Missing: %s. Run ./course setup, then ./course doctor for the full report.\n' "$no" "${missing[*]}"
    else
      printf 'Run ./course setup, then ./course doctor for the full report.\n'
    fi
  fi
  unset -f _ws_doctor_have _ws_doctor_header
  (( ${#missing[@]} == 0 ))
}

cmd_doctor() {
  local root=${WS_ROOT:?WS_ROOT is not set}
  local args=() arg
  for arg in "$@"; do
    case $arg in
      errors|--errors) args+=(--errors) ;;
      json) args+=(--json) ;;
      -h|--help|help)
        sed -n 's/^#   //p' "$root/tools/course/doctor.sh"
        return 0 ;;
      *) args+=("$arg") ;;
    esac
  done
  local exe rc=0
  if ! exe=$(_ws_doctor_executable "$root"); then
    _ws_doctor_fallback ${args[@]+"${args[@]}"} || rc=$?
    return "$rc"
  fi
  # Exit status: 0 unless something the course needs (g++, cmake, Catch2, Boost.Context) is missing or too old.
  "$exe" --root "$root" ${args[@]+"${args[@]}"} || rc=$?
  return "$rc"
}
