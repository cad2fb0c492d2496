"""Speech synthesised with espeak-ng for evaluation: text in, 16 kHz mono WAV out.

No public clinical speech audio is available offline, so the eval and the
bench make their own: espeak-ng reads the text, sox resamples it to 16 kHz
mono. The reference transcript is then exact. Abbreviations are spoken as a
clinician dictates them ("mg" as "milligrams"); espeak-ng would otherwise
spell them letter by letter. Files are cached by a hash of text and voice, so
a second run costs nothing.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from edge_assist.errors import ConfigError

VOICE = "en-us"
WORDS_PER_MINUTE = 150
SPOKEN = {
    "mg": "milligrams", "mcg": "micrograms", "g": "grams", "kg": "kilograms", "ml": "milliliters",
    "mL": "milliliters", "cm": "centimeters", "mm": "millimeters", "mmHg": "millimeters of mercury",
    "bpm": "beats per minute", "%": " percent", "b.i.d.": "twice a day", "t.i.d.": "three times a day",
    "p.o.": "by mouth", "q.d.": "daily", "p.r.n.": "as needed", "prn": "as needed",
}


def spoken_form(text: str) -> str:
    """``text`` as it would be dictated: units and Latin abbreviations in words.

    Examples:
        >>> spoken_form("lisinopril 20 mg daily")
        'lisinopril 20 milligrams daily'
    """
    out = text
    for short, words in SPOKEN.items():
        if short == "%":
            out = out.replace("%", words)
            continue
        boundary = r"(?<![\w.])" + re.escape(short) + r"(?![\w])"
        if short in {"g", "mm", "cm", "kg", "mg", "mcg", "ml", "mL"}:
            boundary = r"(?<=\d)\s*" + re.escape(short) + r"\b"
            words = " " + words
        out = re.sub(boundary, words, out)
    return re.sub(r"\s+", " ", out).strip()


def require_tools() -> None:
    """Check espeak-ng and sox are installed.

    Raises:
        ConfigError: either is missing (``scripts/setup --dev`` installs them).
    """
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} not found; speech synthesis needs them",
                          "apt-get install espeak-ng sox (scripts/setup --dev does this)")


def synthesize(text: str, cache_dir: Path, voice: str = VOICE) -> Path:
    """A 16 kHz mono WAV of ``text`` read aloud, made once and cached under ``cache_dir``.

    Raises:
        ConfigError: espeak-ng or sox missing.
    """
    require_tools()
    spoken = spoken_form(text)
    digest = hashlib.sha256(f"{voice}|{WORDS_PER_MINUTE}|{spoken}".encode()).hexdigest()[:20]
    target = cache_dir / f"{digest}.wav"
    if target.is_file() and target.stat().st_size > 44:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    raw = cache_dir / f"{digest}.raw.wav"
    partial = cache_dir / f"{digest}.part.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", str(raw), spoken],
                   check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(partial)],
                   check=True, capture_output=True)
    raw.unlink()
    partial.replace(target)  # atomic: a killed run never leaves a half-written clip
    return target
