"""Notes per second of ``extract`` on the rules path and with the LLM, with peak RSS.

The notes are synthetic and hand-written in the style of clinic notes (no
shared data set, no patient text): a fixed header, then paragraphs drawn in a
fixed pseudo-random order until the note reaches the wanted length, so every
run measures the same text. Each row runs in its own child process; the first
note warms the lexicons, the ConText rules and the ICD-10-CM lookup (and loads
the LLM), and is timed separately as ``first_s``.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from edge_assist.bench.child import in_child

_HEADER = ("CLINIC NOTE\n"
           "Chief complaint: follow-up of hypertension and type 2 diabetes.\n\n"
           "HPI: 67 yo man seen for routine follow-up. Reports mild fatigue for 2 weeks and "
           "occasional headache in the mornings. Denies chest pain, shortness of breath or "
           "palpitations. No fever or chills. Sleeping poorly since his wife's surgery.\n\n")
_PARAGRAPHS = (
    "Medications:\n- Metoprolol 25 mg PO BID\n- Lisinopril 10 mg by mouth daily\n"
    "- Metformin 500 mg tablet twice daily with meals\n- Atorvastatin 40 mg at bedtime\n"
    "- Aspirin 81 mg daily\n\n",
    "Allergies: penicillin (rash, hives); sulfa drugs cause nausea.\n\n",
    "Past medical history: hypertension, type 2 diabetes, hyperlipidemia, history of "
    "myocardial infarction in 2015 treated with PCI. Prior cholecystectomy.\n\n",
    "Family history: mother had breast cancer; father died of stroke at 70. Brother with "
    "diabetes.\n\n",
    "Social history: former smoker, quit 10 years ago. Drinks 1-2 beers on weekends. Lives "
    "with his wife, retired teacher.\n\n",
    "ROS: negative for vision changes, cough, abdominal pain, nausea, vomiting, dysuria. "
    "Positive for fatigue. No leg swelling. Possible mild depression, patient unsure.\n\n",
    "Vitals: BP 150/95, HR 88, RR 16, Temp 98.6 F, SpO2 97%, Weight 92 kg, Height 178 cm, "
    "BMI 29.0\n\n",
    "Exam: alert and oriented, no acute distress. Lungs clear to auscultation bilaterally, "
    "no wheezes or crackles. Heart regular rate and rhythm, no murmur. Abdomen soft, "
    "nontender. No edema of the lower extremities.\n\n",
    "Labs: Hemoglobin A1c 8.1 (H), glucose 162 mg/dL, creatinine 1.1 mg/dL, potassium 4.6, "
    "sodium 139, LDL 112, hemoglobin 13.2 g/dL.\n\n",
    "Assessment and plan:\n1. Hypertension, not at goal. Increase lisinopril to 20 mg daily. "
    "Recheck BP in 2 weeks.\n2. Type 2 diabetes, A1c above target. Continue metformin; "
    "consider adding empagliflozin if no improvement.\n3. Fatigue, likely multifactorial; rule "
    "out anemia and hypothyroidism, check TSH.\n\n",
    "Eye: glaucoma follow-up. Using latanoprost 1 drop OU qhs, missed doses last week. "
    "Timolol was stopped due to bradycardia. Started Cosopt twice a day in the right eye "
    "for 3 months.\n\n",
    "Patient was counseled to return if he develops chest pain, shortness of breath or "
    "worsening headache. Pneumonia was ruled out on chest x-ray last month. Colonoscopy "
    "due next year.\n\n",
    "Interval history: ED visit 3 weeks ago for dizziness, CT head negative for bleed. "
    "Started on meclizine 25 mg PO q8h PRN, took it for 5 days then stopped. No recurrence "
    "of vertigo. Ambulating without a cane.\n\n",
)
SIZES = (500, 2000, 5000)


def synthetic_note(chars: int, seed: int = 0) -> str:
    """A hand-written-style clinic note of about ``chars`` characters (never patient data).

    Paragraphs are appended in a pseudo-random order fixed by ``seed`` until the
    note reaches ``chars``; it is then cut at the last line break before the limit.

    Examples:
        >>> 400 < len(synthetic_note(500)) <= 500
        True
    """
    rng = random.Random(seed)
    text = _HEADER
    while len(text) < chars:
        text += rng.choice(_PARAGRAPHS)
    cut = text.rfind("\n", 0, chars + 1)
    return text[:cut + 1] if cut > 0 else text[:chars]


def _measure(chars: int, notes: int, use_llm: bool, profile: str) -> dict[str, Any]:
    from edge_assist.assistant import Assistant
    from edge_assist.errors import EdgeAssistError

    texts = [synthetic_note(chars, seed) for seed in range(notes + 1)]
    try:
        with Assistant.open(profile=profile) as assistant:
            started = time.perf_counter()
            assistant.extract(texts[0], use_llm=use_llm)  # warm-up: lexicons, ICD lookup, model
            first = time.perf_counter() - started
            times = []
            for text in texts[1:]:
                started = time.perf_counter()
                assistant.extract(text, use_llm=use_llm)
                times.append(time.perf_counter() - started)
            model = assistant.model_id("llm") if use_llm else "rules"
    except EdgeAssistError as exc:
        return {"path": "llm" if use_llm else "rules", "chars": chars, "error": exc.message}
    return {"path": "llm" if use_llm else "rules", "model": model, "chars": chars,
            "mean_chars": round(statistics.mean(len(t) for t in texts[1:])), "notes": len(times),
            "notes_per_s": round(len(times) / sum(times), 1),
            "ms_per_note_p50": round(statistics.median(times) * 1000, 1),
            "ms_per_note_max": round(max(times) * 1000, 1), "first_s": round(first, 2)}


def bench_extract(sizes: tuple[int, ...] = SIZES, notes: int = 50, llm_notes: int = 3,
                  llm_chars: int = 2000, profile: str = "default") -> list[dict[str, Any]]:
    """Rows of notes/s: the rules path at each size, then the LLM path on a few notes.

    Args:
        sizes: note lengths in characters for the rules path.
        notes: timed notes per rules row (after one warm-up note).
        llm_notes: timed notes for the LLM row (0: skip it).
        llm_chars: note length for the LLM row.
        profile: the settings profile whose chat model the LLM row uses.
    """
    rows = [in_child(_measure, chars=c, notes=notes, use_llm=False, profile=profile) for c in sizes]
    if llm_notes:
        rows.append(in_child(_measure, chars=llm_chars, notes=llm_notes, use_llm=True, profile=profile))
    return rows
