"""Yes / no / maybe: read from the model's next-token probabilities, then calibrated.

Small models answer yes/no questions badly when their generated text is parsed:
a greedy sample hides how close the call was, and they almost never say
"maybe". Instead the three labels are scored as the first token of the reply
(:meth:`edge_assist.models.base.ChatModel.choice_logprobs`), each label's
spellings ("Yes", "yes") pooled, and the three renormalised. A per-model bias
added to the log-probabilities of "no" and "maybe" then corrects the model's
prior (the 0.5B model leans to "yes"; neither model ever ranks "maybe" first).

Two ways to ask, both on the same messages:

* direct: the label is scored right after the evidence and the question;
* after reasoning: the model's own short answer (the cited draft in ``ask``, a
  one-sentence reading of the results in the PubMedQA eval) is put in the
  chat, then the label is asked for in a follow-up turn.

The biases in :data:`CALIBRATION` were fitted on the first ``fit_rows`` rows
of the PubMedQA dev file and checked on the rows after them (the ``pubmedqa``
eval reports both halves); a model without an entry gets no bias.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from edge_assist.models.base import ChatModel, GenerationOptions, Message

LABELS = ("yes", "no", "maybe")
SPELLINGS = {"yes": ("Yes", "yes"), "no": ("No", "no"), "maybe": ("Maybe", "maybe")}
DIRECT_TURN = "Answer the question with one word: yes, no or maybe."
REASON_TURN = "In one sentence, say what the results show about the question."
FOLLOW_UP = "So, is the answer to the question yes, no or maybe? Reply with one word."
REASON_TOKENS = 60
_YES_NO = re.compile(
    r"^\s*(?:and\s+|but\s+|so\s+|then\s+|really\s+)?(is|are|was|were|does|do|did|can|could|should|would|"
    r"will|has|have|had|may|might|must|shall)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[:;]\s+|(?<=[.!?])\s+")  # "Cold knife conization vs. LEEP. Are they the same?"


@dataclass(frozen=True)
class Calibration:
    """How one model's label log-probabilities are read.

    Attributes:
        reason: when no reasoning is given, have the model reason first (else ask directly).
        direct_bias: added to each label's log-probability when it is asked directly,
        reason_bias: and when it is asked after reasoning, before the arg-max.
        fit_rows: the biases were fitted on PubMedQA dev rows ``[0, fit_rows)``; the rows
            after them are held out (the ``pubmedqa`` eval reports both).
    """

    reason: bool = False
    direct_bias: dict[str, float] = field(default_factory=dict)
    reason_bias: dict[str, float] = field(default_factory=dict)
    fit_rows: int = 0

    def bias(self, reasoned: bool) -> dict[str, float]:
        """The bias for a label asked after reasoning (``reasoned``) or directly."""
        return self.reason_bias if reasoned else self.direct_bias


# Fitted by grid search (steps of 0.25, the smallest total |bias| among ties) for accuracy on
# PubMedQA dev rows 0-249 with the ``pubmedqa`` prompt; rows 250-499 held out. qwen 1.5B direct:
# 0.652 on the fitting rows, 0.596 held out (always-yes 0.536; the earlier bias, fitted on rows
# 0-39 only, scored 0.568 on the same held-out rows). Fitting on rows 250-499 instead gives a
# similar bias (no 1.75, maybe -1.5) and 0.632 on rows 0-249; fitting on all 500 gives this one.
# qwen 0.5B has no entry: yes-vs-no AUC 0.54 on 80 rows, and its best bias answers "yes" to 79
# of 80 (0.575 held out, no better than the prior).
CALIBRATION: dict[str, Calibration] = {
    "qwen2.5-coder-1.5b-instruct-q4_k_m": Calibration(reason=False, direct_bias={"no": 2.25, "maybe": -1.25},
                                                      fit_rows=250),
}


@dataclass
class Verdict:
    """The decision on a yes/no question.

    Attributes:
        label: ``yes``, ``no`` or ``maybe`` (after the calibration bias).
        probabilities: the model's own probabilities of the three labels (before bias).
        reasoning: the model's short answer the label was asked after ('' when direct).
    """

    label: str
    probabilities: dict[str, float]
    reasoning: str = ""


def is_yes_no(question: str) -> bool:
    """Whether ``question`` asks for yes or no ("Is ...?", "Does ...?", "Should ...?").

    The auxiliary may open any clause, as in the titles clinicians and papers write:
    "Nasal fractures: is closed reduction satisfying?", "Cold knife conization vs. LEEP.
    Are they the same procedure?".
    """
    return any(_YES_NO.match(clause) for clause in _CLAUSE.split(question) if clause.strip())


def enabled_for(model_id: str) -> bool:
    """Whether ``ask`` leads with a verdict on this model: only where a fitted calibration showed signal.

    A model whose label probabilities do not separate yes from no on held-out rows would
    only repeat its prior ("yes") with a confident-looking number, so it gets no entry.
    """
    return model_id in CALIBRATION


def calibration_for(model_id: str) -> Calibration:
    """The fitted calibration of ``model_id`` (no bias, direct, when it has none)."""
    return CALIBRATION.get(model_id, Calibration())


def label_logprobs(llm: ChatModel, messages: Sequence[Message]) -> dict[str, float]:
    """Log-probabilities of yes / no / maybe as the reply to ``messages``, renormalised over the three."""
    choices = [s for label in LABELS for s in SPELLINGS[label]]
    scores = dict(zip(choices, llm.choice_logprobs(messages, choices), strict=True))
    pooled = {label: _logsumexp([scores[s] for s in SPELLINGS[label]]) for label in LABELS}
    total = _logsumexp(list(pooled.values()))
    return {label: value - total for label, value in pooled.items()}


def choose(logprobs: dict[str, float], bias: dict[str, float] | None = None) -> str:
    """The label with the highest biased log-probability (ties go to the earlier label)."""
    bias = bias or {}
    return max(LABELS, key=lambda label: logprobs[label] + bias.get(label, 0.0))


def with_turn(messages: Sequence[Message], instruction: str) -> list[Message]:
    """``messages`` with ``instruction`` appended to the last user turn.

    Appending (rather than adding a turn) keeps every token before it identical, so
    the KV cache of the evidence is reused between the direct and reasoning prompts.
    """
    *head, last = messages
    return [*head, Message(last.role, f"{last.content}\n\n{instruction}")]


def after_reasoning(messages: Sequence[Message], reasoning: str) -> list[Message]:
    """The chat with the model's short answer, then the follow-up asking for the label."""
    return [*messages, Message("assistant", reasoning), Message("user", FOLLOW_UP)]


