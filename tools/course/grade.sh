# ./course grade NN: grade lab NN as an instructor would (docs/grading.md).
#
#   ./course grade NN                                  your files in labs/NN_*/ (read, never changed)
#   ./course grade NN --submission FILE.tar.gz|FOLDER  a submission from ./course submit, or a Gradescope upload
#   ./course grade NN --batch FOLDER [--out-dir DIR]   every .tar.gz in FOLDER: one results file each + summary.csv
#   --out FILE     where results.json goes (default: ./results.json in the checkout)
#   --gpu auto|yes|no   grade [gpu] tests and performance on the GPU (auto: when there is one)
#   --time-limit S      no test runs longer than S seconds (below the lab's own limits)
#   --time-budget S     all tests of a submission together get S seconds (default: 5 times the reference's, >= 60 s)
#   --only 'TEST|TEST'  grade only these tests (a regrade of one test); the others are "not run"
#
# The work is done by tools/grader (ws_grade), built in the `grade` preset (build/grade): the CPU backend there runs
# with its memory checker, and the graded tree is where submissions are built.

# ws_grade_tool: configures build/grade, builds ws_grade (and ws_run_tests, which records a grade of the learner's own
# files in build/progress.json for ./course start), prints ws_grade's path.
ws_grade_tool() {
  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  ws_build grade ws_grade ws_run_tests >&2
  printf '%s\n' "$WS_ROOT/build/grade/tools/grader/ws_grade"
}

cmd_grade() {
  local nn="" batch="" out_dir="" args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --submission|--out|--gpu|--time-limit|--time-budget|--only)
        [[ $# -ge 2 ]] || ws_die "$1 needs a value"
        args+=("$1" "$2"); shift 2 ;;
      --batch) [[ $# -ge 2 ]] || ws_die "--batch needs a folder"; batch="$2"; shift 2 ;;
      --out-dir) [[ $# -ge 2 ]] || ws_die "--out-dir needs a folder"; out_dir="$2"; shift 2 ;;
      --no-bwrap|--perf-on-cpu-backend) args+=("$1"); shift ;;  # for the grader's own tests
      -*) ws_die "unknown option '$1' (usage: ./course grade NN [--submission FILE] [--out FILE] [--batch FOLDER])" ;;
      *) nn="$1"; shift ;;
    esac
  done
  [[ -n "$nn" ]] || ws_die "which lab? usage: ./course grade NN [--submission FILE.tar.gz] [--out results.json]"
  local lab_dir tool
  lab_dir=$(ws_lab_dir "$nn")
  tool=$(ws_grade_tool)
  local common=(--root "$WS_ROOT" --build "$WS_ROOT/build/grade" --lab "$(basename "$lab_dir")")
  if [[ -n "$batch" ]]; then
    [[ -d "$batch" ]] || ws_die "--batch takes a folder of .tar.gz submissions; '$batch' is not a folder"
    "$tool" batch "${common[@]}" --submissions "$batch" --out-dir "${out_dir:-$batch/results}" "${args[@]}"
  else
    [[ -z "$out_dir" ]] || ws_die "--out-dir goes with --batch; for one submission use --out FILE"
    local rc=0
    "$tool" grade "${common[@]}" "${args[@]}" || rc=$?
    ws_record_grade "$nn" "$lab_dir" "$rc" "${args[@]}"
    return "$rc"
  fi
}

# ws_record_grade NN LAB_DIR RC ARGS...: after grading the learner's own files (no --submission, no --only), records
# the score from results.json in build/progress.json, where ./course start shows it. An instructor's grading of a
# submission or a regrade of one test records nothing.
ws_record_grade() {
  local nn="$1" lab_dir="$2" rc="$3" out="$WS_ROOT/results.json"; shift 3
  [[ $rc == 0 ]] || return 0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --submission|--only) return 0 ;;
      --out) out="$2"; shift ;;
    esac
    shift
  done
  [[ -f "$out" ]] || return 0
  "$WS_ROOT/build/grade/tools/test_report/ws_run_tests" --record-grade "$out" --state "$WS_ROOT/build/progress.json" \
    --lab "$(basename "$lab_dir" | cut -d_ -f1)" --root "$WS_ROOT" ||
    ws_warn "could not record the grade in build/progress.json (./course start will not show it)"
}
