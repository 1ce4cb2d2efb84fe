# ./course test: the project's whole test suite, exactly what CI runs (.ci/run calls this and nothing else).

cmd_test() {
  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  ws_build ci
  ws_info "Testing (ctest --preset ci: solutions pass, starters fail, tools and docs check out)"
  (cd "$WS_ROOT" && ctest --preset ci --parallel "$(nproc)" "$@")
}
