"""Check answer sentences against the passages they cite.

A sentence's support combines two signals, each in [0, 1]:

* lexical: the share of its content words (crudely stemmed) found in the
  passage. Small models that hallucinate tend to introduce words the
  evidence does not contain.
* semantic: the best cosine between the sentence's embedding and the
  embeddings of the passage's sentences, which credits faithful paraphrase.

Numbers are checked on their own: a sentence stating a dose, threshold or
duration absent from its passage is unsupported whatever its score, because
that is the hallucination that harms patients.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from edge_assist.index.search import terms

SUPPORT_THRESHOLD = 0.5
MIN_LEXICAL = 0.6  # and most of its content words must be the passage's: topic alone is not support
ECHO_NEW_WORDS = 2  # a sentence adding at most this many words to the question's only restates it
ECHO_MIN_ALIGNED = 1.0  # such a sentence must be what a passage sentence says, every content word of it
LEXICAL_WEIGHT = 0.5
# Function words the index's short stop list keeps (it is tuned for search, where they are cheap):
# counted here they made "X has been well established" a sentence with words of its own.
_FUNCTION = frozenset({
    "been", "being", "they", "them", "their", "there", "these", "those", "vs", "versus", "than", "then",
    "also", "into", "onto", "our", "we", "us", "he", "she", "his", "her", "him", "its", "would", "could",
    "might", "must", "shall", "did", "had", "if", "so", "such", "very", "all", "any", "both", "each",
})  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?![a-z])|\n+")  # "s.c. anti-TNF" and "et al. found" go on
_CITE = re.compile(r"\[\s*(?:passages?\s*)?(\d{1,2}(?:\s*[,;&]\s*(?:and\s*)?(?:passages?\s*)?\d{1,2})*)\s*\]",
                   re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")  # "25,000" is one number, not 25
_FRAMING = re.compile(
    r"^(?:(?:this|these|it)\s+(?:suggests?|indicates?|means|shows?|implies|is\s+because|demonstrates?)"
    r"\s+(?:that\s+)?|(?:therefore|thus|hence|consequently|in\s+conclusion|overall|in\s+summary),?\s+|"
    r"the\s+(?:study|studies|results?|findings?|data|authors?|trial|analysis)\s+(?:found|finds|show(?:ed|s)?|"
    r"indicated?|indicates|suggest(?:ed|s)?|demonstrated?|demonstrates|concluded?|concludes|revealed?|"
    r"reveals)\s+(?:that\s+)?|according\s+to\s*,\s*|based\s+on\s+[^,]{1,60},\s*|(?:yes|no)\s*[,.]\s+|"
    r"(?:the\s+)?passages?\s*\[?\d+\]?\s*\([A-Za-z ]{1,30}\)\s*:?\s+(?=[A-Z])|"  # "Passage 2 (Results) Of"
    r"(?:specifically,?\s+|in\s+particular,?\s+)?(?:according\s+to\s+)?(?:the\s+)?passages?\s*\[?\d*\]?"
    r"(?:\s+and\s+\[?\d+\]?)?"
    r"(?:\s*[,:]\s*|\s+(?:states?|says|shows?|reports?|notes?|mentions?|explains?|indicates?)\s*:?\s+"
    r"(?:that\s+)?))",
    re.IGNORECASE)
_EMPTY_REF = re.compile(r"\s*\(\s*(?:passages?\s*)?[\d,\s]*\)", re.IGNORECASE)  # "(Passage [1])" once cut
_AIM = re.compile(r"\?\s*$|^\s*(?:do|does|did|is|are|can|could|should)\s+[a-z]|"
                  r"\b(?:main\s+|primary\s+|secondary\s+)?outcome\s+measures?\b|\bwhether\b|"
                  r"\bin\s+question\b|\bquestion(?:ed|able)\b|\bcontroversial\b|"
                  r"\bunclear\b|\bto\s+(?:further\s+)?(?:determine|assess|evaluate|examine|"
                  r"investigate|compare|test|explore|identify)\b|\b(?:objectives?|aims?|aimed|purpose|"
                  r"hypothes[ie]s|hypothesi[sz]ed)\b", re.IGNORECASE)
# What was done, not what was found: "the odds that ... were calculated", "Prognostic evaluation
# of ...". A sentence that drops the verb states the measured thing as a result.
_METHOD = re.compile(r"\b(?:was|were|is|are|been|be)\s+(?:\w+ly\s+|then\s+|also\s+)?(?:calculated|measured|"
                     r"assessed|evaluated|analy[sz]ed|compared|examined|investigated|studied|recorded|"
                     r"estimated|determined|tested|reviewed)\b|^\s*(?:[\w-]+\s+){0,2}(?:evaluation|"
                     r"assessment|comparison|analysis)\s+of\b", re.IGNORECASE)
# A restrictive qualifier the sentence cut off: "... oophorectomy in girls with torsion | in which
# the ovary appears necrotic".
_QUALIFIER = re.compile(r"^\s*(?:in\s+which|who|whose|that|only|unless|if|when|where|except|provided)\b",
                        re.IGNORECASE)
_LABEL = re.compile(r"^\((?:[A-Za-z][A-Za-z-]*\s?){1,4}\)\s+")
_NEGATIONS = frozenset({"not", "no", "never", "without", "neither", "nor", "none", "cannot", "can't",
                        "didn't", "doesn't", "don't", "isn't", "wasn't", "weren't", "aren't", "fail",
                        "failed", "fails", "unable", "lack", "lacked", "lacks", "absence", "nonsignificant",
                        "insignificant"})
_PAIRS = (("increase", "decrease"), ("increased", "decreased"), ("increases", "decreases"),
          ("higher", "lower"), ("more", "less"), ("greater", "smaller"), ("improved", "worsened"),
          ("better", "worse"), ("increased", "reduced"), ("raises", "lowers"), ("above", "below"),
          ("positive", "negative"), ("effective", "ineffective"), ("safe", "unsafe"),
          ("similar", "different"), ("similar", "differences"), ("same", "different"),
          ("same", "differences"), ("similar", "differed"))
_COMPARISONS = frozenset({"significantly", "significant", "higher", "lower", "greater", "fewer", "better",
                          "worse", "superior", "inferior", "increased", "decreased", "reduced", "improved",
                          "worsened", "effective", "ineffective", "safer", "outperformed"})
# Claims of cause and effect ("reverses", "prevents", "predicts", "is associated with"): like a
# comparison, one such word turns a passage's background or hypothesis into a finding.
_CLAIM_ROOTS = ("revers", "caus", "prevent", "predict", "associat", "correlat", "protect", "induc",
                "cure", "cured", "cures", "eliminat", "benefi")
_OPPOSITES = tuple(pair for a, b in _PAIRS for pair in ((a, b), (b, a)))


@dataclass
class Draft:
    """A sentence as written by the model: text without markers, and the passages it cites."""

    text: str
    cited: list[int]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; a fragment that is only citations joins the sentence before it."""
    out: list[str] = []
    for part in (p.strip() for p in _SENTENCE.split(text)):
        if not part:
            continue
        if out and not _CITE.sub("", part).strip(" .;,"):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def parse_draft(text: str) -> list[Draft]:
    """The model's answer as sentences with their cited passage numbers."""
    drafts = []
    for sentence in split_sentences(text):
        cited = [int(n) for group in _CITE.findall(sentence) for n in re.findall(r"\d+", group)]
        clean = " ".join(_EMPTY_REF.sub("", _CITE.sub("", sentence)).split()).replace(" .", ".").strip()
        clean = clean.strip("\"“”").strip()  # a quote mark cut off from its other half
        # "(Results)" echoes the prompt's passage label
        clean = _LABEL.sub("", unframe(_LABEL.sub("", clean))).strip("\"“”")
        if re.search(r"[A-Za-z]{2}", clean):  # a statement has words ('"', '-' or 'Passage 1:' is not one)
            drafts.append(Draft(clean, list(dict.fromkeys(cited))))
    return drafts


