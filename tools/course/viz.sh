# ./course viz [--results FILE]... [--panel NAME] [--screenshot OUT.png] [--size WxH]: build and open the visualizer.
#
# Without --results it opens build/bench/*.json: the learner's latest `./course bench NAME` runs (each run writes
# its whole document to build/bench/NAME.json). When there is none yet, it first times the CPU matmul versions
# quickly (`./course bench matmul --cpu-only --max-n 512`, which writes build/bench/matmul.json). It never falls
# back to the committed samples in bench/results/: give those with --results. A screenshot runs under xvfb-run; so
# does a run without a display, which renders the panel to build/viz/screenshot.png.

cmd_viz() {
  local args=() have_results=0 screenshot=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --results|--panel|--size)
        [[ $# -ge 2 ]] || ws_die "$1 needs a value"
        if [[ $1 == --results ]]; then
          [[ -f "$2" ]] || ws_warn "no file '$2' (the visualizer will say so too)"
          args+=("$1" "$(realpath -m "$2")"); have_results=1
        else
          args+=("$1" "$2")
        fi
        shift 2 ;;
      --screenshot)
        [[ $# -ge 2 ]] || ws_die "--screenshot needs a file name, e.g. --screenshot dashboard.png"
        args+=(--screenshot "$(realpath -m "$2")"); screenshot=1; shift 2 ;;
      -h|--help)
        printf 'usage: ./course viz [--results FILE]... [--panel NAME] [--screenshot OUT.png] [--size WxH]\n'
        printf 'panels: dashboard, roofline, compare, live, explorer. Keys: Ctrl+1..5 switch panels, Esc quits.\n'
        return 0 ;;
      *) ws_die "unknown option '$1' (usage: ./course viz [--results FILE]... [--panel NAME] [--screenshot OUT.png])" ;;
    esac
  done

  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  ws_configure default
  local latest="$WS_ROOT/build/bench" need_bench=0
  if [[ $have_results == 0 ]] && ! compgen -G "$latest/*.json" >/dev/null; then
    need_bench=1
  fi
  ws_build default ws_viz
  local viz="$WS_ROOT/build/default/visualizer/ws_viz"
  [[ -x "$viz" ]] || ws_die "the visualizer was not built: CMake did not find Dear ImGui, GLFW or OpenGL.
    Run ./course setup (it installs libimgui-dev libglfw3-dev libstb-dev), then try again."

  if [[ $need_bench == 1 ]]; then
    ws_info "No benchmark run of yours in ${latest#"$WS_ROOT"/}/ yet: timing the CPU matmul versions first"
    ws_info "(N up to 512, about a minute; ./course bench NAME times any workload, and ./course viz shows the latest)"
    source "$WS_ROOT/tools/course/bench.sh"
    (cmd_bench matmul --cpu-only --max-n 512) \
      || ws_die "the quick benchmark failed (message above); ./course viz --results FILE shows a file you have"
    compgen -G "$latest/*.json" >/dev/null \
      || ws_die "the quick benchmark ran but wrote nothing to ${latest#"$WS_ROOT"/}/ (expected matmul.json);
    ./course viz --results FILE shows a file you have (bench/results/ has recorded ones)"
  fi
  if [[ $have_results == 0 ]]; then
    # ws_viz without --results opens every file of <root>/build/bench/, newest first.
    ws_info "showing your latest runs: $(cd "$latest" && printf '%s ' *.json)"
  fi

  local runner=()
  if [[ $screenshot == 1 || -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    command -v xvfb-run >/dev/null \
      || ws_die "no display here, and xvfb-run is not installed to render without one: run ./course setup"
    runner=(xvfb-run -a -s "-screen 0 1280x720x24")
    if [[ $screenshot == 0 ]]; then
      # No window can be shown: render the panel to a picture instead of running an invisible app.
      local out="$WS_ROOT/build/viz/screenshot.png"
      mkdir -p "$(dirname "$out")"
      ws_warn "no display (DISPLAY is not set): rendering the panel to ${out#"$WS_ROOT"/} instead of opening a window"
      args+=(--screenshot "$out")
    fi
  fi
  "${runner[@]}" "$viz" --root "$WS_ROOT" "${args[@]}"
}
