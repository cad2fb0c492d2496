"""What ``edge-assist doctor`` reports: hardware, the fitting profile, models, offline state."""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass, field
from typing import Any

from edge_assist import offline
from edge_assist.errors import OfflineViolationError
from edge_assist.models.hardware import Hardware, detect
from edge_assist.models.profiles import recommend, resolve
from edge_assist.models.registry import make_default_registry
from edge_assist.models.store import ModelStore
from edge_assist.settings import Settings


@dataclass
class ModelCheck:
    """One model of the active profile."""

    role: str
    id: str
    state: str


@dataclass
class OfflineCheck:
    """Whether this process can reach the network, two independent ways."""

    guard_active: bool
    guard_blocked_probe: bool | None
    interfaces_up: list[str]

    @property
    def network_isolated(self) -> bool:
        """True when no non-loopback interface is up (e.g. under ``unshare -n``)."""
        return not self.interfaces_up


@dataclass
class Report:
    """Everything doctor found."""

    hardware: Hardware
    recommended_profile: str
    configured_profile: str
    active_profile: str
    models: list[ModelCheck]
    offline: OfflineCheck
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        data = asdict(self)
        data["hardware"] = self.hardware.as_dict()
        data["offline"]["network_isolated"] = self.offline.network_isolated
        return data


def check_offline() -> OfflineCheck:
    """Probe the guard with a connection it must refuse (no packet is ever sent)."""
    blocked: bool | None = None
    if offline.is_enabled():
        try:
            socket.create_connection(("192.0.2.1", 9), timeout=0.5).close()  # TEST-NET-1
            blocked = False
        except OfflineViolationError:
            blocked = True
        except OSError:
            blocked = False
    return OfflineCheck(offline.is_enabled(), blocked, offline.network_interfaces_up())


def diagnose(settings: Settings, verify: bool = False) -> Report:
    """Collect the doctor report; ``verify`` re-hashes model files instead of trusting the cache."""
    hw = detect()
    store = ModelStore(settings.model_store)
    registry = make_default_registry(store)
    profile = resolve(settings.profile, hw)
    checks = []
    for role in ("llm", "embedder", "transcriber"):
        model_id = getattr(settings.models, role) or getattr(profile, role)
        manifest = registry.get(model_id)
        checks.append(ModelCheck(role, manifest.id, store.status(manifest, verify=verify).state))
    report = Report(hw, recommend(hw), settings.profile, profile.name, checks, check_offline())
    for c in checks:
        if c.state != "ready":
            report.problems.append(f"{c.id} is {c.state}: run edge-assist models pull {c.id}")
    if not report.offline.guard_active:
        report.problems.append("the offline guard is off (offline_guard = false)")
    if "avx2" not in hw.cpu_flags and hw.machine in ("x86_64", "AMD64"):
        report.problems.append("no AVX2: llama.cpp will be slow; prefer the tiny profile")
    return report


