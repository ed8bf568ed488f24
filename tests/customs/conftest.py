"""Customs fixtures."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from guetteur.registry.models import Brand
from tests.customs.helpers import make_acme


@pytest.fixture
def acme(session: Session) -> Brand:
    return make_acme(session)
