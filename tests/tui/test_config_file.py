"""Saving settings into config.toml: comments and other keys kept, unsafe edits refused, atomic."""

from __future__ import annotations

import os
import tomllib

import pytest

from edge_assist.errors import ConfigError
from edge_assist.tui.config_file import save_changes, toml_value, update_toml

ADMIN = """# set by IT, 2024-05
profile = "tiny"   # small machine

[speech]
vocabulary = ["Xarelto"]  # local brand names

[tui]
theme = "dark" # ward screens
kiosk_folders = ["/srv/exports"]

# models below
[models]
n_threads = 2
"""


def test_changed_values_replace_in_place_and_everything_else_is_kept() -> None:
    """Values change where they are, trailing comments stay, other lines are byte-identical."""
    out = update_toml(ADMIN, {("profile",): "default", ("tui", "theme"): "light"})
    assert 'profile = "default"  # small machine' in out
    assert 'theme = "light"  # ward screens' in out
    for line in ("# set by IT, 2024-05", 'vocabulary = ["Xarelto"]  # local brand names',
                 'kiosk_folders = ["/srv/exports"]', "# models below", "n_threads = 2"):
        assert line in out.splitlines()


def test_missing_keys_and_tables_are_added() -> None:
    """A new key joins its table; a new table goes at the end; the data equals old plus changes."""
    out = update_toml(ADMIN, {("tui", "idle_timeout_s"): 120, ("history", "enabled"): True})
    data = tomllib.loads(out)
    assert data["tui"] == {"theme": "dark", "kiosk_folders": ["/srv/exports"], "idle_timeout_s": 120}
    assert data["history"] == {"enabled": True} and data["models"] == {"n_threads": 2}
    assert out.index("idle_timeout_s") < out.index("# models below")


def test_root_key_goes_before_the_first_table_and_dotted_keys_are_edited() -> None:
    """A root key is never written under a table; ``tui.theme = ...`` at the root is edited in place."""
    out = update_toml("# comment\n[models]\nn_threads = 2\n", {("profile",): "tiny"})
    assert tomllib.loads(out) == {"profile": "tiny", "models": {"n_threads": 2}}
    assert update_toml('tui.theme = "dark"\n', {("tui", "theme"): "light"}) == 'tui.theme = "light"\n'
    assert tomllib.loads(update_toml("", {("tui", "theme"): "light"})) == {"tui": {"theme": "light"}}


def test_unsafe_layouts_and_bad_toml_are_refused() -> None:
    """An inline table cannot be edited line by line, and broken TOML is not touched."""
    with pytest.raises(ConfigError, match="cannot edit safely"):
        update_toml('tui = { theme = "dark" }\n', {("tui", "theme"): "light"})
    with pytest.raises(ConfigError, match="not valid TOML"):
        update_toml("profile = \n", {("profile",): "tiny"})
    with pytest.raises(ConfigError):
        toml_value(["a list"])


def test_save_is_atomic_and_keeps_the_file_mode(tmp_path) -> None:
    """The file is replaced whole, keeps its permissions and leaves no temporary file."""
    path = tmp_path / "config.toml"
    path.write_text(ADMIN)
    os.chmod(path, 0o640)
    save_changes(path, {("tui", "theme"): "high-contrast"})
    assert tomllib.loads(path.read_text())["tui"]["theme"] == "high-contrast"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_a_refused_save_leaves_the_file_untouched(tmp_path) -> None:
    """When the edit is refused nothing is written."""
    path = tmp_path / "config.toml"
    path.write_text('tui = { theme = "dark" }\n')
    with pytest.raises(ConfigError):
        save_changes(path, {("tui", "theme"): "light"})
    assert path.read_text() == 'tui = { theme = "dark" }\n'
    save_changes(tmp_path / "new" / "config.toml", {("profile",): "tiny"})
    assert (tmp_path / "new" / "config.toml").stat().st_mode & 0o777 == 0o600