def unframe(sentence: str) -> str:
    """``sentence`` without an opening that frames it as an inference or a finding.

    "This suggests that ...", "The study found that ...", "Therefore ..." claim more than
    a passage sentence usually states (that the study found it, that it follows), and the
    checker cannot verify that claim; what follows the opening is checked and shown.
    """
    rest = sentence
    for _ in range(3):  # "Passage 1: Based on the results, ..." nests openings
        rest = _FRAMING.sub("", rest, count=1)
    if rest == sentence:
        return sentence
    if not rest.strip(" .:;,\"“”"):
        return ""
    if rest[0] in "\"“" and rest.rstrip(".").endswith(("\"", "”")):
        rest = rest[1:].rstrip(".").rstrip("\"”").rstrip(".") + "."
    return rest[:1].upper() + rest[1:]


def stems(text: str) -> set[str]:
    """Content words, a plural "s" dropped, cut to six characters: a stemmer good enough for overlap."""
    return {(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)[:6]
            for w in terms(text) if w not in _FUNCTION}


def lexical_support(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that occur in the passage."""
    words = stems(sentence)
    if not words:
        return 1.0
    return len(words & stems(passage)) / len(words)


def numbers_supported(sentence: str, passage: str) -> bool:
    """Every number, and every word of comparison, significance or effect, in the sentence is in the passage.

    "Significantly higher" is a claim of the same kind as a dose: small models add it to
    sentences whose passage compares nothing, and overlap barely notices one word.
    """
    found = {n.replace(",", "") for n in _NUMBER.findall(passage)}
    if not all(n.replace(",", "") in found for n in _NUMBER.findall(sentence)):
        return False
    said, stated = _words(sentence), _words(passage)
    if not (said & _COMPARISONS) <= stated:
        return False
    claimed = [root for root in _CLAIM_ROOTS if any(w.startswith(root) for w in said)]
    return all(any(w.startswith(root) for w in stated) for root in claimed)


def semantic_support(sentence_vec: Any, passage_vecs: Sequence[Any]) -> float:
    """Best cosine between the sentence and any passage sentence, clipped to [0, 1]."""
    return best_match(sentence_vec, passage_vecs)[1]


def best_match(sentence_vec: Any, passage_vecs: Sequence[Any]) -> tuple[int, float]:
    """(index of the passage sentence closest to the sentence, their cosine clipped to [0, 1])."""
    import numpy as np

    if not len(passage_vecs):
        return -1, 0.0
    s = np.asarray(sentence_vec, dtype=np.float32)
    m = np.asarray(passage_vecs, dtype=np.float32)
    sims = m @ s / (np.linalg.norm(m, axis=1) * (np.linalg.norm(s) or 1.0) + 1e-9)
    best = int(sims.argmax())
    return best, float(max(0.0, min(1.0, sims[best])))


def contradicts(sentence: str, evidence: str) -> bool:
    """Whether ``sentence`` flips the polarity or the direction of the evidence sentence it paraphrases.

    Overlap and embeddings score "X did not reduce mortality" as close to "X reduced
    mortality" as to itself, and that flip is the error that matters. Three cues catch it:
    a negation in one and not the other ("not", "no", "without", "failed to" ...), a
    direction word whose opposite the evidence uses instead ("increased" for "reduced"),
    and a question or aim stated as a finding (the evidence asks "whether X", or sets out
    "to determine" it, and the sentence asserts X).
    """
    if _negated(sentence) != _negated(evidence) or states_aim(sentence, evidence):
        return True
    said, stated = _words(sentence), _words(evidence)
    return any(word in said and opposite in stated and word not in stated and opposite not in said
               for word, opposite in _OPPOSITES)


def states_aim(sentence: str, evidence: str) -> bool:
    """Whether ``sentence`` asserts what ``evidence`` only asks, aims at, hypothesises or measured."""
    return any(cue.search(evidence) and not cue.search(sentence) for cue in (_AIM, _METHOD))


def drops_qualifier(sentence: str, evidence: str) -> bool:
    """Whether ``sentence`` is the start of ``evidence`` cut just before a restrictive qualifier.

    "Most surgeons perform oophorectomy in girls with ovarian torsion" is word for word the
    passage, and false without its end: "in which the ovary appears necrotic".
    """
    said = re.findall(r"[\w%.-]+", sentence.lower().rstrip(". "))
    words = re.findall(r"[\w%.-]+|[,;:]", evidence.lower())
    plain = [w for w in words if w not in ",;:"]
    if not said or len(said) >= len(plain) or plain[:len(said)] != said:
        return False
    rest = " ".join(plain[len(said):])
    return bool(_QUALIFIER.match(rest))


def closest_in_words(sentence: str, candidates: Sequence[str]) -> str:
    """The candidate sharing most of the sentence's content words ('' when there is none)."""
    return max(candidates, key=lambda c: lexical_support(sentence, c), default="")


def echoes(question: str, sentence: str) -> bool:
    """Whether ``sentence`` only restates the question: at most two words of its own.

    Such a sentence is a verdict ("Cold knife conization is the same procedure as LEEP."
    for "... Are they the same procedure?"), and overlap with a passage proves nothing about
    a verdict: the retrieved passages share the question's words whatever they conclude.
    That holds for any question, not only those opening with "Is" or "Does".
    """
    return len(stems(sentence) - stems(question)) <= ECHO_NEW_WORDS


def grafted(sentence: str, question: str, evidence: str) -> set[str]:
    """The question's words that the sentence states but its evidence sentences do not.

    Asked "Can routine offering of vaccination reduce disparities?", a small model turns
    "the frequency of missed opportunities ... was higher" into "routine offering ... was
    higher": the passage's sentence with the question's subject grafted on, which reads
    as an answer and overlaps the passage almost word for word. A faithful sentence takes
    its terms from the evidence; the question's terms it uses are the evidence's too.
    """
    return (stems(sentence) & stems(question)) - stems(evidence)


def unfinished(draft: str) -> bool:
    """Whether the draft stops mid-sentence (the token budget ran out): no closing mark at its end."""
    tail = _CITE.sub("", draft).rstrip(" \"”')]")
    return bool(tail) and tail[-1] not in ".!?:"


def asks(sentence: str) -> bool:
    """Whether the sentence is a question ("Nasal fractures: is closed reduction satisfying?").

    Small models echo the user's question or a title back as a sentence of the answer; it
    asserts nothing a passage could support, and shown with a citation it reads as if it did.
    """
    return sentence.rstrip(" \"”'").endswith("?")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def _negated(text: str) -> bool:
    """An odd number of negation cues (a double negative reads as positive)."""
    return sum(1 for w in re.findall(r"[a-z']+", text.lower()) if w in _NEGATIONS) % 2 == 1


def combine(lexical: float, semantic: float) -> float:
    """The support score the threshold applies to."""
    return LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * semantic
