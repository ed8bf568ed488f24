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
exit 0
