"""How well an evidence unit answers a question: concept coverage, similarity and answer type.

Three signals, each in [0, 1]:

* coverage: the question's words weighted by how rare they are in the evidence (IDF over
  the collection's chunks), found in the unit and the headings it reads under. A word the
  evidence never uses ("scabies") weighs as much as the rarest word it does use, so a
  question about something the pack does not cover cannot reach the gate on shared
  generic words ("first-line", "treatment").
* similarity: cosine of the question and unit embeddings.
* answer type: the unit holds what the question asks for: a drug, a dose, a number with a
  unit, a time, a duration, or a list of criteria.

Words are compared after folding British spellings (haem/hem, oedema/edema, -ise/-ize)
and mapping the synonyms in ``qa/data/synonyms.toml`` (noradrenaline/norepinephrine).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from edge_assist.index.search import STOPWORDS

_WORD = re.compile(r"[^\W_]+")
# Words of a question's form, not of its topic.
_ASKING = frozenset(
    ["what", "which", "how", "when", "where", "who", "whom", "whose", "why", "much", "many", "long", "often", "soon", "quickly", "first", "recommended", "recommend", "recommendation", "recommendations", "suggested", "guideline", "guidelines", "according", "use", "used", "using", "give", "given", "start", "started", "best", "preferred", "usual", "usually", "typical", "typically", "initial", "initially", "management", "manage", "managed", "treat", "treated", "treatment", "treatments", "therapy", "next", "step", "should", "would", "could", "can", "done", "do", "does", "indicated", "indication", "option", "options", "approach", "role", "there", "any"])  # noqa: E501
_SPELLING = ((re.compile(r"ae"), "e"), (re.compile(r"^oe|(?<=h)oe(?=a)"), "e"), (re.compile(r"yse\b"), "yze"),
             (re.compile(r"is(?=(?:e|ed|es|ing|ation|ations)\b)"), "iz"), (re.compile(r"our\b"), "or"),
             (re.compile(r"(?<=[tb])re\b"), "er"))
UNKNOWN_COMMON_WEIGHT = 1.0  # an English word the evidence never uses: phrasing, barely counts
POPULATIONS = {
    "newborn": re.compile(r"\b(?:newborns?|neonat\w*|nrp|delivery room)\b", re.I),
    "child": re.compile(r"\b(?:child(?:ren)?|p(?:a)?ediatric\w*|infants?|adolescen\w*)\b", re.I),
    "pregnancy": re.compile(r"\b(?:pregnan\w*|perinatal|antenatal|postpartum|obstetric\w*)\b", re.I),
    "adult": re.compile(r"\badults?\b", re.I),
}
_DRUG_SUFFIX = re.compile(
    r"\b\w+(?:mab|nib|pril|sartan|olol|alol|statin|cillin|mycin|micin|floxacin|azole|parin|xaban|gatran|"
    r"dipine|tidine|prazole|oxacin|cycline|sone|olone|asone|afil|triptan|setron|zepam|azepam|barbital|"
    r"profen|fenac|coxib|gliflozin|gliptin|glutide|tide|phylline|terol|ium|amine|idine|ipine|"
    r"pam|lam|vir|fungin|penem|cef\w+|sulfa\w*|thiazide|semide|actone|arone|mide|zide|parin)\b", re.I)
_DRUG_WORDS = re.compile(
    r"\b(?:insulin|heparin|warfarin|aspirin|colchicine|allopurinol|febuxostat|metformin|norepinephrine|"
    r"epinephrine|noradrenaline|adrenaline|vasopressin|dopamine|dobutamine|salbutamol|albuterol|"
    r"ipratropium|magnesium|prednisolone|prednisone|hydrocortisone|dexamethasone|methylprednisolone|"
    r"alteplase|tenecteplase|naloxone|naltrexone|acamprosate|disulfiram|vancomycin|ceftriaxone|"
    r"amoxicillin|doxycycline|azithromycin|clarithromycin|nitrofurantoin|fosfomycin|trimethoprim|"
    r"ampicillin|acyclovir|levetiracetam|nimodipine|mannitol|saline|bicarbonate|potassium|"
    r"phosphate|glucagon|dextrose|terlipressin|octreotide|lactulose|rifaximin|propranolol|carvedilol|"
    r"bisoprolol|metoprolol|digoxin|amiodarone|diltiazem|verapamil|statin|ezetimibe|tranexamic|"
    r"protamine|idarucizumab|andexanet|ticagrelor|clopidogrel|prasugrel|fondaparinux|enoxaparin|"
    r"apixaban|rivaroxaban|dabigatran|edoxaban|denosumab|teriparatide|romosozumab|zoledronic|"
    r"alendronate|bisphosphonates?|sertraline|fluoxetine|bupropion|esketamine|lithium|tocilizumab|"
    r"methotrexate|hydroxychloroquine|sulfasalazine|leflunomide|paracetamol|acetaminophen|oxygen|"
    r"antibiotics?|antimicrobials?|anticoagula\w+|vasopressors?|diuretics?|steroids?|"
    r"corticosteroids?|glucocorticoids?|nsaids?|ppi|ssris?|snris?|sglt2|glp-1|ace inhibitors?|"
    r"arbs?|beta[- ]blockers?|doacs?|lmwh|ufh|ics|laba|lama|saba|mart)\b", re.I)
_NUMBER_UNIT = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:-|–|to)?\s*\d*(?:[.,]\d+)?\s*(?:%|mm ?hg|mmol|mg|mcg|µg|ug|g\b|kg|mL|ml|L\b|"
    r"units?|U\b|IU|mEq|meq|bpm|breaths|/min|min|°C|°|cm|mm|h\b|hours?|hrs?|days?|weeks?|months?|years?|"
    r"x|times|points?|mL/kg|ml/kg|mg/dL|mg/dl|μmol|umol|g/dL|ng|pg|seconds?)", re.I)
_DOSE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:-|–|to)?\s*\d*(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|g|units?|U|IU|mEq|"
                   r"mL/kg|ml/kg|puffs?|mmol)\b", re.I)
_TIME = re.compile(r"\b(?:within|by|after|before|at|over|every|for)\s+(?:the\s+first\s+)?\d+(?:\s*[-–]\s*\d+)?"  # noqa: E501
                   r"\s*(?:minutes?|mins?|hours?|hrs?|h|days?|weeks?)\b|\bimmediately\b|"
                   r"\b\d+(?:\s*[-–]\s*\d+)?\s*(?:minutes?|hours?|h)\b|\bas soon as\b", re.I)
_DURATION = re.compile(r"\b\d+(?:\s*[-–]\s*\d+)?\s*(?:days?|weeks?|months?|years?|hours?)\b|\blifelong\b|"
                       r"\bindefinite\w*\b", re.I)
_ASKS = {
    "dose": re.compile(r"\b(?:dose|doses|dosing|dosage|how much|how many (?:mg|units|puffs)|bolus|rate)\b",
                       re.I),
    "drug": re.compile(r"\b(?:drugs?|agents?|medications?|medicines?|antibiotics?|vasopressors?|"
                       r"first[- ]line|second[- ]line|of choice|regimen|prescribe|give|therapy|"
                       r"treatment|treat|antidote|reversal|reverse)\b", re.I),
    "number": re.compile(r"\b(?:threshold|cut[- ]?off|target|goal|level|value|at what|how high|how low|"
                         r"above|below|less than|more than|greater than|range|limit|maximum|minimum|"
                         r"score|rate|how many|percentage|ratio)\b", re.I),
    "time": re.compile(r"\b(?:when|within|how soon|how quickly|how fast|timing|time window|window|"
                       r"how early|how late|deadline|how long after|time to)\b", re.I),
    "duration": re.compile(r"\b(?:how long|duration|for how many|length of|course)\b", re.I),
    "criteria": re.compile(r"\b(?:criteria|criterion|components?|features|elements|items|signs|"
                           r"risk factors|what are|which are|list|define[sd]?|definition|classif\w*|"
                           r"stages?|grades?|categories|includes?)\b", re.I),
}
_RECOMMENDS = re.compile(r"\b(?:recommend\w*|suggest\w*|first[- ]line|preferred|of choice|should|"
                         r"indicated|mainstay|initial|cornerstone)\b", re.I)


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    data = tomllib.loads((resources.files("edge_assist.qa") / "data" / "synonyms.toml").read_text("utf-8"))
    table: dict[str, str] = {}
    for group, words in data["groups"].items():
        for word in words:
            table[_fold(word.lower())] = f"={group}"
    return table


def _fold(word: str) -> str:
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """The comparison key of one lower-case word: its synonym group, or a crude stem."""
    folded = _fold(word)
    group = _synonyms().get(folded)
    if group:
        return group
    if len(folded) > 3 and folded.endswith("s") and not folded.endswith(("ss", "us", "is")):
        folded = folded[:-1]
    for suffix in ("ing", "ed"):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 4:
            folded = folded[: -len(suffix)]
            break
    return folded[:6]


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """English words of everyday use (``qa/data/common_words.txt``)."""
    text = (resources.files("edge_assist.qa") / "data" / "common_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


def build_common_words(tokenizer_json: str) -> list[str]:
    """The whole alphabetic words of a WordPiece ``tokenizer.json`` vocabulary (how the list was made)."""
    import json

    vocab = json.loads(tokenizer_json)["model"]["vocab"]
    return sorted({w for w in vocab if w.isascii() and w.isalpha() and len(w) >= 2})


def keys(text: str) -> set[str]:
    """Comparison keys of every content word in ``text``."""
    return {key(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS}


def question_words(question: str) -> dict[str, str]:
    """The question's topic words as {key: word}, in order (the words of its form left out)."""
    seen: dict[str, str] = {}
    for word in _WORD.findall(question.lower()):
        if word in STOPWORDS or word in _ASKING or (len(word) < 2 and not word.isdigit()):
            continue
        seen.setdefault(key(word), word)
    return seen


