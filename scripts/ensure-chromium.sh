#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it when it is missing and we
# may (root with apt); otherwise say loudly that the browser tests will skip.
set -u
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo ">>> Chromium is missing: installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/alims-apt.log 2>&1 \
    && { echo ">>> Chromium installed"; exit 0; }
  echo ">>> apt-get could not install chromium (see /tmp/alims-apt.log)"
fi
echo "=================================================================="
echo "  Chromium is not installed: the browser (e2e) tests will be SKIPPED."
echo "  Install it with: sudo apt-get install chromium"
echo "=================================================================="
exit 1
