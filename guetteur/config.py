"""The one Settings object: every knob of a Guetteur node, read from `GUETTEUR_*` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    """Settings of one node; defaults make the embedded mode work with no setup."""

    model_config = SettingsConfigDict(env_prefix="GUETTEUR_", extra="ignore")

    environment: str = Field(default="development", description="development | test | production")
    data_dir: Path = Path("./guetteur-data")
    database_url: str = ""
    secret_key: str = DEVELOPMENT_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 5 * 1024 * 1024
    max_image_bytes: int = 4 * 1024 * 1024
    session_max_age_seconds: int = 12 * 3600
    node_name: str = "guetteur"
    sync_interval_seconds: int = Field(
        default=0, ge=0, description="sharing: pull/push partners every N seconds in serve (0: off)"
    )

    @model_validator(mode="after")
    def _fill_defaults_and_refuse_dev_secret(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'guetteur.db'}"
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("GUETTEUR_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"
