"""Developer tool (before the first release only): rewrite the initial migration from the models.

Autogenerate does not see triggers, so the audit log's append-only triggers are appended here.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from guetteur import migrate
from guetteur.config import Settings
from guetteur.db import make_engine

VERSIONS = Path(__file__).resolve().parents[1] / "guetteur" / "migrations" / "versions"
TRIGGERS = """
    from guetteur.audit.models import POSTGRES_APPEND_ONLY, SQLITE_APPEND_ONLY

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_APPEND_ONLY if dialect == "sqlite" else POSTGRES_APPEND_ONLY:
        op.execute(statement)
"""


def main() -> None:
    for old in VERSIONS.glob("*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Settings(database_url=f"sqlite:///{tmp}/gen.db"))
        migrate.revision(engine, "initial schema")
        engine.dispose()
    (path,) = VERSIONS.glob("*.py")
    text = path.read_text()
    text = re.sub(r"(    # ### end Alembic commands ###\n)", r"\1" + TRIGGERS, text, count=1)
    path.write_text(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
