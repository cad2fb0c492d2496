"""Property tests: parsers and validators take any input and answer with a value or a typed error.

The only acceptable failure is an :class:`~edge_assist.errors.EdgeAssistError` (which the CLI turns
into one line and an exit code); any other exception is a crash a user would see as a traceback.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_assist import calculators
from edge_assist.calculators import units
from edge_assist.errors import EdgeAssistError, InputError

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNITS = ["mg/dL", "umol/L", "µmol/L", "mmol/L", "mEq/L", "g/dL", "g/L", "kg", "lb", "lbs", "cm", "in",
         "°F", "°C", "F", "C", "%", "mg", "mcg/kg/min", "x10^9/L", "", "furlongs", "m/s"]
ANALYTES = ["creatinine", "glucose", "bun", "calcium", "sodium", "bilirubin", "", "unobtainium"]


@FAST
@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(UNITS) | st.text(max_size=12),
       st.sampled_from(UNITS) | st.text(max_size=12), st.sampled_from(ANALYTES))
def test_unit_conversion_returns_a_number_or_input_error(value, unit, target, analyte) -> None:
    """convert() never raises anything but InputError."""
    try:
        result = units.convert(value, unit, target, analyte)
    except InputError as exc:
        assert "\n" not in exc.message
        return
    assert isinstance(result, float)
    same = units.normalize_unit(unit) == units.normalize_unit(target)
    assert same or (units.is_known(unit) and units.is_known(target)), "an unknown unit converted"


#: Units of one dimension, each with its size in the first unit's terms: any two must convert.
_DIMENSIONS = [("kg", {"kg": 1.0, "lb": 0.45359237, "g": 1e-3, "mg": 1e-6}),
               ("cm", {"cm": 1.0, "in": 2.54, "m": 100.0, "mm": 0.1}),
               ("mmol/L", {"mmol/L": 1.0, "umol/L": 1e-3, "µmol/L": 1e-3, "mol/L": 1e3})]


@FAST
@given(st.sampled_from(_DIMENSIONS), st.data(), st.floats(-1e9, 1e9))
def test_units_of_one_dimension_always_convert_by_their_factor(dimension, data, value) -> None:
    """Two units of one dimension give value x factor, never an error."""
    _, sizes = dimension
    unit, target = data.draw(st.sampled_from(sorted(sizes))), data.draw(st.sampled_from(sorted(sizes)))
    result = units.convert(value, unit, target)
    assert math.isclose(result, value * sizes[unit] / sizes[target], rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize(("value", "unit", "target", "analyte", "expected"), [
    (98.6, "°F", "°C", "", 37.0), (0.0, "°C", "F", "", 32.0), (88.42, "µmol/L", "mg/dL", "creatinine", 1.0),
    (180.16, "mg/dL", "mmol/L", "glucose", 10.0), (2.0, "mmol/L", "mEq/L", "calcium", 4.0)])
def test_known_conversions_give_the_textbook_value(value, unit, target, analyte, expected) -> None:
    """Temperature, molar mass and valence conversions give the value a clinician would."""
    assert units.convert(value, unit, target, analyte) == pytest.approx(expected, abs=1e-3)


@FAST
@given(st.floats(min_value=0.01, max_value=1e4), st.sampled_from(ANALYTES[:6]))
def test_molar_conversion_round_trips(value, analyte) -> None:
    """mg/dL -> mmol/L -> mg/dL gives the value back."""
    there = units.convert(value, "mg/dL", "mmol/L", analyte)
    assert math.isclose(units.convert(there, "mmol/L", "mg/dL", analyte), value, rel_tol=1e-9)


@FAST
@given(st.text(max_size=40))
def test_normalize_unit_is_idempotent(unit) -> None:
    """Normalising twice changes nothing."""
    once = units.normalize_unit(unit)
    assert units.normalize_unit(once) == once


_CALCS = [c.id for c in calculators.available()]
_RAW = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=20)
        | st.tuples(st.floats(), st.sampled_from(UNITS)) | st.dates().map(str))


@FAST
@given(st.sampled_from(_CALCS), st.data())
def test_calculator_inputs_give_a_result_or_input_error(calc_id, data) -> None:
    """Any values for any calculator's inputs: a result, or InputError — never a crash."""
    calc = calculators.get(calc_id)
    names = [i.name for i in calc.spec.inputs]
    values = data.draw(st.dictionaries(st.sampled_from(names), _RAW, max_size=len(names)))
    try:
        result = calc.compute(values)
    except InputError as exc:
        assert "\n" not in exc.message
        return
    if isinstance(result.value, float):
        assert math.isfinite(result.value)


def _plausible(spec) -> object:  # type: ignore[no-untyped-def]
    """A value inside an input's stated range (the middle of it), in its canonical unit."""
    if spec.type == "number":
        low = spec.min if spec.min is not None else 1.0
        return (low + (spec.max if spec.max is not None else 2 * low + 10)) / 2
    if spec.type == "choice":
        return spec.choices[0].value
    return {"bool": False, "date": "01/15/2020"}[spec.type]


@pytest.mark.parametrize("calc_id", _CALCS)
def test_every_calculator_computes_from_inputs_inside_their_ranges(calc_id) -> None:
    """The other side of the property above: plausible values for every input give a finite result."""
    calc = calculators.get(calc_id)
    result = calc.compute({i.name: _plausible(i) for i in calc.spec.inputs})
    assert result.value is not None and result.missing == []
    if isinstance(result.value, float):
        assert math.isfinite(result.value)


