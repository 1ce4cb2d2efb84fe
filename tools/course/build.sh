# ./course build: build everything with the default preset.

cmd_build() {
  source "$WS_ROOT/tools/course/setup.sh"
  cmd_setup --if-needed
  ws_build default "$@"
  ws_info "Built into build/default"
}
