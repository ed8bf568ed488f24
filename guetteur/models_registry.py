"""Imports every domain's tables so that `Base.metadata` is complete (Alembic, tests)."""

from guetteur.audit import models as audit_models
from guetteur.auth import models as auth_models
from guetteur.interchange import models as interchange_models
from guetteur.marketplace import models as marketplace_models
from guetteur.registry import models as registry_models

__all__ = [
    "audit_models",
    "auth_models",
    "interchange_models",
    "marketplace_models",
    "registry_models",
]
