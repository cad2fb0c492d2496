"""Evidence-pack recipes: the top-level index/default.toml is what an installed build reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_assist.errors import ConfigError
from edge_assist.index.defaults import build_default, default_document_count
from edge_assist.index.recipe import default_recipe_text, load_recipe

ROOT = Path(__file__).parents[3]


def test_the_top_level_recipe_is_the_packaged_one() -> None:
    """index/default.toml documents the default pack; the installed copy must not drift from it."""
    top = (ROOT / "index" / "default.toml").read_text("utf-8")
    assert top == default_recipe_text(), (
        "index/default.toml and edge_assist/index/recipes/default.toml differ: copy the edited one over")


def test_the_default_recipe_names_both_packs() -> None:
    """Guidelines as floats in `guidelines`; ICD-10-CM as bits in its own collection."""
    recipe = load_recipe()
    assert [(p.name, p.collection, p.quantization, p.chunking) for p in recipe.packs] == [
        ("open-medicine", "guidelines", "float", "markdown"),
        ("icd-10-cm", "icd10cm", "bit", "one-per-code"),
    ]


def _recipe(tmp_path: Path, **changes: str) -> Path:
    """The default recipe with keys of its first pack replaced (same TOML layout)."""
    lines = (ROOT / "index" / "default.toml").read_text("utf-8").splitlines()
    first = lines.index("[[pack]]")
    second = lines.index("[[pack]]", first + 1)
    for key, value in changes.items():
        for i in range(first, second):
            if lines[i].startswith(f"{key} ="):
                lines[i] = f"{key} = {value}"
                break
        else:
            lines.insert(first + 1, f"{key} = {value}")
    path = tmp_path / "site.toml"
    path.write_text("\n".join(lines), "utf-8")
    return path


def test_a_site_recipe_chooses_pack_collection_and_quantization(tmp_path, index, embedder) -> None:
    """What the recipe says is what the index holds."""
    recipe = load_recipe(_recipe(tmp_path, name='"guides"', collection='"evidence"', quantization='"int8"'))
    report = build_default(index, embedder, icd=False, recipe=recipe)
    assert len(report.added) == default_document_count(icd=False, recipe=recipe)
    stats = index.stats()
    assert [(c["name"], c["quantization"]) for c in stats["collections"]] == [("evidence", "int8")]
    assert [p["name"] for p in stats["packs"]] == ["guides"]
    assert all(source.startswith("guides:") for source in report.added)
    assert index.search("CURB-65 pneumonia severity", embedder, collection="evidence")


@pytest.mark.parametrize(("changes", "says"), [
    ({"chunking": '"sentences"'}, "chunked 'markdown'"),
    ({"source": '"pubmed"'}, "pack.0.source"),
    ({"quantization": '"fp16"'}, "pack.0.quantization"),
    ({"colour": '"blue"'}, "pack.0.colour"),
])
def test_a_bad_recipe_is_a_config_error(tmp_path, changes, says) -> None:
    """A recipe cannot claim a chunking the reader does not do, or name what the code cannot read."""
    with pytest.raises(ConfigError) as caught:
        load_recipe(_recipe(tmp_path, **changes))
    assert says in caught.value.message and "\n" not in caught.value.message


def test_a_missing_or_broken_recipe_file_is_a_config_error(tmp_path) -> None:
    """Missing, not TOML: one line each."""
    with pytest.raises(ConfigError, match="cannot read"):
        load_recipe(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text("name = ", "utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_recipe(tmp_path / "bad.toml")