def question_keys(question: str) -> list[str]:
    """The question's topic words as keys, in order."""
    return list(question_words(question))


@dataclass
class TermStats:
    """Document frequencies of keys over a collection's chunks (heading path included)."""

    chunks: int = 0
    df: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, texts: Iterable[str]) -> TermStats:
        stats = cls()
        for text in texts:
            stats.chunks += 1
            for k in keys(text):
                stats.df[k] = stats.df.get(k, 0) + 1
        return stats

    def idf(self, k: str) -> float:
        """Rarity of a key; a key the collection never uses counts as rare as the rarest."""
        n = max(self.chunks, 1)
        return math.log((n + 1) / (self.df.get(k, 0) + 0.5))

    def known(self, k: str) -> bool:
        return self.df.get(k, 0) > 0


@dataclass
class Question:
    """A question read for scoring: its keys and weights, what it asks for, its population."""

    text: str
    keys: list[str]
    weights: dict[str, float]
    asks: set[str]
    population: set[str]
    unknown: list[str]

    @classmethod
    def read(cls, question: str, stats: TermStats) -> Question:
        words = question_words(question)
        ks = list(words)
        common = common_words()
        plainly = {k for k, w in words.items() if not stats.known(k) and (w in common or w.isdigit())}
        weights = {k: UNKNOWN_COMMON_WEIGHT if k in plainly else stats.idf(k) for k in words}
        asks = {name for name, pattern in _ASKS.items() if pattern.search(question)}
        if "dose" in asks:
            asks.discard("drug")
        return cls(question, ks, weights, asks, populations(question),
                   [k for k in words if not stats.known(k) and k not in plainly])

    @property
    def unknown_words(self) -> list[str]:
        """The question's own words for its keys the evidence never uses."""
        words = question_words(self.text)
        return [words.get(k, k) for k in self.unknown]

    def coverage(self, found: set[str]) -> float:
        """IDF-weighted share of the question's keys in ``found``."""
        total = sum(self.weights.values())
        return sum(w for k, w in self.weights.items() if k in found) / total if total else 0.0


