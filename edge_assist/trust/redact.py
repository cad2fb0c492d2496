"""PHI redaction (HIPAA Safe Harbor identifiers) for logs and de-identified exports.

Rules, not a model: each identifier is a regular expression, most of them
anchored on a cue a clinician's note gives (``MRN:``, ``Dr.``, ``DOB``, a street
suffix, ``fax``). Names are the hard part: they are found after titles and
labels (``Patient:``, ``Dr.``, ``Emergency contact:``), as a known first name
followed by a capitalised word, and then every other occurrence of a surname
found that way is redacted too. What counts: names, dates (every element but
the year), ages over 89, phone and fax numbers, e-mail addresses, street
addresses and ZIP codes, medical record and other account/licence numbers,
SSNs, URLs and IP addresses. Recall and precision are measured by
``edge-assist eval phi`` on :mod:`edge_assist.trust.phi_synth`'s synthetic set;
the README gives the figures, and Safe Harbor still asks a human to check.

Clinical numbers that look like identifiers (``BP 142/88``, ``5/325 mg``, a
72-year-old) are left alone: dates need a plausible month/day/year, and ages
are kept up to 89.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Category = Literal["NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "ADDRESS", "ZIP", "ID", "SSN",
                   "URL", "IP"]
CATEGORIES: tuple[str, ...] = ("NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "ADDRESS", "ZIP",
                               "ID", "SSN", "URL", "IP")


@dataclass(frozen=True)
class PhiSpan:
    """One identifier found: ``text[start:end]`` and its category."""

    start: int
    end: int
    category: str


@dataclass(frozen=True)
class Redaction:
    """Redacted text and the spans (in the original text) that were replaced."""

    text: str
    spans: tuple[PhiSpan, ...]


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_CAP = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_NAME_SEQ = rf"{_CAP}(?:\s+[A-Z]\.)?(?:\s+{_CAP}){{0,2}}"
_STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|"
                  r"Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq)\.?")
_STATES = str.split("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT "
                    "NE NV NH NJ "
           "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC")
_ID_LABEL = (r"(?:MRN|MR#|Medical\s+record(?:\s+(?:number|no\.?|#))?|Record\s*(?:number|no\.?|#)|"
             r"Acct\.?|Account(?:\s+(?:number|no\.?|#))?|Member\s+ID|Health\s+plan(?:\s+ID)?|"
             r"Beneficiary(?:\s+(?:number|ID))?|Policy(?:\s+(?:number|no\.?|#))?|Licen[sc]e(?:\s+#)?|"
             r"DEA(?:\s+#)?|NPI|Serial(?:\s+(?:number|no\.?|#))?|Device\s+ID|Encounter(?:\s+#)?|"
             r"Accession(?:\s+#)?|Plate)")

# (category, pattern, group holding the identifier)
_RULES: list[tuple[str, re.Pattern[str], int]] = [
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), 0),
    ("URL", re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"), 0),
    ("IP", re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
                      r"(?![\d.]*\d)"), 0),
    ("IP", re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"), 0),
    ("SSN", re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), 0),
    ("SSN", re.compile(r"\b(?:SSN|Social\s+Security(?:\s+(?:number|no\.?))?)\s*[:#]?\s*(\d{9})\b", re.I), 1),
    ("FAX", re.compile(r"\bfax(?:\s*(?:number|no\.?|#))?\s*[:#]?\s*"
                       r"((?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4})\b", re.I), 1),
    ("PHONE", re.compile(r"(?<![\d/])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"), 0),
    ("ID", re.compile(rf"\b{_ID_LABEL}\s*[:#]?\s*(?:is\s+)?([A-Z0-9][A-Z0-9-]{{3,}})\b", re.I), 1),
    ("DATE", re.compile(r"(?<![\d/.])(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\d|3[01])[/-](?:\d{4}|\d{2})"
                        r"(?![\d/])"), 0),
    ("DATE", re.compile(r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"), 0),
    ("DATE", re.compile(rf"\b{_MONTH}\s+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"), 0),
    ("DATE", re.compile(rf"\b(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
                        r"(?:,?\s+\d{4})?\b"), 0),
    ("DATE", re.compile(rf"\b{_MONTH}\s+\d{{4}}\b"), 0),
    ("AGE", re.compile(r"\b(?:9\d|1[0-4]\d)(?=\s*-?\s*(?:years?|yrs?|y/?o\b|y\.o\.|-year))", re.I), 0),
    ("AGE", re.compile(r"\b(?:age[ds]?|aged)\s*:?\s*(9\d|1[0-4]\d)\b", re.I), 1),
    ("ADDRESS", re.compile(rf"\b\d{{1,5}}\s+(?:[NSEW]\.?\s+)?(?:{_CAP}\s+){{1,3}}{_STREET_SUFFIX}"
                           r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*#?\w+)?"), 0),
    ("ADDRESS", re.compile(r"\b(?:P\.?\s?O\.?\s+Box|Box)\s+\d+\b", re.I), 0),
    ("ADDRESS", re.compile(rf"\b{_CAP}(?:\s+{_CAP})?,\s+(?:{'|'.join(_STATES)})\b(?=\s+\d{{5}})"), 0),
    ("ZIP", re.compile(rf"(?<=\b(?:{'|'.join(_STATES)})\s)\d{{5}}(?:-\d{{4}})?\b"), 0),
    ("ZIP", re.compile(r"\b(?:ZIP|zip\s*code|postal\s+code)\s*:?\s*(\d{5}(?:-\d{4})?)\b", re.I), 1),
    ("NAME", re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+({_NAME_SEQ})"), 1),
    ("NAME", re.compile(rf"\b(?:[Pp]atient(?:\s+name)?|Pt|Name|Patient\s+Name|Seen\s+by|Attending|"
                        rf"Referred\s+by|Referring|PCP|Signed(?:\s+by)?|Electronically\s+signed\s+by|"
                        rf"[Ee]mergency\s+contact|Contact|Guardian|Next\s+of\s+kin|Nurse|RN|NP|PA|"
                        rf"Resident|Provider|Physician|Surgeon|Cc|CC)\s*[:,]\s*"
                        rf"(?:(?:[Hh]is|[Hh]er)\s+\w+\s*,?\s*)?({_NAME_SEQ}(?:,\s*{_CAP})?)"), 1),
    ("NAME", re.compile(rf"\b(?:[Ww]ife|[Hh]usband|[Dd]aughter|[Ss]on|[Mm]other|[Ff]ather|[Ss]ister|"
                        rf"[Bb]rother|[Ss]pouse|[Pp]artner|[Ff]riend|[Nn]eighbou?r),?\s+({_CAP}"
                        rf"(?:\s+{_CAP})?)\b"), 1),
    ("NAME", re.compile(rf"({_CAP}(?:\s+[A-Z]\.)?\s+{_CAP}),?\s+(?:MD|DO|RN|NP|PA-C|PhD|MBBS)\b"), 1),
]

#: Common US given names (Social Security Administration top names), for names with no cue.
FIRST_NAMES = frozenset(str.split("""
James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel Matthew
Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy Ronald Jason Edward
Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel
Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Zachary
Douglas Peter Kyle Noah Ethan Jeremy Walter Christian Keith Roger Terry Austin Sean Gerald Carl Harold
Dylan Arthur Lawrence Jordan Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah
Wayne Randy Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene Mary Patricia Jennifer Linda
Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra Margaret Ashley Kimberly Emily
Donna Michelle Carol Amanda Melissa Deborah Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen
Angela Shirley Brenda Emma Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn
Janet Maria Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina
Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria Sara Janice Ann
Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace Amber Denise Danielle Marilyn
Beverly Charlotte Natalie Theresa Diana Brittany Doris Kayla Alexis Lori Marie Rose Mia Priya Wei
Mohammed Ahmed Fatima Aisha Luis Carlos Miguel Sofia Lucia Chen Li Raj Anil Sunita
"""))

_NOT_NAMES = frozenset(str.split("""
The This That These Those He She They We It His Her Their Our Patient Pt Denies Reports States
Admitted Discharged History Plan Assessment Allergies Medications Exam Vitals Labs Follow Return Call
Continue Start Stop Blood Chest Left Right No Not None Normal Will Has Had Was Is Are And Or With
Without For From On In At By To Of Emergency Department Hospital Clinic Unit Service Monday Tuesday
Wednesday Thursday Friday Saturday Sunday Today Tomorrow Yesterday Note Signed Seen Date Time Age
Sex Male Female Phone Fax Email Address Street Avenue Road Room Bed Floor Ward Dr Mr Mrs Ms Md
"""))


def find_phi(text: str) -> list[PhiSpan]:
    """Every identifier in ``text``, merged so no two spans overlap, in order."""
    spans: list[PhiSpan] = []
    for category, pattern, group in _RULES:
        for match in pattern.finditer(text):
            start, end = match.span(group)
            if start < end and _plausible(category, text[start:end]):
                spans.append(PhiSpan(start, end, category))
    spans += _lexicon_names(text)
    spans += _repeated_surnames(text, spans)
    return _merge(spans)


def redact(text: str, style: Literal["category", "mask"] = "category") -> Redaction:
    """``text`` with every identifier replaced by ``[CATEGORY]`` (or ``***``).

    Examples:
        >>> redact("Seen by Dr. Alice Wong on 03/14/2021, MRN: 4829301.").text
        'Seen by Dr. [NAME] on [DATE], MRN: [ID].'
    """
    spans = find_phi(text)
    out, pos = [], 0
    for span in spans:
        out.append(text[pos:span.start])
        out.append(f"[{span.category}]" if style == "category" else "***")
        pos = span.end
    out.append(text[pos:])
    return Redaction("".join(out), tuple(spans))


def redact_text(text: str) -> str:
    """Shorthand for ``redact(text).text``."""
    return redact(text).text


def redact_values(data: object) -> object:
    """Redact every string inside a JSON-like structure (for de-identified exports)."""
    if isinstance(data, str):
        return redact_text(data)
    if isinstance(data, dict):
        return {k: redact_values(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [redact_values(v) for v in data]
    return data


class RedactingFilter(logging.Filter):
    """A logging filter that redacts PHI from every record's formatted message.

    :class:`~edge_assist.logs.PatientText` keeps note text out of logs; this is
    the second line, for an identifier that reaches a log line some other way
    (a file name, an exception message).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg, record.args = redact_text(message), None
        return True


