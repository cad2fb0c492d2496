"""One settings model for every surface: CLI, TUI and the Python API.

Values come, highest first, from keyword arguments, ``EDGE_ASSIST_*``
environment variables (nested with ``__``, e.g. ``EDGE_ASSIST_MODELS__N_THREADS``),
the TOML file ``config.toml`` in the user directory, and the defaults here.

Everything edge-assist keeps lives under one user directory (see
:func:`user_dir`), so a hospital IT team has one folder to back up, encrypt or
wipe.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from edge_assist.errors import ConfigError

Profile = Literal["auto", "tiny", "default", "quality"]


def user_dir() -> Path:
    """The one directory edge-assist writes to.

    ``$EDGE_ASSIST_HOME`` when set, else ``$XDG_DATA_HOME/edge-assist``
    (``~/.local/share/edge-assist``). It is not created here.
    """
    home = os.environ.get("EDGE_ASSIST_HOME")
    if home:
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "edge-assist"


def config_path() -> Path:
    """The TOML config file: ``$EDGE_ASSIST_CONFIG`` or ``user_dir()/config.toml``."""
    explicit = os.environ.get("EDGE_ASSIST_CONFIG")
    return Path(explicit).expanduser() if explicit else user_dir() / "config.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ModelSettings(_Section):
    """Where models live and how the runtimes use this machine."""

    store_dir: Path | None = Field(
        default=None, description="Model store; default: <user dir>/models."
    )
    n_threads: int | None = Field(
        default=None, ge=1, le=256, description="CPU threads for inference; default: physical cores."
    )
    n_ctx: int = Field(default=4096, ge=256, le=131072, description="LLM context window in tokens.")
    verify: bool = Field(default=True, description="Check SHA-256 before every load (cached by size+mtime).")
    llm: str | None = Field(default=None, description="Override the profile's chat model (id or alias).")
    embedder: str | None = Field(default=None, description="Override the profile's embedding model.")
    transcriber: str | None = Field(default=None, description="Override the profile's speech model.")
    seed: int = Field(default=0, description="Sampling seed, so the same input gives the same output.")


class IndexSettings(_Section):
    """The local evidence index."""

    db_path: Path | None = Field(default=None, description="Index database; default: <user dir>/index.db.")


class SpeechSettings(_Section):
    """Speech input."""

    vocabulary: list[str] = Field(default_factory=list, description="Extra words to bias decoding.")


class TuiSettings(_Section):
    """The terminal UI."""

    theme: Literal["dark", "light", "high-contrast"] = Field(default="dark", description="Colour theme.")
    kiosk_folders: list[Path] = Field(
        default_factory=list,
        description="Kiosk mode: the only folders the TUI may read or write (exports, files to "
                    "ingest or transcribe); empty: no file access in kiosk mode.",
    )
    idle_timeout_s: int = Field(
        default=300, ge=5, le=86400,
        description="Kiosk mode: wipe the session (screen and memory) after this many idle seconds.",
    )
    admin_pin_hash: str = Field(
        default="",
        description="Kiosk mode: salted PBKDF2 hash of the admin PIN that leaves kiosk mode "
                    "(make one with `edge-assist tui --hash-pin`); never the PIN itself.",
    )


class HistorySettings(_Section):
    """History of questions, notes and extractions: off unless turned on, encrypted when on."""

    enabled: bool = Field(default=False, description="Keep a history (sealed with AES-256-GCM).")
    path: Path | None = Field(default=None, description="History database; default: <user dir>/history.db.")
    key_source: Literal["auto", "passphrase", "keyring"] = Field(
        default="auto", description="Key: $EDGE_ASSIST_HISTORY_PASSPHRASE (scrypt) or the OS keyring.")
    max_entries: int = Field(default=500, ge=1, le=1_000_000, description="Keep at most this many entries.")
    max_age_days: float = Field(default=30, gt=0, le=3650, description="Forget entries older than this.")


class AuditSettings(_Section):
    """The append-only, hash-chained audit log (who ran what and when; never patient text)."""

    enabled: bool = Field(default=True, description="Record every command in the audit log.")
    path: Path | None = Field(default=None, description="Audit log; default: <user dir>/audit.jsonl.")


class Settings(BaseSettings):
    """All of edge-assist's settings."""

    model_config = SettingsConfigDict(
        env_prefix="EDGE_ASSIST_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_assignment=True,
    )

    profile: Profile = Field(
        default="auto", description="Model profile; 'auto' picks from this machine's RAM and cores."
    )
    offline_guard: bool = Field(
        default=True, description="Refuse any network connection off this machine."
    )
    log_patient_text: bool = Field(
        default=False, description="Allow patient text in logs (off: it is replaced by its length)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="WARNING")
    models: ModelSettings = Field(default_factory=ModelSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    speech: SpeechSettings = Field(default_factory=SpeechSettings)
    tui: TuiSettings = Field(default_factory=TuiSettings)
    history: HistorySettings = Field(default_factory=HistorySettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    serve_token: SecretStr | None = Field(
        default=None,
        description="`edge-assist serve`: the bearer token every HTTP request must carry "
                    "(`Authorization: Bearer <token>`); unset: no token, and loopback only.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return (init_settings, env_settings, toml)

    @property
    def home(self) -> Path:
        """The user directory (see :func:`user_dir`)."""
        return user_dir()

    @property
    def model_store(self) -> Path:
        """The directory assembled model files are kept in."""
        return self.models.store_dir or self.home / "models"

    @property
    def index_path(self) -> Path:
        """The evidence index database file."""
        return self.index.db_path or self.home / "index.db"

    @property
    def history_path(self) -> Path:
        """The encrypted history database file."""
        return self.history.path or self.home / "history.db"

    @property
    def audit_path(self) -> Path:
        """The audit log file."""
        return self.audit.path or self.home / "audit.jsonl"


def load_settings(**overrides: Any) -> Settings:
    """Build :class:`Settings`, turning every invalid value into one :class:`ConfigError`.

    Raises:
        ConfigError: the TOML file is unreadable or a value is invalid; the
            message names the setting and where it came from.
    """
    path = config_path()
    if path.exists():
        _check_toml(path)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise _config_error(exc, path) from None


def _check_toml(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(
            f"cannot read config file {path}: {exc.strerror}", "fix its permissions or remove it"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}", "fix the syntax") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text", "save it as UTF-8 TOML") from None


def _config_error(exc: ValidationError, path: Path) -> ConfigError:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "settings"
    env = "EDGE_ASSIST_" + field.upper().replace(".", "__")
    return ConfigError(
        f"invalid setting '{field}': {first['msg']}",
        f"fix '{field}' in {path} or the environment variable {env}",
    )


@lru_cache(maxsize=1)
def _cached() -> Settings:
    return load_settings()


def get_settings() -> Settings:
    """The process-wide settings, loaded once."""
    return _cached()


def reset_settings_cache() -> None:
    """Forget the cached settings (tests and `config` changes call this)."""
    _cached.cache_clear()