def populations(text: str) -> set[str]:
    """Which of newborn, child, pregnancy, adult the text names."""
    return {name for name, pattern in POPULATIONS.items() if pattern.search(text)}


def answer_type(question: Question, text: str, kind: str) -> float:
    """1.0 when the unit holds what the question asks for, 0.0 when it holds none of it."""
    if not question.asks:
        return 0.5
    found = 0.0
    for ask in question.asks:
        if ask == "dose" and _DOSE.search(text):
            found = 1.0
        elif ask == "drug" and (_DRUG_WORDS.search(text) or _DRUG_SUFFIX.search(text)):
            found = max(found, 1.0 if _RECOMMENDS.search(text) else 0.7)
        elif (ask == "number" and _NUMBER_UNIT.search(text)) or (ask == "time" and _TIME.search(text)) or (ask == "duration" and _DURATION.search(text)) or (ask == "criteria" and kind in ("list", "row")):  # noqa: E501
            found = 1.0
        elif ask == "criteria" and kind == "item":
            found = max(found, 0.6)
    return found


def population_clash(question: Question, evidence: str, named_here: set[str]) -> bool:
    """The question names a population the evidence is not about (adult vs newborn, ...).

    Args:
        named_here: the populations the evidence's headings name.
    """
    asked = question.population
    if not asked:
        return False
    anywhere = populations(evidence) | named_here
    specific = asked - {"adult"}
    if specific and not specific & anywhere:
        return True  # a newborn question, evidence that never speaks of newborns
    return "adult" in asked and bool(named_here) and not named_here & asked and not specific
