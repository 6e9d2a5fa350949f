#!/usr/bin/env bash
# tests/package/run.sh BUILD_DIR VERSION - install and package checks on an existing
# build tree (ctest: package.install).
#
#  1. `cmake --install BUILD_DIR --prefix TMP`: every file in place, nothing written
#     outside TMP, TMP/bin/collector and tally --version print VERSION, the unit's
#     paths point into TMP.
#  2. The man pages render without a warning (man --warnings).
#  3. The unit passes `systemd-analyze verify`, and `systemd-analyze security`
#     rates it 2.0 or better (skipped, with a message, without systemd-analyze).
#  4. With cpack and dpkg-deb, on a build tree that is up to date (else it
#     fails, naming what cpack would rebuild under the other tests):
#     `cpack -G DEB` into TMP; Depends names the libraries, the package holds
#     the programs, man pages, docs and unit, and the unit's paths are /usr/bin
#     and /etc.
# Installs nothing into the system; removes TMP on exit.
set -euo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR VERSION}" && pwd)
version=${2:?usage: run.sh BUILD_DIR VERSION}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/snd-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
skip() { echo "skip: $*"; }

# ---- 1. cmake --install into a temporary prefix ----
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install"; exit 1; }
# Every path install() reported, and every line of the manifest, lies in the prefix.
if grep -E '^-- (Installing|Up-to-date|Keeping): ' "$tmp/install.log" | grep -v -- " $prefix/" >&2; then
  fail "cmake --install wrote outside $prefix (above)"
fi
if grep -v "^$prefix/" "$build/install_manifest.txt" >&2; then
  fail "install_manifest.txt names files outside $prefix (above)"
fi
unit=$prefix/lib/systemd/system/sounding-collector.service
for f in bin/collector bin/tally \
         share/man/man1/collector.1 share/man/man1/tally.1 share/man/man5/sounding-form.5 \
         share/doc/sounding/README.md share/doc/sounding/operations.md \
         share/doc/sounding/security.md share/doc/sounding/schema.md \
         share/doc/sounding/forms/README.md share/doc/sounding/forms/lsg-review.json \
         share/doc/sounding/forms/lsg-review-r2.json \
         lib/systemd/system/sounding-collector.service etc/default/sounding-collector \
         etc/sounding/README; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
[ -x "$prefix/bin/collector" ] && [ -x "$prefix/bin/tally" ] || fail "programs not executable"
for p in collector tally; do
  got=$("$prefix/bin/$p" --version 2>&1) || fail "$p --version exited $?"
  [ "$got" = "$p (sounding) $version" ] ||
    fail "$p --version says '$got', project() says $version"
done
grep -qx "ExecStart=$prefix/bin/collector serve .*" "$unit" || fail "ExecStart does not run $prefix/bin/collector"
grep -qx "EnvironmentFile=$prefix/etc/default/sounding-collector" "$unit" || fail "EnvironmentFile is not under $prefix/etc"
grep -q "@SND_" "$unit" && fail "placeholders left in the unit"
# Installing again keeps the administrator's settings file.
echo '# edited' >>"$prefix/etc/default/sounding-collector"
cmake --install "$build" --prefix "$prefix" >"$tmp/install2.log" 2>&1 || fail "second cmake --install"
grep -q '^# edited$' "$prefix/etc/default/sounding-collector" || fail "a second install overwrote etc/default/sounding-collector"
[ "$fails" -eq 0 ] && ok "cmake --install into a temporary prefix; --version prints $version"

