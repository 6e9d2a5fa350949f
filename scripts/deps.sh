#!/usr/bin/env bash
# deps.sh - install the Debian packages Sounding needs, only those missing.
# usage: scripts/deps.sh [build] [test] [browser] [api] [bench]   (default: build)
set -euo pipefail

want=(build-essential cmake pkg-config libmicrohttpd-dev libsodium-dev libsqlite3-dev libcurl4-openssl-dev
      libcjson-dev libseccomp-dev sqlite3 ca-certificates)
for set in "${@:-build}"; do
  case "$set" in
    build) ;;
    test) want+=(check python3-aiosmtpd clang libclang-rt-14-dev valgrind dpkg-dev man-db groff-base
                 prometheus) ;;  # prometheus: promtool, for it_metrics
    browser) want+=(chromium fonts-wqy-microhei); command -v node >/dev/null || want+=(nodejs); command -v npm >/dev/null || want+=(npm) ;;
    api) command -v node >/dev/null || want+=(nodejs); command -v npm >/dev/null || want+=(npm) ;;
    bench) want+=(wrk valgrind libcurl4-openssl-dev) ;;
    *) echo "deps.sh: unknown set '$set' (build, test, browser, api, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}" >&2
sudo=
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=sudo; else
    echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
