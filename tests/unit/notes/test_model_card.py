"""The header classifier's card in models/ describes the weights that ship, with their figures."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).parents[3]
SHIPPED = ROOT / "edge_assist" / "notes" / "models"
CARD = (ROOT / "models" / "mts-section-header" / "MODEL_CARD.md").read_text("utf-8")


def test_the_card_names_the_shipped_weights_by_hash() -> None:
    """Retraining changes the hash: the card must be updated with the new figures."""
    digest = hashlib.sha256((SHIPPED / "section_header.npz").read_bytes()).hexdigest()
    assert digest in CARD, "models/mts-section-header/MODEL_CARD.md describes other weights"


def test_the_card_quotes_the_figures_its_json_records() -> None:
    """Rows, features, embedder, cross-validation and validation accuracy as trained."""
    card = json.loads((SHIPPED / "section_header.json").read_text("utf-8"))
    assert f"{card['training_rows']:,}" in CARD
    assert f"{card['features']:,}" in CARD
    assert card["embedder_id"] in CARD and card["date"] in CARD
    assert f"{card['cv_accuracy']:.3f}" in CARD
    assert f"**{card['validation_accuracy']:.2f}**" in CARD
    assert all(label in CARD for label in card["labels"])
