"""Imports every domain's tables so that `Base.metadata` is complete (Alembic, tests)."""

from guetteur.actors import models as actors_models
from guetteur.audit import models as audit_models
from guetteur.auth import models as auth_models
from guetteur.cases import models as cases_models
from guetteur.custody import models as custody_models
from guetteur.customs import models as customs_models
from guetteur.detection import models as detection_models
from guetteur.interchange import models as interchange_models
from guetteur.marketplace import models as marketplace_models
from guetteur.registry import models as registry_models
from guetteur.sharing import models as sharing_models

__all__ = [
    "actors_models",
    "audit_models",
    "auth_models",
    "cases_models",
    "custody_models",
    "customs_models",
    "detection_models",
    "interchange_models",
    "marketplace_models",
    "registry_models",
    "sharing_models",
]
