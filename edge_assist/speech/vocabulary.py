"""The clinical vocabulary: the drug lexicon, decoding hints, and the English guard.

Three sources make the vocabulary, all shipped or installed, none fetched:

* the drug lexicon of the ``drug-named-entity-recognition`` package (about
  28,000 one-word generic and brand names from DrugBank, MeSH and MedlinePlus),
  read from its data file with :mod:`importlib.resources`. The 8,000 names of
  drugs with a MedlinePlus page (those patients are prescribed) and the common
  list are correction targets; the rest (chemical classes, reagents, rarities
  such as "hemoglobins" or "depressin") are only recognised when spelt right;
* ``data/common_drugs.txt`` and ``data/clinical_terms.txt`` (frequently
  prescribed drugs; note, guideline and calculator terms), plus the calculator
  names of :mod:`edge_assist.calculators` and the user's own words
  (``settings.speech.vocabulary``); these become Whisper's ``hotwords`` and
  ``initial_prompt``, which hold about 220 tokens each, so they are ranked and cut;
* the English guard: the whole words of the speech model's own tokenizer. A word
  that is one token is common English; it is only corrected when the model
  was unsure of it, so "liquids" is not turned into a drug on a fuzzy match;
* the clinical guard (:func:`clinical_words`): the words of the ICD-10-CM
  descriptions and of the guideline, calculator and differential texts of
  ``open-medicine``. Medical words such as "palpation" are not one token, yet
  they are words, not misheard drugs; they get the English guard too.
"""

from __future__ import annotations

import bz2
import json
import pickle
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from edge_assist.errors import ConfigError

_WORD = re.compile(r"[a-z][a-z\-]{3,19}")
# Whisper's prompt and hotwords each keep at most 223 tokens; about 4 characters a token.
# Both are sent together within the 448-token text context, so each gets about 90 tokens.
PROMPT_CHARS = 320
HOTWORD_CHARS = 320
STYLE = "Clinical dictation with drug names and doses."


@dataclass(frozen=True)
class DrugLexicon:
    """One-word drug names: lower-case name -> display form (brands capitalised).

    Attributes:
        names: every name.
        common: frequently prescribed names, most common first.
        prescribed: names of drugs with a MedlinePlus page; empty means "all names".
        primary: the main generic and brand names (not synonyms or other languages' forms);
            preferred as candidates of a second decoding pass.
    """

    names: dict[str, str]
    common: tuple[str, ...]
    prescribed: frozenset[str] = frozenset()
    primary: frozenset[str] = frozenset()

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.names

    def display(self, name: str) -> str:
        """The name as it should be written (``Lasix``, ``metformin``)."""
        return self.names.get(name.lower(), name)


@dataclass(frozen=True)
class ClinicalVocabulary:
    """Decoding hints for Whisper, built from drugs, clinical terms and the user's words.

    Attributes:
        terms: every hint, most important first (user words, then drugs, then terms).
    """

    terms: tuple[str, ...] = ()
    user_words: tuple[str, ...] = field(default=())

    @property
    def hotwords(self) -> str:
        """Space-separated hints cut to fit Whisper's hotword window, written as a sentence.

        Whisper reads hotwords as text said before, and copies its style: given a
        lower-case list with no full stop, tiny.en wrote dictations in lower case with
        no punctuation at all, so notes could not find their sentences. A capital and a
        final full stop bring punctuation back (tune half: raw WER 0.340 -> 0.275,
        normalised 0.201 -> 0.191, drug names 55.8% -> 57.7%).
        """
        listed = _fit(self.terms, HOTWORD_CHARS - 1, " ")
        return f"{listed[0].upper()}{listed[1:]}." if listed else ""

    @property
    def initial_prompt(self) -> str:
        """A short dictation-style prompt naming the hints that did not fit in ``hotwords``."""
        rest = self.terms[len(self.hotwords.split(" ")):] if self.hotwords else self.terms
        listed = _fit(tuple(rest), PROMPT_CHARS - len(STYLE), ", ")
        return f"{STYLE} {listed}." if listed else STYLE


def _fit(items: tuple[str, ...] | list[str], budget: int, sep: str) -> str:
    out: list[str] = []
    used = 0
    for item in items:
        if used + len(item) + len(sep) > budget:
            break
        out.append(item)
        used += len(item) + len(sep)
    return sep.join(out)


def build_vocabulary(user_words: list[str] | tuple[str, ...] = ()) -> ClinicalVocabulary:
    """The decoding hints: the user's words first, then common drugs, then clinical terms.

    Args:
        user_words: extra words (``settings.speech.vocabulary``), kept first so they
            always fit in the hint window.
    """
    user = tuple(w.strip() for w in user_words if w.strip())
    terms = [*user, *read_list("common_drugs.txt"), *read_list("clinical_terms.txt"),
             *calculator_terms()]
    return ClinicalVocabulary(tuple(dict.fromkeys(terms)), user)


def calculator_terms() -> list[str]:
    """Short calculator names (the part before any parenthesis or 'for')."""
    try:
        from edge_assist import calculators
    except ImportError:  # pragma: no cover - calculators always ship; guard partial installs
        return []
    names = []
    for calc in calculators.available():
        short = re.split(r"\s+(?:for|\(|Score|Calculator|Index|Equation)", calc.spec.name)[0]
        names.append(short.strip())
    return names


