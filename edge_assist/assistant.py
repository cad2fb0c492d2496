"""The Python API: one object that composes the capabilities over lazily loaded models.

Opening an ``Assistant`` is instant: it reads settings, picks a profile and
turns on the offline guard, but loads no weights. Each model is loaded (and its
SHA-256 checked) the first time a capability needs it, so a script that only
embeds never pays for the LLM.

Example:
    >>> from edge_assist import Assistant
    >>> with Assistant.open(profile="default") as assistant:   # doctest: +SKIP
    ...     print(assistant.chat("What does CURB-65 score?"))
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from edge_assist import logs, offline
from edge_assist.errors import EdgeAssistError
from edge_assist.models import get_model
from edge_assist.models.base import (
    BaseModel,
    ChatModel,
    Embedder,
    GenerationOptions,
    Message,
    Segment,
    Transcriber,
)
from edge_assist.models.profiles import Profile, resolve
from edge_assist.models.registry import Registry, default_registry
from edge_assist.settings import Settings, load_settings

if TYPE_CHECKING:
    from edge_assist.calculators import CalcResult, Calculator
    from edge_assist.extract.types import ExtractionResult
    from edge_assist.index import EvidenceIndex
    from edge_assist.index.types import IngestReport
    from edge_assist.notes import ClinicalNote
    from edge_assist.qa import Answer
    from edge_assist.speech import SpeechPipeline, Transcript
    from edge_assist.trust.history import History

M = TypeVar("M", bound=BaseModel)


class Assistant:
    """edge-assist's capabilities behind one object.

    Args:
        settings: configuration; default: loaded from env and the config file.
        registry: model registry; default: the process-wide one.
    """

    def __init__(self, settings: Settings | None = None, registry: Registry | None = None) -> None:
        from edge_assist.models.memory import TrimWhenIdle, cap_malloc_arenas

        cap_malloc_arenas()  # before callers' threads exist: bounds glibc's per-thread arenas (RSS)
        self._idle = TrimWhenIdle()  # free heap memory goes back to the system when no call is running
        self.settings = settings or load_settings()
        self.registry = registry or default_registry()
        self.profile: Profile = resolve(self.settings.profile)
        self._models: dict[str, BaseModel] = {}
        self._lock = threading.Lock()
        self._index: EvidenceIndex | None = None
        self._history: History | None = None
        logs.configure(self.settings.log_level, self.settings.log_patient_text)
        if self.settings.offline_guard:
            offline.enable()

    @classmethod
    def open(cls, profile: str | None = None, **settings: Any) -> Assistant:
        """Open an assistant on a profile (``tiny``, ``default``, ``quality`` or ``auto``).

        Keyword arguments override settings, e.g. ``Assistant.open(log_level="INFO")``.
        No model is loaded until first use.

        Raises:
            ConfigError: an invalid setting or profile.
        """
        if profile is not None:
            settings["profile"] = profile
        return cls(load_settings(**settings))

    # -- models ---------------------------------------------------------------------------
    def model_id(self, role: str) -> str:
        """The model id used for ``role`` ('llm', 'embedder' or 'transcriber')."""
        override = getattr(self.settings.models, role)
        return self.registry.get(override or getattr(self.profile, role)).id

    def _load(self, role: str, cls: type[M]) -> M:
        with self._lock:
            if role not in self._models:
                self._models[role] = get_model(
                    self.model_id(role), cls, self.settings, self.registry
                )
            return self._models[role]  # type: ignore[return-value]

    @property
    def llm(self) -> ChatModel:
        """The chat model (loaded on first use)."""
        return self._load("llm", ChatModel)

    @property
    def embedder(self) -> Embedder:
        """The sentence encoder (loaded on first use)."""
        return self._load("embedder", Embedder)

    @property
    def transcriber(self) -> Transcriber:
        """The speech model (loaded on first use)."""
        return self._load("transcriber", Transcriber)

    # -- primitives the capabilities build on -------------------------------------------------
    def chat(self, message: str | Sequence[Message], options: GenerationOptions | None = None) -> str:
        """Ask the chat model directly (no evidence, no citations)."""
        with self._idle.call():
            return self.llm.chat(message, options)

    def stream(
        self, message: str | Sequence[Message], options: GenerationOptions | None = None
    ) -> Iterator[str]:
        """Stream the chat model's reply piece by piece."""
        return self.llm.stream(message, options)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed texts with the profile's encoder."""
        with self._idle.call():
            return list(self.embedder.embed_multi(texts))

    def transcribe_segments(self, audio: str | Path, **kwargs: Any) -> Iterator[Segment]:
        """Transcribe an audio file lazily with the profile's speech model."""
        return self.transcriber.transcribe(Path(audio), **kwargs)

    # -- speech ---------------------------------------------------------------------------
    def speech_pipeline(self, model: str | None = None, commands: bool = False,
                        bias: bool = True, correct: bool = True) -> SpeechPipeline:
        """A speech pipeline on ``model`` (default: the profile's) with the clinical vocabulary.

        Args:
            model: a speech model id or alias (``tiny.en``, ``base``).
            commands: apply dictation commands ("new paragraph", "period").
            bias: send the clinical vocabulary as decoding hints.
            correct: correct near-miss drug names against the lexicon.
        """
        from edge_assist.models.store import ModelStore
        from edge_assist.speech import SpeechOptions, SpeechPipeline

        model_id = self.registry.get(model).id if model else self.model_id("transcriber")
        with self._lock:
            key = f"transcriber:{model_id}"
            if key not in self._models:
                self._models[key] = get_model(model_id, Transcriber, self.settings, self.registry)
            transcriber = self._models[key]
        manifest = self.registry.get(model_id)
        tokenizer = ModelStore(self.settings.model_store).model_dir(manifest) / "tokenizer.json"
        options = SpeechOptions(bias=bias, correct=correct, commands=commands,
                                user_words=tuple(self.settings.speech.vocabulary))
        return SpeechPipeline(transcriber, options, tokenizer)  # type: ignore[arg-type]

    def transcribe(self, audio: str | Path, model: str | None = None, commands: bool = False,
                   progress: Callable[[float, float], None] | None = None,
                   cancel: threading.Event | None = None) -> Transcript:
        """Transcribe an audio file with timings, clinical vocabulary and drug-name correction.

        Args:
            audio: a wav, mp3, m4a, flac or ogg file (any rate, any channels, any length).
            model: a speech model id or alias instead of the profile's.
            commands: apply dictation commands.
            progress: called with (seconds done, total seconds).
            cancel: set to stop between segments.

        Raises:
            InputError: missing file.
            AudioDecodeError: empty, corrupt or not audio.
            GenerationCancelled: ``cancel`` was set.

        Examples:
            >>> assistant.transcribe("dictation.wav").text   # doctest: +SKIP
            'Continue lisinopril 20 milligrams daily.'
        """
        pipeline = self.speech_pipeline(model, commands)
        with self._idle.call():
            return pipeline.transcribe(Path(audio), progress, cancel)

    # -- extraction -----------------------------------------------------------------------
    def extract(self, note: str, use_llm: bool = False) -> ExtractionResult:
        """Extract problems, medications, allergies, vitals, labs and procedures from a note.

        Rules only by default (fast, no model loaded); ``use_llm`` lets the chat
        model fill medication details the rules missed, quoting the note only.
        If an evidence index exists (never created here) with the ``icd10cm``
        collection, problems the shipped lookup leaves uncoded get ICD-10-CM
        suggestions from it (the embedder is loaded only if it is searched).

        Raises:
            InputError: empty, binary or oversized note.

        Examples:
            >>> assistant.extract("Denies chest pain.").problems[0].assertion.is_negated  # doctest: +SKIP
            True
        """
        from edge_assist.extract import extract

        index = None
        if self.settings.index_path.exists():
            try:
                index = self.open_index()
            except EdgeAssistError:
                index = None  # an unreadable index must not stop extraction
        with self._idle.call():
            result = extract(note, llm=self.llm if use_llm else None, index=index,
                             embedder=lambda: self.embedder)
        self._remember("extract", {"note": note, "result": result.model_dump(mode="json")})
        return result

    # -- evidence and cited answers ---------------------------------------------------------
    def open_index(self, create: bool = False) -> EvidenceIndex:
        """The evidence index at ``settings.index_path`` (opened once, kept open).

        Args:
            create: create an empty index if there is none (``index add``).

        Raises:
            IndexNotBuiltError: no index and ``create`` is False.
        """
        from edge_assist.index import EvidenceIndex

        with self._lock:
            if self._index is None:
                path = self.settings.index_path
                self._index = EvidenceIndex(path) if create else EvidenceIndex.open_existing(path)
            return self._index

    def ask(self, question: str, k: int = 3, extractive: bool = False, model: str | None = None,
            on_token: Callable[[str], None] | None = None, collection: str | None = None,
            long: bool = False, rephrase: bool = False, draft: bool = False) -> Answer:
        """Answer from local evidence: the guideline units that state it, quoted and cited; or abstain.

        Args:
            question: the clinical question (at most 2,000 characters).
            k: passages the model drafts from (``draft`` only).
            extractive: evidence units only; the LLM is never loaded.
            model: a chat model id or alias instead of the profile's.
            on_token: called with each piece of the draft as it streams (``draft`` only).
            collection: the index collection (default: the guidelines).
            long: a longer answer (more units).
            rephrase: let the LLM condense the units; a condensed line is shown only when
                its unit entails it, else the unit as written.
            draft: the older mode: the LLM writes and each sentence is checked against its passage.

        Raises:
            InputError: empty or over-long question.
            IndexNotBuiltError: no index yet (``edge-assist index build-default``).

        Examples:
            >>> assistant.ask("First-line treatment of a gout flare?").text   # doctest: +SKIP
        """
        from edge_assist.qa import AskOptions
        from edge_assist.qa import ask as ask_evidence

        options = AskOptions(k=k, extractive=extractive, long=long, rephrase=rephrase,
                             mode="draft" if draft else "evidence")
        if collection:
            options.collection = collection
        needs_llm = not extractive and (draft or rephrase)
        llm = None if not needs_llm else (get_model(model, ChatModel, self.settings, self.registry)
                                          if model else self.llm)
        with self._idle.call():
            answer = ask_evidence(question, self.open_index(), self.embedder, llm, options, on_token)
        self._remember("ask", {"question": question, "answer": answer.text, "abstained": answer.abstained})
        return answer

    # -- notes -----------------------------------------------------------------------------
    def note(self, transcript: str | bytes, template: str | Path = "soap",
             writer: str = "extractive") -> ClinicalNote:
        """Draft a clinical note from a conversation or dictation, every sentence with its source turns.

        Args:
            transcript: ``[doctor] ... [patient] ...`` turns, ``Doctor: ...`` lines, or free dictation.
            template: ``soap``, ``aci``, ``progress`` or a path to a TOML template.
            writer: ``extractive`` (rules, no model loaded), ``llm`` (the chat model writes
                each section from its turns) or ``hybrid``.

        Raises:
            InputError: empty, binary, non-UTF-8, oversized or non-English transcript; bad template.

        Examples:
            >>> assistant.note("[doctor] any fever ?\n[patient] no .").status  # doctest: +SKIP
            'draft for clinician review'
        """
        from edge_assist.notes import write_note

        llm = self.llm if writer != "extractive" else None
        with self._idle.call():
            note = write_note(transcript, template, llm=llm, writer=writer)  # type: ignore[arg-type]
        source = transcript.decode("utf-8", "replace") if isinstance(transcript, bytes) else transcript
        self._remember("note", {"transcript": source, "note": note.text()})
        return note

    # -- calculators -----------------------------------------------------------------------
    def calc(self, note: str, name: str, use_llm: bool = False) -> CalcResult:
        """Fill calculator ``name`` from a note and compute it, with each input's source span.

        Rules only by default (milliseconds, no model loaded); ``use_llm`` asks the
        chat model for required numbers the rules missed, keeping only values that
        occur verbatim in the note.

        Raises:
            InputError: unknown calculator or empty note.

        Examples:
            >>> assistant.calc("72 yo woman with hypertension.", "chads-vasc").value  # doctest: +SKIP
            3
        """
        from edge_assist import calculators
        from edge_assist.calculators.note import fill_from_note
        from edge_assist.extract.text import check_text

        check_text(note)  # empty, over 2 MB or binary: the same InputError as extract and note

        with self._idle.call():
            result = fill_from_note(calculators.get(name), note, llm=self.llm if use_llm else None)
        self._remember("calc", {"note": note, "calculator": name, "result": result.as_dict()})
        return result

    def calculators(self) -> list[Calculator]:
        """Every calculator, for a front end's list."""
        from edge_assist import calculators

        return calculators.available()

    def calculator(self, name: str) -> Calculator:
        """One calculator by id or alias (its spec, ``coerce`` and ``evaluate``).

        Raises:
            InputError: unknown calculator.
        """
        from edge_assist import calculators

        return calculators.get(name)

    # -- front-end conveniences: exports, ingest, dictation, model states ---------------------
    def note_fhir(self, note: ClinicalNote) -> dict[str, Any]:
        """A draft note as a validated FHIR document Bundle (Composition ``preliminary``, Provenance).

        Raises:
            OutputValidationError: the Bundle does not validate (a bug).
        """
        from edge_assist import __version__
        from edge_assist.notes.fhir import note_to_fhir

        return note_to_fhir(note, version=__version__)

    def extraction_fhir(self, result: ExtractionResult, note: str) -> dict[str, Any]:
        """An extraction as a validated FHIR collection Bundle with Provenance to the note."""
        from edge_assist.extract.fhir import to_fhir

        return to_fhir(result, note)

    def ingest(self, paths: Sequence[str | Path], pack: str = "local",
               progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Add files or folders to the evidence index (created if missing) under ``pack``.

        Args:
            paths: files or folders.
            pack: the evidence pack they belong to.
            progress: called with (files done, files in all) after each file; raising in it stops.

        Raises:
            InputError: a named path does not exist.
        """
        from edge_assist.index.ingest import add_paths, count_files

        files = [Path(p) for p in paths]
        total, done = count_files(files), 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        return add_paths(self.open_index(create=True), files, self.embedder, pack=pack, progress=step)

    def dictate(self, stop: threading.Event, on_partial: Callable[[str], None] | None = None) -> Transcript:
        """Record from the microphone until ``stop`` is set, with live partial text, then transcribe.

        Args:
            stop: set it to end the recording.
            on_partial: called with "" once recording starts, then with the text heard so far.

        Raises:
            AudioDeviceError: no microphone or no PortAudio (checked before any model loads).
        """
        from edge_assist.speech import microphone

        microphone.input_device()
        pipeline = self.speech_pipeline(commands=True)
        if on_partial:
            on_partial("")
        return microphone.dictate(pipeline, stop, on_partial)  # type: ignore[no-any-return]

    def model_catalog(self, verify: bool = False) -> list[dict[str, Any]]:
        """Every registered model: id, task, size, state here, and its role in this profile ('' if none).

        Args:
            verify: re-hash installed files (SHA-256) instead of trusting size and mtime.
        """
        from edge_assist.models.store import ModelStore

        store = ModelStore(self.settings.model_store)
        used = {}
        for role in ("llm", "embedder", "transcriber"):
            try:
                used[self.model_id(role)] = role
            except EdgeAssistError:
                continue
        rows = []
        for m in self.registry.manifests():
            state = store.status(m).state
            if verify and state == "ready":
                state = store.status(m, verify=True).state
            rows.append({"id": m.id, "task": m.task, "size": m.size, "state": state,
                         "role": used.get(m.id, "")})
        return rows

    def check_history(self) -> None:
        """Open the history now when it is on, so a missing key shows before the first answer.

        Raises:
            ConfigError: history is on and no key is available (the hint names the fix).
        """
        if not self.settings.history.enabled:
            return
        from edge_assist.trust.history import History

        with self._lock:
            if self._history is None:
                self._history = History.from_settings(self.settings)

    # -- history (off by default) ---------------------------------------------------------
    def _remember(self, kind: str, payload: dict[str, Any]) -> None:
        """Seal one question/note/extraction into the history, only when history is on."""
        if not self.settings.history.enabled:
            return
        from edge_assist.trust.history import History

        with self._lock:
            if self._history is None:
                self._history = History.from_settings(self.settings)
            history = self._history
        history.record(kind, payload)  # type: ignore[arg-type]

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        """Free every loaded model now."""
        with self._lock:
            for model in self._models.values():
                model.close()
            self._models.clear()
            if self._index is not None:
                self._index.close()
                self._index = None
            if self._history is not None:
                self._history.close()
                self._history = None

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
