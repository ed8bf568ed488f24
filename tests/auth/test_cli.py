"""`guetteur users create` and `guetteur tokens create`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from guetteur.auth import service
from guetteur.cli import _register_commands, app
from tests.conftest import Store

runner = CliRunner()


@pytest.fixture(autouse=True)
def _env(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUETTEUR_DATABASE_URL", store.settings.database_url)
    monkeypatch.setenv("GUETTEUR_DATA_DIR", str(store.settings.data_dir))
    if not app.registered_groups:
        _register_commands()


def test_users_create_and_tokens_create(store: Store) -> None:
    args = ["users", "create", "--email", "a@m.example", "--org", "market", "--role", "admin"]
    args += ["--name", "Ann", "--password", "long enough"]
    missing = runner.invoke(app, args)
    assert missing.exit_code != 0 and "--org-kind" in str(missing.exception)
    created = runner.invoke(app, [*args, "--org-kind", "marketplace"])
    assert created.exit_code == 0, created.output
    assert "created user a@m.example" in created.output
    issued = runner.invoke(app, ["tokens", "create", "--email", "a@m.example", "--name", "ci"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[0]
    with store.sessions() as session:
        assert service.actor_for_token(session, token=token).role == "admin"


def test_password_is_prompted_when_not_given(store: Store) -> None:
    args = ["users", "create", "--email", "b@c.example", "--org", "cust", "--org-kind", "customs"]
    args += ["--role", "officer", "--name", "Bo"]
    result = runner.invoke(app, args, input="long enough\nlong enough\n")
    assert result.exit_code == 0, result.output
    with store.sessions() as session:
        assert service.authenticate(session, email="b@c.example", password="long enough")