@cache
def read_list(name: str) -> tuple[str, ...]:
    """A ``data/*.txt`` list: one entry a line, ``#`` comments and blank lines skipped.

    Raises:
        ConfigError: the file is missing from the package.
    """
    try:
        text = (resources.files("edge_assist.speech") / "data" / name).read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read speech data {name}: {exc}", "reinstall edge-assist") from None
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


@cache
def load_lexicon() -> DrugLexicon:
    """The one-word drug names of the installed drug lexicon, plus the common list.

    Raises:
        ConfigError: the ``drug-named-entity-recognition`` data file is missing.
    """
    try:
        raw = (resources.files("drug_named_entity_recognition")
               / "drug_ner_dictionary.pkl.bz2").read_bytes()
        # The package's own data file, installed from a pinned wheel: trusted input.
        data = pickle.loads(bz2.decompress(raw))
    except (OSError, ModuleNotFoundError, pickle.UnpicklingError) as exc:
        raise ConfigError(f"cannot read the drug lexicon ({type(exc).__name__})",
                          "pip install drug-named-entity-recognition") from None
    brands = data.get("drug_variant_to_variant_data", {})
    canonical = data.get("drug_canonical_to_data", {})
    names = {v: (v.capitalize() if brands.get(v, {}).get("is_brand") else v)
             for v in data["drug_variant_to_canonical"] if _WORD.fullmatch(v)}
    to_canonical = data["drug_variant_to_canonical"]
    prescribed = {v for v in names if any(canonical.get(c, {}).get("medline_plus_id")
                                          for c in to_canonical[v])}
    prescribed -= _foreign_spellings(prescribed, brands, to_canonical)
    common = read_list("common_drugs.txt")
    for drug in common:
        if " " not in drug:
            names[drug.lower()] = drug
    primary = {v for v in names if v in brands} | {d.lower() for d in common if " " not in d}
    return DrugLexicon(names, tuple(d.lower() for d in common), frozenset(prescribed), frozenset(primary))


def _foreign_spellings(names: set[str], primary: dict[str, object],
                       to_canonical: dict[str, list[str]]) -> set[str]:
    """Names that only respell a main name of the same drug ("heparine", "quinina", "lamotrigina").

    The lexicon lists other languages' forms of many generics. They are never what an
    English dictation says, and as correction targets they would beat the English name
    on a near miss; spelt right, they are still recognised.
    """
    from rapidfuzz import fuzz

    main: dict[str, list[str]] = {}
    for name in names & primary.keys():
        for c in to_canonical[name]:
            main.setdefault(c, []).append(name)
    return {v for v in names - primary.keys()
            if any(fuzz.ratio(v, m) >= 85 for c in to_canonical[v] for m in main.get(c, ()))}


def english_words(tokenizer_json: Path | None) -> frozenset[str]:
    """Lower-case whole words of a Whisper ``tokenizer.json`` (empty if unreadable).

    Byte-level BPE keeps frequent words whole (``Ġpatient``); drug names are
    split into pieces, so one-token words are a good stand-in for common English.
    """
    if tokenizer_json is None or not tokenizer_json.is_file():
        return frozenset()
    return _english_words(str(tokenizer_json))


@cache
def _english_words(path: str) -> frozenset[str]:
    try:
        vocab = json.loads(Path(path).read_text("utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError):
        return frozenset()
    return frozenset(t[1:] for t in vocab if t.startswith("Ġ") and t[1:].isalpha()
                     and t[1:].islower())


def clinical_words() -> frozenset[str]:
    """Lower-case medical words (five letters or more) that are not drug names.

    Read from ``data/clinical_words.txt``, which :func:`build_clinical_words` makes from the
    installed packages; computing it at run time took 1.6 s of every transcription's start
    (2 cores). A unit test checks the file against the packages. Regenerate with::

        python -c "import edge_assist.speech.vocabulary as v; print(*v.build_clinical_words(), \\
            sep=chr(10))" > edge_assist/speech/data/clinical_words.txt
    """
    return frozenset(read_list("clinical_words.txt"))


def build_clinical_words() -> list[str]:
    """The words of the ICD-10-CM descriptions and the ``open-medicine`` texts, drug names removed."""
    import simple_icd_10_cm as icd

    texts = [icd.get_description(code) for code in icd.get_all_codes(True)]
    texts.extend(_open_medicine_texts())
    words = {w for text in texts for w in re.findall(r"[a-z]{5,}", text.lower())}
    return sorted(words - load_lexicon().names.keys())


def _open_medicine_texts() -> list[str]:
    try:
        root = resources.files("open_medicine")
    except ModuleNotFoundError:
        return []
    out: list[str] = []
    stack = [root / "guidelines" / "content", root / "mcp"]
    while stack:
        node = stack.pop()
        try:
            children = list(node.iterdir())
        except OSError:  # FileNotFoundError, NotADirectoryError included
            continue
        for child in children:
            if child.is_dir():
                stack.append(child)
            elif child.name.endswith((".md", ".json", ".py")):
                try:
                    out.append(child.read_text("utf-8"))
                except (OSError, UnicodeDecodeError):
                    continue
    return out
