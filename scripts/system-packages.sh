#!/usr/bin/env bash
# Install the Debian packages Bình Yên uses, only those missing. Without root it names
# them and goes on: the features that need them are then unavailable.
#   gettext               compiles the interface translations (compiled .mo files are committed too)
#   libpango*, harfbuzz   WeasyPrint draws the PDF review documents with them
#   fonts-liberation2     Liberation Serif (Times New Roman metrics, every Vietnamese letter) for documents
#   postgresql            the production database (tests run on it in CI)
#   chromium              headless browser for the browser tests (CI)
set -u
want=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2)
[ "${WITH_POSTGRES:-0}" = 1 ] && want+=(postgresql)
[ "${WITH_BROWSER:-0}" = 1 ] && want+=(chromium)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]} (install them as root: apt-get install ${missing[*]}); going on without them." >&2
  exit 0
fi
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
status=$?
rm -f /usr/sbin/policy-rc.d
[ $status -eq 0 ] || echo "Could not install ${missing[*]}; going on without them." >&2
exit 0
