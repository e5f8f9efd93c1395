#!/usr/bin/env bash
# Installs Chromium from Debian apt for the dashboard's browser test (tests/e2e/dashboard.test.mjs, driven by npm
# playwright-core with executablePath=/usr/bin/chromium; Playwright never downloads a browser). Does nothing when
# Chromium is already there (CHROMIUM_PATH or /usr/bin/chromium). Uses sudo only when not root and sudo exists.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: Chromium is missing and apt-get is not available; install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y --no-install-recommends -qq chromium >/dev/null
"${CHROMIUM_PATH:-/usr/bin/chromium}" --version
