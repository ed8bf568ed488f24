"""`guetteur audit verify` names a broken entry and exits non-zero."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from guetteur import migrate
from guetteur.audit import service as audit
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory


def _guetteur(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GUETTEUR_DATA_DIR": str(data_dir)}
    env.pop("GUETTEUR_DATABASE_URL", None)
    command = [sys.executable, "-c", "from guetteur.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_verify_reports_intact_then_edited_entry(data_dir: Path) -> None:
    engine = make_engine(Settings(data_dir=data_dir))
    migrate.upgrade(engine)
    with make_session_factory(engine).begin() as session:
        for i in range(3):
            audit.record(
                session,
                actor=system_actor(),
                action="test.write",
                object_type="thing",
                object_id=str(i),
            )
    ok = _guetteur(data_dir, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "intact: 3 entries" in ok.stdout

    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entries_no_update"))
        conn.execute(text("UPDATE audit_entries SET detail = '{\"x\": 1}' WHERE seq = 2"))
    engine.dispose()
    broken = _guetteur(data_dir, "audit", "verify")
    assert broken.returncode == 1
    assert "BROKEN [edited] entry 2 (test.write thing 1)" in broken.stderr
    assert "Traceback" not in broken.stderr
