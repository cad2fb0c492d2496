"""Profiles: which chat, embedding and speech models to use, by machine size.

``tiny`` fits a 4 GB kiosk, ``default`` a clinician's laptop, ``quality`` a
workstation. ``auto`` picks from RAM and physical cores; ``doctor`` shows the pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from edge_assist.errors import ConfigError
from edge_assist.models.hardware import Hardware

GiB = 1024**3


@dataclass(frozen=True)
class Profile:
    """The models one profile uses."""

    name: str
    llm: str
    embedder: str
    transcriber: str
    description: str


PROFILES: dict[str, Profile] = {
    "tiny": Profile("tiny", "smollm2-135m-instruct-q4_1", "all-minilm-l6-v2-int8",
                    "whisper-tiny.en", "under 4 GB RAM or a single core"),
    "default": Profile("default", "qwen2.5-coder-0.5b-instruct-q4_k_m", "all-minilm-l6-v2-int8",
                       "whisper-tiny.en", "a laptop: 4-16 GB RAM, 2-7 cores"),
    "quality": Profile("quality", "qwen2.5-coder-1.5b-instruct-q4_k_m", "all-minilm-l6-v2-int8",
                       "whisper-base", "16 GB RAM or more and 8 or more physical cores"),
}


def recommend(hw: Hardware) -> str:
    """The profile that fits ``hw``: memory first (a model that swaps is useless), then cores."""
    if hw.ram_bytes < 4 * GiB or hw.physical_cores < 2:
        return "tiny"
    if hw.ram_bytes >= 16 * GiB and hw.physical_cores >= 8:
        return "quality"
    return "default"


def resolve(name: str, hw: Hardware | None = None) -> Profile:
    """The :class:`Profile` for ``name`` ('auto' asks :func:`recommend`).

    Raises:
        ConfigError: no such profile.
    """
    if name == "auto":
        from edge_assist.models.hardware import detect

        name = recommend(hw or detect())
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"unknown profile {name!r}", f"use one of: auto, {', '.join(PROFILES)}"
        ) from None
