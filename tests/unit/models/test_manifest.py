"""The shipped catalog: one validated manifest per model, with hashes and sources."""

import pytest

from edge_assist.errors import ConfigError
from edge_assist.models.manifest import ModelManifest, builtin_manifests

EXPECTED = {
    "qwen2.5-coder-0.5b-instruct-q4_k_m": ("chat", "gguf",
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
    "qwen2.5-coder-1.5b-instruct-q4_k_m": ("chat", "gguf",
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    "smollm2-135m-instruct-q4_1": ("chat", "gguf", None),
    "gemma-3-270m-q4_k_m": ("completion", "gguf", None),
    "all-minilm-l6-v2-int8": ("embed", "onnx", None),
    "whisper-tiny.en": ("transcribe", "ct2", None),
    "whisper-base": ("transcribe", "ct2", None),
}


def test_catalog_has_every_required_model() -> None:
    """The seven models of the brief, each with its task, format and pinned hash."""
    catalog = {m.id: m for m in builtin_manifests()}
    assert set(EXPECTED) <= set(catalog)
    for model_id, (task, fmt, sha) in EXPECTED.items():
        m = catalog[model_id]
        assert (m.task, m.format) == (task, fmt)
        assert m.licence and m.packages and all(p.version for p in m.packages)
        if sha:
            assert m.primary_file.sha256 == sha


def test_split_models_list_their_parts_in_order() -> None:
    """Qwen 0.5B is six parts, Qwen 1.5B twenty-two, Whisper base two."""
    catalog = {m.id: m for m in builtin_manifests()}
    assert len(catalog["qwen2.5-coder-0.5b-instruct-q4_k_m"].primary_file.parts) == 6
    parts = catalog["qwen2.5-coder-1.5b-instruct-q4_k_m"].primary_file.parts
    assert len(parts) == 22 and parts[0].endswith("part01.bin") and parts[-1].endswith("part22.bin")
    base = {f.name: f for f in catalog["whisper-base"].files}
    assert len(base["model.bin"].parts) == 2


def test_gemma_base_has_no_chat_template() -> None:
    """Gemma-3-270M is a base model: a distillation student, not a chat model."""
    gemma = {m.id: m for m in builtin_manifests()}["gemma-3-270m-q4_k_m"]
    assert gemma.task == "completion" and gemma.chat_template == "none"


@pytest.mark.parametrize("bad", [
    'id = "x"\nname = "x"\ntask = "chat"\nformat = "gguf"\nlicence = "x"\n',  # no files
    'id = "x"\nname = "x"\ntask = "sing"\nformat = "gguf"\nlicence = "x"\n'
    '[[files]]\nname="a"\nsha256="' + "0" * 64 + '"\nsize=1\nparts=["file:/a"]\n',
    "id = \n",
])
def test_invalid_manifest_is_a_config_error(bad: str) -> None:
    """A broken manifest names itself instead of raising a pydantic traceback."""
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        ModelManifest.from_toml(bad, "bad.toml")