def reason(llm: ChatModel, messages: Sequence[Message], max_tokens: int = REASON_TOKENS) -> str:
    """The model's reply to ``messages`` (which end asking for a one-sentence reading), first line kept."""
    text = llm.chat(messages, GenerationOptions(max_tokens=max_tokens, stop=["\n"]))
    return text.strip()


def decide(llm: ChatModel, messages: Sequence[Message], reasoning: str | None = None,
           calibration: Calibration | None = None) -> Verdict:
    """Yes, no or maybe for the question in ``messages`` (evidence and question, as the model sees them).

    Args:
        reasoning: the model's own answer to put before the label question; None asks
            for the label directly, or (when the calibration says so) has the model
            reason first with :func:`reason`.
        calibration: defaults to the fitted one for ``llm``.
    """
    cal = calibration or calibration_for(llm.id)
    if reasoning is None and cal.reason:
        messages = with_turn(messages, REASON_TURN)
        reasoning = reason(llm, messages)
    turn = after_reasoning(messages, reasoning) if reasoning else with_turn(messages, DIRECT_TURN)
    logprobs = label_logprobs(llm, turn)
    probabilities = {label: round(math.exp(v), 4) for label, v in logprobs.items()}
    return Verdict(choose(logprobs, cal.bias(bool(reasoning))), probabilities, reasoning or "")


def lead(decided: Verdict) -> str:
    """The line that heads the answer text: the label, and that it is the model's reading."""
    p = decided.probabilities[decided.label]
    return f"{decided.label.capitalize()} (the model's reading of the cited evidence, probability {p:.2f})."


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))
