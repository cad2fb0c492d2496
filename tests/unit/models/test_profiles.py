"""Profiles fit the machine: memory first, then cores."""

import pytest

from edge_assist.errors import ConfigError
from edge_assist.models.hardware import Hardware, detect
from edge_assist.models.profiles import recommend, resolve

GiB = 1024**3


def _hw(ram_gb: float, cores: int) -> Hardware:
    return Hardware("x86_64", cores * 2, cores, int(ram_gb * GiB), int(ram_gb * GiB), ("avx2",), "cpu")


@pytest.mark.parametrize(("ram", "cores", "profile"), [
    (2, 4, "tiny"), (8, 1, "tiny"), (8, 2, "default"), (24, 2, "default"), (32, 8, "quality"),
])
def test_recommendation(ram: float, cores: int, profile: str) -> None:
    """A 2-core laptop gets default; a workstation quality; a small kiosk tiny."""
    assert recommend(_hw(ram, cores)) == profile


def test_auto_resolves_to_a_real_profile() -> None:
    """'auto' asks the hardware."""
    assert resolve("auto", detect()).name in ("tiny", "default", "quality")


def test_unknown_profile() -> None:
    """Unknown names are a ConfigError listing the choices."""
    with pytest.raises(ConfigError, match="unknown profile"):
        resolve("huge")


def test_detect_reports_cores_and_memory() -> None:
    """Physical cores and RAM are positive on any machine."""
    hw = detect()
    assert hw.physical_cores >= 1 and hw.ram_bytes > 0
