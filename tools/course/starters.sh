# ./course starters: regenerate labs/ from solutions/.

cmd_starters() {
  ws_build default make_starters
  "$WS_ROOT/build/default/tools/make_starters/make_starters" --root "$WS_ROOT" "$@"
}
