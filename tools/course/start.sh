# ./course start: the learner's main command. Sets up, builds, shows the lessons with each lab's status,
# and names the exact next step.

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
  local lesson nn title lab_dir status mark next_lesson="" next_lab="" next_status=""
  for lesson in "$WS_ROOT"/lessons/[0-9][0-9]_*.md; do
    nn=$(basename "$lesson" | cut -d_ -f1)
    title=$(grep -m1 '^# ' "$lesson" | sed -e 's/^# //' -e 's/ *{#.*}$//' || true)
    lab_dir=$(find "$WS_ROOT/labs" -mindepth 1 -maxdepth 1 -type d -name "${nn}_*" | sort | head -n 1)
    if [[ -z "$lab_dir" ]]; then
      printf '  %-40s %s\n' "$title" "${WS_DIM}read it${WS_RESET}"
      continue
    fi
    status=$(ws_lab_status "$lab_dir")
    case "$status" in
      passing) mark="${WS_GREEN}passing${WS_RESET}" ;;
      "not started") mark="${WS_YELLOW}not started${WS_RESET}" ;;
      *) mark="${WS_RED}${status}${WS_RESET}" ;;
    esac
    printf '  %-40s lab %-22s %s\n' "$title" "${lab_dir#"$WS_ROOT"/labs/}" "$mark"
    if [[ -z "$next_lab" && $status != passing ]]; then
      next_lab="$lab_dir" next_lesson="$lesson" next_status="$status"
    fi
  done

  printf '\n%sNext step%s\n' "$WS_BOLD" "$WS_RESET"
  if [[ -z "$next_lab" ]]; then
    printf '  Every lab passes. Compare your speed with ./course bench vector_add, or revisit a lesson.\n'
    return 0
  fi
  local nn_lab edit_file step=1
  nn_lab=$(basename "$next_lab" | cut -d_ -f1)
  edit_file=$(grep -l "TODO(lab$nn_lab)" "$next_lab"/*.cu "$next_lab"/*.cpp "$next_lab"/*.h 2>/dev/null | head -n 1 || true)
  [[ -n "$edit_file" ]] || edit_file="$next_lab"
  if [[ $nn_lab == 01 && $next_status == "not started" && -f "$WS_ROOT/lessons/00_why_gpus.md" ]]; then
    printf '  %d. Read lessons/00_why_gpus.md and run ./course doctor: your first measurement is this machine.\n' $step
    step=$((step + 1))
  fi
  printf '  %d. Read %s\n' $step "${next_lesson#"$WS_ROOT"/}"
  printf '  %d. Edit %s (look for TODO(lab%s))\n' $((step + 1)) "${edit_file#"$WS_ROOT"/}" "$nn_lab"
  printf '  %d. Run  ./course check %s\n' $((step + 2)) "$nn_lab"
}
