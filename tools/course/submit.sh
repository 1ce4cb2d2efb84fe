# ./course submit NN: pack lab NN's files (exactly those its lab.json lists) into submissions/labNN-<date>.tar.gz.
#
# Refuses when the lab does not build, with the compiler's first error. Never overwrites an earlier submission.
source "$WS_ROOT/tools/course/grade.sh"

cmd_submit() {
  [[ $# -eq 1 && "$1" != -* ]] || ws_die "usage: ./course submit NN   e.g. ./course submit 01"
  local lab_dir tool
  lab_dir=$(ws_lab_dir "$1")
  tool=$(ws_grade_tool)
  "$tool" pack --root "$WS_ROOT" --build "$WS_ROOT/build/grade" --lab "$(basename "$lab_dir")" \
    --from "$lab_dir" --out-dir "$WS_ROOT/submissions"
}