def install_log_filter(logger_name: str = "edge_assist") -> None:
    """Add :class:`RedactingFilter` to edge-assist's logger and its handlers (idempotent)."""
    logger = logging.getLogger(logger_name)
    for target in [logger, *logger.handlers]:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())


def _plausible(category: str, value: str) -> bool:
    if category == "NAME":
        words = [w for w in re.split(r"[\s,]+", value) if w]
        return bool(words) and not all(w.rstrip(".") in _NOT_NAMES for w in words)
    if category == "ID":
        return any(ch.isdigit() for ch in value)
    return True


def _lexicon_names(text: str) -> Iterable[PhiSpan]:
    pattern = re.compile(rf"\b({_CAP})(?:\s+[A-Z]\.)?\s+({_CAP})\b")
    for match in pattern.finditer(text):
        if match.group(1) in FIRST_NAMES and match.group(2) not in _NOT_NAMES:
            yield PhiSpan(match.start(), match.end(), "NAME")


def _repeated_surnames(text: str, spans: list[PhiSpan]) -> Iterable[PhiSpan]:
    words = set()
    for span in spans:
        if span.category == "NAME":
            words.update(w for w in re.findall(_CAP, text[span.start:span.end])
                         if w not in _NOT_NAMES and len(w) > 2)
    for word in words:
        for match in re.finditer(rf"\b{re.escape(word)}\b", text):
            yield PhiSpan(match.start(), match.end(), "NAME")


def _merge(spans: list[PhiSpan]) -> list[PhiSpan]:
    merged: list[PhiSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = PhiSpan(last.start, span.end, last.category)
            continue
        merged.append(span)
    return merged
