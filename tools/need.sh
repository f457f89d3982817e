#!/usr/bin/env bash
# What `make test` needs from the system, checked in its first second (`make deps`).
#
# The tests start real peers and a real browser: Debian's chromium and websocketd,
# Node.js with npm (the `ws` peer), the openssl command (the test PKI), and a Python
# that can make a venv. As root with apt-get, whatever is missing is installed; otherwise
# this stops at once with the one command that installs it (not after minutes of tests).
#
# Usage: tools/need.sh [PYTHON]   (PYTHON: the interpreter `make` makes .venv with)
set -euo pipefail

py="${1:-python3}"
venv="${VENV:-.venv}"

missing=() # Debian package names
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || missing+=(chromium)
have websocketd || missing+=(websocketd)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have openssl || missing+=(openssl)
if [[ ! -x "$venv/bin/python" ]] && ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv) # Debian's python3 makes no venv without it
fi

((${#missing[@]})) || exit 0

if [[ "$(id -u)" == 0 ]] && have apt-get; then
  echo "make: installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

if have apt-get; then
  command="sudo apt-get install ${missing[*]}"
else
  command="install ${missing[*]} with your system's package manager (Debian names)"
fi
cat >&2 <<EOF
make: the tests need ${missing[*]}, which this machine does not have,
and only root can install them. Run:

    $command

then \`make test\` again.
EOF
exit 1
