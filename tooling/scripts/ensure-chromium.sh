# Sourced by tooling/scripts/test.sh: makes sure the browser tests have a Chromium and exports
# CHROMIUM_PATH. Installs Debian's package when it can; otherwise says what to install and fails.

ensure_chromium() {
  local path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$path" ] && [ -z "${CHROMIUM_PATH:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ensure-chromium: installing Chromium from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -x "$path" ]; then
    echo "The browser tests need Chromium at $path: install Debian's chromium package (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable." >&2
    return 1
  fi
  export CHROMIUM_PATH="$path"
}
