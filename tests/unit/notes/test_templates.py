"""Templates as data: the built-ins load, user templates validate, mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.notes.templates import Template, builtin_names, load_template

DATA = Path(__file__).parents[2] / "data" / "notes"


def test_builtins_are_soap_aci_and_progress() -> None:
    """The three shipped templates are found through importlib.resources."""
    assert {"soap", "aci", "progress"} <= set(builtin_names())


def test_aci_template_has_the_six_sections() -> None:
    """The ACI full note has the six sections ACI-Bench scores, in order."""
    titles = [s.title for s in load_template("aci").sections]
    assert titles == ["CHIEF COMPLAINT", "HISTORY OF PRESENT ILLNESS", "REVIEW OF SYSTEMS",
                      "PHYSICAL EXAMINATION", "RESULTS", "ASSESSMENT AND PLAN"]


def test_user_template_loads_from_a_path() -> None:
    """A user's TOML file is a template."""
    template = load_template(DATA / "custom_template.toml")
    assert template.name == "wound" and template.sections[1].labels == "systems"


def test_unknown_keys_and_classes_are_rejected_with_the_allowed_ones() -> None:
    """A typo fails at load with the list of what is allowed."""
    with pytest.raises(InputError) as info:
        load_template(DATA / "bad_template.toml")
    assert "colour" in info.value.message and "allowed" in info.value.hint


@pytest.mark.parametrize("data", [
    {"name": "x"},
    {"sections": [{"key": "a", "title": "A", "content": []}]},
    {"sections": [{"key": "a", "title": "A", "content": ["history"], "group": "nowhere"}]},
    {"sections": [{"key": "a", "title": "A", "content": ["history"]},
                  {"key": "a", "title": "B", "content": ["plan"]}]},
])
def test_malformed_templates_raise_input_error(data: dict) -> None:
    """No sections, empty content, unknown group and duplicate keys are all refused."""
    with pytest.raises(InputError):
        Template.from_dict(data)


def test_unknown_template_name_lists_the_builtins() -> None:
    """An unknown name says which templates exist."""
    with pytest.raises(InputError) as info:
        load_template("nosuch")
    assert "soap" in info.value.hint