# ---- 2. man pages ----
if command -v man >/dev/null; then
  for page in "$prefix"/share/man/man1/collector.1 "$prefix"/share/man/man1/tally.1 \
              "$prefix"/share/man/man5/sounding-form.5; do
    warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || fail "man -l $page exited $?"
    [ -z "$warn" ] || fail "man --warnings on $(basename "$page"):"$'\n'"$warn"
    for s in NAME SYNOPSIS DESCRIPTION 'EXIT STATUS|DIAGNOSTICS' FILES EXAMPLES 'SEE ALSO'; do
      MANWIDTH=80 man -l "$page" 2>/dev/null | grep -Eq "^($s)\$" || fail "$(basename "$page") has no section $s"
    done
  done
  # Every subcommand in collector --help / tally --help has its own part of the page.
  for c in keygen issue 'token verify' revoke 'roll import' 'roll list' mail close open status check serve; do
    MANWIDTH=80 man -l "$prefix/share/man/man1/collector.1" 2>/dev/null | grep -Eq "^   $c( |\$)" ||
      fail "collector.1 does not describe '$c'"
  done
  for c in summary export report trend verify merge turnout; do
    MANWIDTH=80 man -l "$prefix/share/man/man1/tally.1" 2>/dev/null | grep -Eq "^   $c( |\$)" ||
      fail "tally.1 does not describe '$c'"
  done
  # Every option a --help names is in the page.
  check_opts() { # PAGE PROGRAM [SUBCOMMAND...]
    local page=$1 text opt; shift
    text=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
    for opt in $("$@" --help 2>&1 | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
      grep -qF -- "$opt" <<<"$text" || fail "$(basename "$page") lacks $opt (from: $* --help)"
    done
  }
  check_opts "$prefix/share/man/man1/collector.1" "$prefix/bin/collector"
  for c in keygen issue token revoke roll mail close open status check serve; do
    check_opts "$prefix/share/man/man1/collector.1" "$prefix/bin/collector" "$c"
  done
  check_opts "$prefix/share/man/man1/tally.1" "$prefix/bin/tally"
  for c in summary export report trend verify merge turnout; do
    check_opts "$prefix/share/man/man1/tally.1" "$prefix/bin/tally" "$c"
  done
  ok "man pages render without warnings and cover every command and option"
else
  skip "man not installed (Debian: man-db): man pages not rendered"
fi

# ---- 3. the unit ----
if command -v systemd-analyze >/dev/null; then
  # Documentation=man:... is checked by running man: let it find the new pages.
  if out=$(MANPATH="$prefix/share/man" systemd-analyze verify "$unit" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify"
  else
    fail "systemd-analyze verify $unit:"$'\n'"$out"
  fi
  if systemd-analyze security --offline=true --threshold=20 "$unit" >"$tmp/security.txt" 2>&1; then
    ok "systemd-analyze security: $(grep -o 'Overall exposure level.*' "$tmp/security.txt")"
  else
    cat "$tmp/security.txt" >&2
    fail "systemd-analyze security rates the unit above 2.0 (or failed)"
  fi
else
  skip "systemd-analyze not found (Debian: systemd): unit not verified"
fi

# ---- 4. the .deb ----
if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
  # cpack installs through the build tree's `preinstall` target, which (with
  # Makefiles) first brings `all` up to date: on sources changed since the
  # build it would relink collector and tally while the tests ctest runs
  # beside this one exec them (they fail with 127), single-threaded, within
  # this test's timeout.  Package the tree as built, or say why not.
  stale=$(cmake --build "$build" --target preinstall -- -n 2>/dev/null |
          grep -oE '(Building|Linking) C [a-z]+ [^"]*' | head -3 || true)
  if [ -n "$stale" ]; then
    fail "the build tree is out of date (run cmake --build first); cpack would rebuild:"$'\n'"$stale"
    exit 1
  fi
  cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/cpack" >"$tmp/cpack.log" 2>&1 ||
    { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB"; exit 1; }
  deb=$(ls "$tmp"/cpack/sounding_"$version"_*.deb 2>/dev/null | head -1)
  if [ -z "$deb" ]; then
    cat "$tmp/cpack.log" >&2; fail "cpack made no sounding_${version}_*.deb"
  else
    depends=$(dpkg-deb -f "$deb" Depends)
    echo "Depends: $depends"
    for lib in libmicrohttpd12 libsodium23 libsqlite3-0 libcjson1; do
      grep -Eq "(^|, )$lib( |,|\$)" <<<"$depends" || fail "Depends lacks $lib"
    done
    dpkg-deb -I "$deb" >/dev/null || fail "dpkg-deb -I"
    dpkg-deb -c "$deb" >"$tmp/contents.txt"
    for f in ./usr/bin/collector ./usr/bin/tally ./usr/share/man/man1/collector.1 \
             ./usr/share/man/man1/tally.1 ./usr/share/man/man5/sounding-form.5 \
             ./usr/share/doc/sounding/README.md ./lib/systemd/system/sounding-collector.service \
             ./etc/default/sounding-collector; do
      grep -q " $f\$" "$tmp/contents.txt" || fail "the .deb lacks $f"
    done
    dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles 2>/dev/null |
      grep -qx /etc/default/sounding-collector || fail "/etc/default/sounding-collector is not a conffile"
    dpkg-deb -x "$deb" "$tmp/root"
    u=$tmp/root/lib/systemd/system/sounding-collector.service
    grep -qx 'ExecStart=/usr/bin/collector serve .*' "$u" || fail "the .deb's unit does not run /usr/bin/collector"
    grep -qx 'EnvironmentFile=/etc/default/sounding-collector' "$u" || fail "the .deb's unit does not read /etc/default/sounding-collector"
    grep -qx 'LoadCredential=receipt.secret:/etc/sounding/receipt.secret' "$u" || fail "the .deb's unit does not load /etc/sounding/receipt.secret"
    ok "cpack -G DEB: $(basename "$deb")"
  fi
else
  skip "cpack, dpkg-deb or dpkg-shlibdeps missing (Debian: dpkg-dev): no .deb built"
fi

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo "package: all checks passed"
