# ./course start: the learner's main command. Sets up, builds, shows the lessons with each lab's status,
# and names the exact next step.

# It never runs a test: each lab's state comes from the progress file that ./course check and ./course grade keep
# (build/progress.json, read by ws_run_tests --show-state, tools/test_report), and "not started" from make_starters
# (the lab's files are still the generated starters). So it stays instant however many labs there are.

cmd_start() {
  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  ws_build default make_starters ws_run_tests   # only the two tools start needs, never the labs

  # "NN<TAB>status" for every lab: passing, failing N of M, does not build, not checked yet, ... (progress.hpp)
  local -A recorded=()
  local number state
  while IFS=$'\t' read -r number state; do
    recorded[$number]="$state"
  done < <("$WS_ROOT/build/default/tools/test_report/ws_run_tests" --show-state "$WS_ROOT/build/progress.json" \
             --root "$WS_ROOT")

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
    number=$(basename "$lab_dir" | cut -d_ -f1)
    if "$WS_ROOT/build/default/tools/make_starters/make_starters" --root "$WS_ROOT" --check --lab "$number" \
         >/dev/null 2>&1; then
      status="not started"
    else
      status="${recorded[$number]:-not checked yet}"
    fi
    case "$status" in
      passing | "passing, graded"*) mark="${WS_GREEN}${status}${WS_RESET}" ;;
      passing* | "not started" | "not checked yet"*) mark="${WS_YELLOW}${status}${WS_RESET}" ;;
      *) mark="${WS_RED}${status}${WS_RESET}" ;;
    esac
    printf '  %-40s lab %-22s %s\n' "$title" "${lab_dir#"$WS_ROOT"/labs/}" "$mark"
    if [[ -z "$next_lab" && $status != passing* ]]; then
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
