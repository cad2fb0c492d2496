"""Recipes are validated, and everything they name is checked, before any work starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_assist.errors import ConfigError, InputError
from edge_assist.quantize.recipe import data_file, load_recipe, resolve_model

REPO = Path(__file__).resolve().parents[3]


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "r.toml"
    path.write_text(body, "utf-8")
    return path


BASE = """
name = "t"
kind = "encoder"
[student]
ref = "student"
[data]
train = "train.csv"
dev = "dev.csv"
"""


def test_every_shipped_recipe_validates() -> None:
    recipes = sorted((REPO / "quantize").glob("*.toml"))

    assert recipes
    for path in recipes:
        assert load_recipe(path).name


def test_overrides_set_dotted_keys(tmp_path: Path) -> None:
    recipe = load_recipe(_write(tmp_path, BASE), {"train.max_steps": 3, "data.root": "/d"})

    assert (recipe.train.max_steps, recipe.data.root) == (3, "/d")


def test_a_missing_recipe_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"does not exist"):
        load_recipe(tmp_path / "nope.toml")


def test_an_invalid_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"train.epochs"):
        load_recipe(_write(tmp_path, BASE + "[train]\nepochs = 0\n"))


def test_a_missing_data_file_names_the_recipe_key(tmp_path: Path) -> None:
    recipe = load_recipe(_write(tmp_path, BASE), {"data.root": str(tmp_path)})

    with pytest.raises(InputError, match=r"data.train file .*train.csv does not exist"):
        data_file(recipe, "train")


def test_relative_data_without_a_root_asks_for_one(tmp_path: Path) -> None:
    recipe = load_recipe(_write(tmp_path, BASE))

    with pytest.raises(ConfigError, match=r"--data"):
        data_file(recipe, "train")


def test_an_unset_variable_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    recipe = load_recipe(_write(tmp_path, BASE), {"data.root": "$NOT_SET_ANYWHERE/x"})

    with pytest.raises(ConfigError, match=r"NOT_SET_ANYWHERE"):
        data_file(recipe, "train")


def test_missing_models_are_named_by_key(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"student.ref: model .* does not exist"):
        resolve_model("./no-such-model", "student.ref", tmp_path)
    with pytest.raises(InputError, match=r"teacher.model: .*no-such-id"):
        resolve_model("no-such-id", "teacher.model", tmp_path, tmp_path / "store")
    with pytest.raises(InputError, match=r"package no-such-dist is not installed"):
        resolve_model("package:no-such-dist/x", "student.ref", tmp_path)


def test_a_catalog_model_that_is_not_pulled_says_how_to_pull_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not installed"):
        resolve_model("smollm2-135m-instruct-q4_1", "student.ref", tmp_path, tmp_path / "empty-store")
