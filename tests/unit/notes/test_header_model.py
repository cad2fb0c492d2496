"""The learned section-header classifier: the shipped weights and the trainer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from edge_assist.errors import ModelLoadError
from edge_assist.models import get_model
from edge_assist.models.base import Embedder
from edge_assist.notes.header_model import (
    CARD_FILE,
    MODEL_FILE,
    HeaderModel,
    char_grams,
    shipped_model,
    tokens,
)
from edge_assist.notes.train_headers import TrainOptions, cross_validate, read_rows, run, train

DATA = Path(__file__).parents[2] / "data" / "notes"
MTS_HEADERS = {"FAM/SOCHX", "GENHX", "PASTMEDICALHX", "CC", "PASTSURGICAL", "ALLERGY", "ROS", "MEDICATIONS",
               "ASSESSMENT", "EXAM", "DIAGNOSIS", "DISPOSITION", "PLAN", "EDCOURSE", "IMMUNIZATIONS",
               "IMAGING", "GYNHX", "PROCEDURES", "OTHER_HISTORY", "LABS"}
TINY = TrainOptions(min_df=1, steps=60, max_char_terms=500, char_min_df=1)


@pytest.fixture
def fake_embedder(fake_env) -> Embedder:
    """The deterministic hashing embedder, through the real registry."""
    registry, settings = fake_env
    return get_model("fake-embed", Embedder, settings, registry)


def test_shipped_model_knows_the_twenty_headers_and_its_card() -> None:
    """The packaged weights load, score the 20 MTS-Dialog headers and record their provenance."""
    model = shipped_model()
    assert set(model.labels) == MTS_HEADERS
    assert model.weights.shape == (3 * 384 + sum(len(v.terms) for v in model.vocabularies), 20)
    assert model.embedder_id == model.card["embedder_id"] == "all-minilm-l6-v2-int8"
    assert model.card["training_file"] == "MTS-Dialog-TrainingSet.csv" and model.card["training_rows"] == 1201
    assert {"date", "validation_accuracy", "cv_accuracy"} <= set(model.card)


def test_shipped_model_is_small() -> None:
    """The packaged weights stay well under the 5 MB budget for package data."""
    from importlib import resources

    assert (resources.files("edge_assist.notes") / "models" / MODEL_FILE).stat().st_size < 5 * 2**20


def test_shipped_model_refuses_another_embedder(fake_embedder: Embedder) -> None:
    """Vectors from a different embedder are refused, not silently misread."""
    with pytest.raises(ModelLoadError, match="all-minilm-l6-v2-int8"):
        shipped_model().predict(["Doctor: Any allergies?\nPatient: No."], fake_embedder)


def test_tokens_drop_speaker_tags_and_add_bigrams_and_roles() -> None:
    """Speaker tags are not words; adjacent words also count as a pair, and each word as who said it."""
    assert tokens("Doctor: Any allergies?\nPatient: No.") == ["any", "allergies", "no", "any_allergies",
                                                             "allergies_no", "c:any", "c:allergies", "p:no"]
    assert tokens("[doctor] any pain ?\n[patient] no .")[-1] == "p:no"


def test_char_grams_are_padded_word_pieces() -> None:
    """Character 2- to 5-grams inside space-padded words, speaker tags dropped."""
    grams = char_grams("Doctor: Rash")
    assert " r" in grams and "ash " in grams and " rash" in grams and "doc" not in grams


def test_trainer_fits_a_tiny_csv_deterministically(fake_embedder: Embedder) -> None:
    """Training twice on the same rows gives the same weights, and predictions are known headers."""
    rows = read_rows(DATA / "mts_train_mini.csv")
    first, second = train(rows, fake_embedder, TINY), train(rows, fake_embedder, TINY)
    assert np.array_equal(first.weights, second.weights)
    texts = [text for text, _ in rows]
    predicted = first.predict(texts, fake_embedder)
    assert predicted == second.predict(texts, fake_embedder)
    assert set(predicted) <= {"ALLERGY", "PASTSURGICAL", "FAM/SOCHX"}
    assert sum(p == label for p, (_, label) in zip(predicted, rows, strict=True)) >= 5


def test_saved_model_reads_back_the_same(fake_embedder: Embedder) -> None:
    """The .npz form round-trips labels, vocabulary and (float16) weights without pickle."""
    model = train(read_rows(DATA / "mts_train_mini.csv"), fake_embedder, TINY)
    again = HeaderModel.from_bytes(model.to_bytes())
    assert again.labels == model.labels
    assert [v.terms for v in again.vocabularies] == [v.terms for v in model.vocabularies]
    assert [v.analyzer for v in again.vocabularies] == ["words", "chars"]
    assert np.allclose(again.weights, model.weights, atol=1e-2)
    assert again.embedder_id == "fake-embed"


def test_run_writes_weights_and_card(tmp_path: Path, fake_embedder: Embedder) -> None:
    """The trainer entry writes the weights and a card naming the data and the held-out score."""
    card = run(DATA / "mts_train_mini.csv", tmp_path, DATA / "mts_mini.csv", fake_embedder, 2, TINY)
    assert (tmp_path / MODEL_FILE).is_file()
    assert json.loads((tmp_path / CARD_FILE).read_text()) == card
    assert card["training_rows"] == 6 and card["validation_rows"] == 2
    assert 0.0 <= card["validation_accuracy"] <= 1.0
    assert card["cv_folds"] == 2 and len(card["cv_fold_accuracy"]) == 2


def test_cross_validation_holds_out_every_row_once(fake_embedder: Embedder) -> None:
    """K folds give K accuracies, each over rows the fold's model never saw; reruns agree."""
    rows = read_rows(DATA / "mts_train_mini.csv")
    first = cross_validate(rows, fake_embedder, TINY, folds=3)
    assert len(first) == 3 and all(0.0 <= x <= 1.0 for x in first)
    assert first == cross_validate(rows, fake_embedder, TINY, folds=3)


def test_trainer_rejects_a_csv_without_headers(tmp_path: Path) -> None:
    """A CSV lacking the MTS-Dialog columns is an input error, not a crash."""
    from edge_assist.errors import InputError

    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="section_header"):
        read_rows(bad)
