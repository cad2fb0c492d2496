"""Speech synthesised for evaluation: text in, 16 kHz mono WAV out.

No public clinical speech audio is available offline, so the eval and the
bench make their own: a text-to-speech engine reads the text, sox resamples
it to 16 kHz mono, and the reference transcript is then exact. Two engines,
both Debian packages with their voices built in (nothing is downloaded):

* espeak-ng (formant synthesis, robotic but clear), several accents, voice
  variants and speeds; the default, and what CI installs;
* flite (CMU, diphone/cluster-unit voices ``slt``, ``awb``, ``rms``, ``kal16``),
  more natural; an option where ``flite`` is installed.

Abbreviations are spoken as a clinician dictates them ("mg" as "milligrams");
the engines would otherwise spell them letter by letter. Files are cached by a
hash of engine, voice, speed and text, so a second run costs nothing.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from edge_assist.errors import ConfigError

SPOKEN = {
    "mg": "milligrams", "mcg": "micrograms", "g": "grams", "kg": "kilograms", "ml": "milliliters",
    "mL": "milliliters", "cm": "centimeters", "mm": "millimeters", "mmHg": "millimeters of mercury",
    "bpm": "beats per minute", "%": " percent", "b.i.d.": "twice a day", "t.i.d.": "three times a day",
    "p.o.": "by mouth", "q.d.": "daily", "p.r.n.": "as needed", "prn": "as needed",
}
_AFTER_NUMBER = {"g", "mm", "cm", "kg", "mg", "mcg", "ml", "mL"}
# "IV" is intravenous ("eye vee") except where it counts: espeak-ng reads a bare "IV" as
# "roman four", words the text never said. Dotted, it says the letters.
_INTRAVENOUS = re.compile(r"(?<![\w.])(?<!stage )(?<!grade )(?<!class )(?<!type )(?<!nerve )IV(?![\w.])",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Voice:
    """One synthetic speaker.

    Attributes:
        engine: ``espeak-ng`` or ``flite``.
        name: the engine's voice (``en-us``, ``en-gb-x-rp+m3``, ``slt``).
        speed: espeak-ng words per minute; for flite, 150 is its normal pace and
            the duration is stretched by 150 / speed.
    """

    engine: str = "espeak-ng"
    name: str = "en-us"
    speed: int = 150

    @property
    def label(self) -> str:
        """A short name for reports (``espeak-ng:en-gb@140``)."""
        return f"{self.engine}:{self.name}@{self.speed}"


VOICE = Voice()
# The eval cycles through these. Accents, a female variant and three speeds; the
# novelty variants (whisper, croak) are left out: nobody dictates like that.
ESPEAK_VOICES = (
    Voice("espeak-ng", "en-us", 150), Voice("espeak-ng", "en-gb", 140),
    Voice("espeak-ng", "en-us+f3", 165), Voice("espeak-ng", "en-gb-x-rp+m3", 135),
    Voice("espeak-ng", "en-us+m2", 175), Voice("espeak-ng", "en-029", 145),
)  # fmt: skip
FLITE_VOICES = (
    Voice("flite", "slt", 150), Voice("flite", "awb", 140), Voice("flite", "rms", 160),
    Voice("flite", "kal16", 150),
)  # fmt: skip


def spoken_form(text: str) -> str:
    """``text`` as it would be dictated: units and Latin abbreviations in words.

    Examples:
        >>> spoken_form("lisinopril 20 mg daily")
        'lisinopril 20 milligrams daily'
        >>> spoken_form("given IV Norflex; stage IV disease")
        'given I.V. Norflex; stage IV disease'
    """
    out = _INTRAVENOUS.sub(lambda m: "I.V." if m.group(0).isupper() else m.group(0), text)
    for short, words in SPOKEN.items():
        if short == "%":
            out = out.replace("%", words)
            continue
        boundary = r"(?<![\w.])" + re.escape(short) + r"(?![\w])"
        if short in _AFTER_NUMBER:
            boundary = r"(?<=\d)\s*" + re.escape(short) + r"\b"
            words = " " + words
        out = re.sub(boundary, words, out)
    return re.sub(r"\s+", " ", out).strip()


def available_voices(engines: tuple[str, ...] = ("espeak-ng",)) -> tuple[Voice, ...]:
    """The eval voices of ``engines`` whose program is installed."""
    pool = {"espeak-ng": ESPEAK_VOICES, "flite": FLITE_VOICES}
    return tuple(v for e in engines if shutil.which(e) for v in pool.get(e, ()))


def require_tools(engine: str = "espeak-ng") -> None:
    """Check the engine and sox are installed.

    Raises:
        ConfigError: either is missing (``scripts/setup --dev`` installs espeak-ng and sox).
    """
    missing = [tool for tool in (engine, "sox") if shutil.which(tool) is None]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} not found; speech synthesis needs them",
                          f"apt-get install {' '.join(missing)} (scripts/setup --dev installs "
                          "espeak-ng and sox)")


def synthesize(text: str, cache_dir: Path, voice: Voice = VOICE) -> Path:
    """A 16 kHz mono WAV of ``text`` read aloud by ``voice``, made once and cached.

    Raises:
        ConfigError: the engine or sox is missing.
    """
    require_tools(voice.engine)
    spoken = spoken_form(text)
    key = f"{voice.name}|{voice.speed}|{spoken}"
    if voice.engine != "espeak-ng":  # keeps the cache names of earlier espeak-only runs
        key = f"{voice.engine}|{key}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    target = cache_dir / f"{digest}.wav"
    if target.is_file() and target.stat().st_size > 44:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    raw = cache_dir / f"{digest}.raw.wav"
    partial = cache_dir / f"{digest}.part.wav"
    subprocess.run(_engine_command(voice, spoken, raw), check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(partial)],
                   check=True, capture_output=True)
    raw.unlink()
    partial.replace(target)  # atomic: a killed run never leaves a half-written clip
    return target


def _engine_command(voice: Voice, spoken: str, out: Path) -> list[str]:
    if voice.engine == "flite":
        stretch = f"{150 / voice.speed:.3f}"
        return ["flite", "-voice", voice.name, "--setf", f"duration_stretch={stretch}",
                "-t", spoken, "-o", str(out)]
    return ["espeak-ng", "-v", voice.name, "-s", str(voice.speed), "-w", str(out), spoken]
