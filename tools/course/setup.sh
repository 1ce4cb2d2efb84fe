# ./course setup: install the Debian/Ubuntu packages the course needs.

cmd_setup() {
  local if_needed=0
  [[ "${1:-}" == "--if-needed" ]] && if_needed=1
  # WS_SKIP_SETUP=1: the libraries come from elsewhere (tools/gpu_check's .deps/ on a machine without network).
  [[ $if_needed == 1 && "${WS_SKIP_SETUP:-0}" == 1 ]] && return 0
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    ws_warn "./course setup installs packages with apt-get (Debian/Ubuntu); this system has no apt-get."
    ws_warn "Install these yourself (names are Debian's): ${WS_PACKAGES[*]}"
    return 0
  fi
  local missing
  mapfile -t missing < <(ws_missing_packages)
  if [[ ${#missing[@]} -eq 0 ]]; then
    [[ $if_needed == 1 ]] || ws_info "All packages the course needs are installed: ${WS_PACKAGES[*]}"
    return 0
  fi
  local sudo=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || ws_die "installing ${missing[*]} needs root, and sudo is not installed. As root, run:
    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    sudo=(sudo)
  fi
  ws_info "Installing ${#missing[@]} package(s) the course needs. The exact command:"
  printf '    %s\n' "${sudo[*]}${sudo:+ }apt-get install -y --no-install-recommends ${missing[*]}"
  # A fresh machine has no package lists yet; an update first avoids "Unable to locate package".
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || ws_die "apt-get update failed (no network or no package sources?)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || ws_die "apt-get install failed; see its message above"
  ws_info "Installed: ${missing[*]}"
}
