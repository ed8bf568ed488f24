#!/usr/bin/env bash
# Starts what the tests need that pip cannot install. This machine kind starts PostgreSQL itself;
# if it is installed but stopped, start it; if it is absent, the PostgreSQL tests skip visibly
# (or fail, when GUETTEUR_REQUIRE_POSTGRES=1 as in CI).
set -u
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
fi
# The browser tests drive the distribution's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium from the distribution's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
    >/dev/null 2>&1 || echo "could not install Chromium: the browser tests will skip (or fail in CI)"
fi
exit 0
