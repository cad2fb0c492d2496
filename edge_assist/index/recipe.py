"""Evidence-pack recipes: which sources go into which pack and collection, as data.

The default pack's recipe is ``index/default.toml`` at the top of the repository; the same
file is installed as ``edge_assist/index/recipes/default.toml`` and read from there, so an
installed edge-assist builds what the repository describes. A recipe names only sources the
code can read (:data:`SOURCES`); it chooses pack names, licences, collections and vector
quantization, and states (but cannot change) how each source is chunked.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from edge_assist.errors import ConfigError

SOURCES: dict[str, str] = {
    "open-medicine-guidelines": "markdown",
    "icd-10-cm": "one-per-code",
}
"""Every source a recipe may name, with the chunking its reader uses."""


class PackRecipe(BaseModel):
    """One pack: a source read into a collection."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Pack name (`index list --pack`, document sources).")
    source: Literal["open-medicine-guidelines", "icd-10-cm"] = Field(description="What to read.")
    version_from: str = Field(description="Installed distribution whose version is the pack version.")
    licence: str = Field(description="The pack's licence, as recorded in the index and exports.")
    description: str = ""
    collection: str = Field(min_length=1, description="Collection the documents go into.")
    quantization: Literal["float", "int8", "bit"] = "float"
    chunking: str = Field(description="How the source is cut; must be the one its reader uses.")

    @model_validator(mode="after")
    def _chunking_is_the_readers(self) -> PackRecipe:
        expected = SOURCES[self.source]
        if self.chunking != expected:
            raise ValueError(f"source {self.source} is chunked {expected!r}, not {self.chunking!r}")
        return self


class IndexRecipe(BaseModel):
    """A recipe: a name and its packs, built in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    packs: list[PackRecipe] = Field(alias="pack", min_length=1)

    def pack_for(self, source: str) -> PackRecipe | None:
        """The first pack that reads ``source``, if any."""
        return next((p for p in self.packs if p.source == source), None)


def default_recipe_text() -> str:
    """The shipped default recipe (``edge_assist/index/recipes/default.toml``) as text."""
    return (resources.files("edge_assist.index") / "recipes" / "default.toml").read_text("utf-8")


def load_recipe(path: Path | None = None) -> IndexRecipe:
    """Read and check a recipe; ``None`` is the shipped default.

    Raises:
        ConfigError: the file is missing, not TOML, or not a valid recipe (one line saying where).
    """
    where = str(path) if path else "the shipped default recipe"
    try:
        text = path.read_text("utf-8") if path else default_recipe_text()
        return IndexRecipe.model_validate(tomllib.loads(text))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the index recipe {where}: {error}",
                          "give a readable TOML file, e.g. a copy of index/default.toml") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where} is not valid TOML: {error}",
                          "check the file against index/default.toml") from None
    except ValidationError as error:
        first = error.errors()[0]
        at = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: {at}: {first['msg']}",
                          f"sources: {', '.join(SOURCES)}; see index/default.toml") from None
