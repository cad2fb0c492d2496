"""Tiny random models built in-test (no downloads): a 2-layer BERT, its classifier, a 2-layer Llama.

They exercise the real export, conversion, training and registration code in
seconds. The whole package is skipped when the quantize extra is not installed.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # read by huggingface_hub at import time
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
pytest.importorskip("torch")
pytest.importorskip("transformers")

TEXTS = [
    "Doctor: any allergies? Patient: penicillin gives me a rash.",
    "Doctor: what medicines do you take? Patient: metformin twice a day.",
    "Doctor: any family history? Patient: my mother had diabetes.",
    "Doctor: how is the pain? Patient: worse when I walk.",
    "Doctor: do you smoke? Patient: I quit ten years ago.",
    "Doctor: any surgeries? Patient: my appendix was removed.",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a test of the model-making tools that takes more than a few seconds"
    )


def _bert_vocab() -> list[str]:
    words = sorted({w.strip(string.punctuation).lower() for t in TEXTS for w in t.split()} - {""})
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *[f"##{c}" for c in chars], *words]


def _save_bert_tokenizer(folder: Path) -> None:
    from transformers import BertTokenizerFast

    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(_bert_vocab()) + "\n", "utf-8")
    BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True).save_pretrained(folder)


def _bert_config(**extra: object):  # type: ignore[no-untyped-def]
    from transformers import BertConfig

    return BertConfig(
        vocab_size=len(_bert_vocab()),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        **extra,
    )


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide random BERT encoder folder with a WordPiece tokenizer.json."""
    import torch
    from transformers import BertModel

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-bert")
    BertModel(_bert_config()).save_pretrained(folder)
    _save_bert_tokenizer(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_bert_classifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same BERT with a 3-label sequence-classification head."""
    import torch
    from transformers import BertForSequenceClassification

    torch.manual_seed(0)
    labels = ["ALLERGY", "MEDICATIONS", "FAM/SOCHX"]
    folder = tmp_path_factory.mktemp("tiny-bert-clf")
    config = _bert_config(
        num_labels=3, id2label=dict(enumerate(labels)), label2id={x: i for i, x in enumerate(labels)}
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    _save_bert_tokenizer(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 64-wide random Llama with a SentencePiece tokenizer trained here (llama.cpp converts it)."""
    spm = pytest.importorskip("sentencepiece")
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, LlamaTokenizer

    folder = tmp_path_factory.mktemp("tiny-llama")
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXTS * 20),
        model_prefix=str(folder / "sp"),
        vocab_size=320,
        hard_vocab_limit=False,
        byte_fallback=True,  # llama.cpp's SentencePiece tokenizer needs the <0xNN> byte pieces
        model_type="bpe",
        character_coverage=1.0,
        bos_id=1,
        eos_id=2,
        unk_id=0,
        pad_id=-1,
        minloglevel=2,
    )
    tokenizer = LlamaTokenizer(vocab_file=str(folder / "sp.model"), legacy=False)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=320,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        bos_token_id=1,
        eos_token_id=2,
        tie_word_embeddings=False,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    for leftover in ("sp.model", "sp.vocab"):
        (folder / leftover).unlink()
    return folder
