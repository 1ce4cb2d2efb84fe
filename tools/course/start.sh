# ./course start: the learner's main command. Sets up, builds, shows the lessons with each lab's status,
# and names the exact next step.

source "$WS_ROOT/tools/course/check.sh"

# ws_lab_status LAB_DIR: prints "not started", "passing" or "failing N of M".
ws_lab_status() {
  local lab_dir="$1" nn lab bin
  nn=$(basename "$lab_dir" | cut -d_ -f1)
  lab="lab$nn"
  bin="$WS_ROOT/build/default/tests/${lab}_labs_cudacpu_tests"
  if "$WS_ROOT/build/default/tools/make_starters/make_starters" --root "$WS_ROOT" --check --lab "$nn" >/dev/null 2>&1; then
    echo "not started"
    return
  fi
  [[ -x "$bin" ]] || { echo "not built"; return; }
  local total failed out
  total=$("$bin" --list-test-names-only 2>/dev/null | grep -c -v -E '^\s*$' || true)
  out=$(timeout 600 "$bin" --reporter compact 2>&1 || true)
  if printf '%s\n' "$out" | grep -q '^Passed all'; then
    echo "passing"
    return
  fi
  failed=$(printf '%s\n' "$out" | grep -oE '^Failed [0-9]+ test case' | grep -oE '[0-9]+' | tail -n 1)
  echo "failing ${failed:-?} of $total"
}

cmd_start() {
  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  ws_build default

  printf '\n%sWarpSpeed: why and how GPUs accelerate deep learning, built by you.%s\n\n' "$WS_BOLD" "$WS_RESET"
  local lesson next_lesson="" next_lab="" nn title lab_dir status mark
  for lesson in "$WS_ROOT"/lessons/[0-9][0-9]_*.md; do
    nn=$(basename "$lesson" | cut -d_ -f1)
    title=$(grep -m1 '^# ' "$lesson" | sed -e 's/^# //' -e 's/ *{#.*}$//')
    lab_dir=$(ls -d "$WS_ROOT"/labs/"${nn}"_*/ 2>/dev/null | head -n 1)
    if [[ -z "$lab_dir" ]]; then
      printf '  %s  %-44s %s\n' "$nn" "$title" "${WS_DIM}reading${WS_RESET}"
      [[ -z "$next_lesson" && -z "$next_lab" && $nn == 00 ]] && next_lesson="$lesson"
      continue
    fi
    lab_dir="${lab_dir%/}"
    status=$(ws_lab_status "$lab_dir")
    case "$status" in
      passing) mark="${WS_GREEN}passing${WS_RESET}" ;;
      "not started") mark="${WS_YELLOW}not started${WS_RESET}" ;;
      *) mark="${WS_RED}${status}${WS_RESET}" ;;
    esac
    printf '  %s  %-44s lab %s: %s\n' "$nn" "$title" "${lab_dir#"$WS_ROOT"/}" "$mark"
    if [[ -z "$next_lab" && $status != passing ]]; then
      next_lab="$lab_dir"
      next_lesson="$lesson"
    fi
  done

  printf '\n%sNext step%s\n' "$WS_BOLD" "$WS_RESET"
  if [[ -z "$next_lab" ]]; then
    printf '  Every lab passes. Compare your speed with ./course bench, or revisit a lesson.\n'
    return 0
  fi
  local nn_lab main_file
  nn_lab=$(basename "$next_lab" | cut -d_ -f1)
  main_file=$(grep -l "TODO(lab$nn_lab)" "$next_lab"/* 2>/dev/null | head -n 1)
  [[ -z "$main_file" ]] && main_file=$(ls "$next_lab"/*.cu 2>/dev/null | head -n 1)
  local first_lesson="$WS_ROOT/lessons/00_why_gpus.md"
  if [[ $nn_lab == 01 && "$(ws_lab_status "$next_lab")" == "not started" && -f "$first_lesson" ]]; then
    printf '  1. Read %s and run ./course doctor: it measures this machine.\n' "${first_lesson#"$WS_ROOT"/}"
    printf '  2. Read %s\n' "${next_lesson#"$WS_ROOT"/}"
    printf '  3. Edit %s (look for TODO(lab%s))\n' "${main_file#"$WS_ROOT"/}" "$nn_lab"
    printf '  4. Run  ./course check %s\n' "$nn_lab"
  else
    printf '  1. Read %s\n' "${next_lesson#"$WS_ROOT"/}"
    printf '  2. Edit %s (look for TODO(lab%s))\n' "${main_file#"$WS_ROOT"/}" "$nn_lab"
    printf '  3. Run  ./course check %s\n' "$nn_lab"
  fi
}