@FAST
@given(st.text(max_size=400) | st.binary(max_size=400))
def test_transcript_parser_gives_turns_or_input_error(data) -> None:
    """The note transcript parser accepts any text or bytes with turns or a typed error."""
    from edge_assist.notes.transcript import parse

    try:
        transcript = parse(data)
    except InputError as exc:
        assert "\n" not in exc.message
        return
    assert transcript.turns and all(t.text.strip() for t in transcript.turns)


_TURN = st.tuples(st.sampled_from(["[doctor]", "[patient]", "Doctor:", "Patient:", "[DOCTOR]"]),
                  st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=60))


@FAST
@given(st.lists(_TURN, min_size=1, max_size=8))
def test_tagged_transcripts_never_crash(turns) -> None:
    """Speaker-tagged conversations with arbitrary words parse or fail with InputError."""
    from edge_assist.notes.transcript import parse

    try:
        transcript = parse("\n".join(f"{tag} {text}" for tag, text in turns))
    except InputError as exc:
        assert "\n" not in exc.message
        return
    assert all(t.text == " ".join(t.text.split()) and t.text for t in transcript.turns)


_TAGS = {"[doctor]": "doctor", "[patient]": "patient", "Doctor:": "doctor", "Patient:": "patient"}
_ENGLISH_WORDS = st.lists(st.sampled_from(["the", "pain", "is", "and", "no", "fever", "she", "has",
                                           "a", "cough", "for", "two", "days", "it", "was", "better"]),
                          min_size=1, max_size=8)


@FAST
@given(st.lists(st.tuples(st.sampled_from(sorted(_TAGS)), _ENGLISH_WORDS), min_size=2, max_size=8))
def test_tagged_english_turns_parse_to_their_speakers_and_words(turns) -> None:
    """Tagged English turns always parse: one turn per tag, its speaker, its words in order."""
    from edge_assist.notes.transcript import parse

    transcript = parse("\n".join(f"{tag} {' '.join(words)}" for tag, words in turns))
    assert [(t.speaker, t.text) for t in transcript.turns] == [(_TAGS[tag], " ".join(words))
                                                                for tag, words in turns]


@FAST
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_extraction_input_check_never_crashes(data) -> None:
    """The extractor's input decoding accepts any bytes/text or raises InputError."""
    from edge_assist.extract.text import decode

    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    try:
        text = decode(raw)
    except InputError as exc:
        assert "\n" not in exc.message
        assert b"\x00" in raw[:8192] or not _is_utf8(raw), "valid UTF-8 text was refused"
        return
    assert text == raw.decode("utf-8-sig")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_TOML_VALUE = (st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False)
               | st.text(max_size=10) | st.lists(st.integers(), max_size=3))
_KEYS = ["profile", "offline_guard", "log_level", "log_patient_text", "models.n_ctx", "models.n_threads",
         "models.verify", "history.enabled", "history.max_entries", "history.max_age_days",
         "history.key_source", "audit.enabled", "tui.theme", "nonsense", "models.nonsense"]


def _toml(key: str, value: object) -> str:
    import json

    section, _, name = key.rpartition(".")
    rendered = json.dumps(value) if not isinstance(value, bool) else str(value).lower()
    return (f"[{section}]\n" if section else "") + f"{name} = {rendered}\n"


@FAST
@given(st.sampled_from(_KEYS), _TOML_VALUE)
def test_config_files_give_settings_or_config_error(key, value) -> None:
    """Any one-setting config file loads or fails with ConfigError (exit 3), nothing else."""
    import os
    import tempfile

    from edge_assist.settings import load_settings

    if value is None:
        return  # TOML has no null
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(_toml(key, value), "utf-8")
        old = os.environ.get("EDGE_ASSIST_CONFIG")
        os.environ["EDGE_ASSIST_CONFIG"] = str(path)
        try:
            if key.endswith("nonsense"):
                with pytest.raises(EdgeAssistError) as refused:
                    load_settings()
                assert refused.value.exit_code == 3
            else:
                load_settings()
        except EdgeAssistError as exc:
            assert exc.exit_code == 3 and "\n" not in exc.message
        finally:
            if old is None:
                os.environ.pop("EDGE_ASSIST_CONFIG", None)
            else:
                os.environ["EDGE_ASSIST_CONFIG"] = old


@pytest.mark.parametrize(("toml", "read"), [
    ("[models]\nn_ctx = 4096\n", lambda s: s.models.n_ctx == 4096),
    ("[history]\nmax_entries = 7\n", lambda s: s.history.max_entries == 7),
    ('log_level = "DEBUG"\n', lambda s: s.log_level == "DEBUG"),
    ("[audit]\nenabled = false\n", lambda s: s.audit.enabled is False)])
def test_a_valid_config_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml, read) -> None:
    """The other side of the property above: a valid setting loads, with the value the file gave."""
    from edge_assist.settings import load_settings

    (tmp_path / "config.toml").write_text(toml, "utf-8")
    monkeypatch.setenv("EDGE_ASSIST_CONFIG", str(tmp_path / "config.toml"))
    assert read(load_settings())


@FAST
@given(st.text(max_size=500))
def test_redaction_never_crashes_and_spans_are_ordered(text) -> None:
    """Any text redacts; spans lie inside it and never overlap."""
    from edge_assist.trust.redact import find_phi

    spans = find_phi(text)
    assert all(0 <= a.start < a.end <= len(text) for a in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize("ssn", ["123-45-6789", "987-65-4321"])
def test_redacted_text_never_contains_the_ssn(ssn: str) -> None:
    """A recognisable identifier never survives redaction."""
    from edge_assist.trust.redact import redact_text

    assert ssn not in redact_text(f"SSN {ssn} on file")
