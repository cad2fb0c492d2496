"""Ingestion of every format from files and folders, and every kind of bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from edge_assist.errors import InputError
from edge_assist.index import EvidenceIndex
from edge_assist.index.ingest import add_paths
from edge_assist.index.readers import read_file

from .conftest import CORPUS


def test_folder_ingest_reads_every_format(index, embedder) -> None:
    """md, txt, html and jsonl go in; the png is skipped, not failed."""
    report = add_paths(index, [CORPUS], embedder, pack="demo")
    assert len(report.added) == 6  # gout, pneumonia, sepsis, asthma, and two JSONL rows
    assert [Path(p).name for p in report.skipped] == ["image.png"]
    assert report.failed == []
    hit = index.search("lactate blood cultures antibiotics", embedder)[0]
    assert hit.title == "Sepsis Bundle" and hit.section == "Sepsis > Hour-1 Bundle"
    assert "alert" not in hit.text and "color" not in hit.text
    aki = index.search("creatinine 48 hours", embedder)[0]
    assert (aki.doi, aki.section, aki.pack) == ("10.1038/kisup.2012.1", "Definition", "demo")


def test_second_add_skips_unchanged(index, embedder) -> None:
    """Re-adding a folder changes nothing."""
    add_paths(index, [CORPUS], embedder)
    again = add_paths(index, [CORPUS], embedder)
    assert again.added == [] and len(again.unchanged) == 6


def test_pdf_text_is_indexed_by_page(tmp_path, index, embedder) -> None:
    """A text PDF is read page by page."""
    pdf = _text_pdf(tmp_path / "guide.pdf", "Warfarin needs INR monitoring")
    add_paths(index, [pdf], embedder)
    hit = index.search("warfarin INR", embedder)[0]
    assert hit.section == "Page 1" and "Warfarin" in hit.text


def test_encrypted_pdf_is_refused(tmp_path) -> None:
    """An encrypted PDF is a clear input error."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(InputError, match="encrypted"):
        read_file(path)


def test_textless_and_broken_pdfs_are_refused(tmp_path) -> None:
    """A scanned (text-less) PDF and a non-PDF named .pdf get distinct messages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    blank = tmp_path / "scan.pdf"
    with blank.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(InputError, match="no extractable text"):
        read_file(blank)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(os.urandom(2048))
    with pytest.raises(InputError, match="PDF"):
        read_file(junk)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("bin.txt", b"\x00\x01\x02binary" * 50, "binary"),
    ("latin.md", "caf\xe9".encode("latin-1"), "UTF-8"),
    ("tool.exe", b"MZ", "unsupported"),
    ("empty.md", b"   \n", "no text"),
    ("bad.jsonl", b'{"text": 1}\n', "text"),
])
def test_bad_files_are_refused(tmp_path, name, data, message) -> None:
    """Binary, non-UTF-8, unsupported, empty and malformed files raise InputError."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_file(path)


def test_bad_file_in_folder_does_not_stop_the_rest(tmp_path, index, embedder) -> None:
    """A broken file is reported; the good one is added."""
    (tmp_path / "good.md").write_text("# Good\n\nHeparin prevents clots in hospital.")
    (tmp_path / "bad.txt").write_bytes(b"\x00" * 100)
    report = add_paths(index, [tmp_path], embedder)
    assert [Path(p).name for p in report.added] == ["good.md"]
    assert [Path(p).name for p, _ in report.failed] == ["bad.txt"]


def test_missing_path_is_an_input_error(tmp_path, index, embedder) -> None:
    """A path that does not exist is named."""
    with pytest.raises(InputError, match="no such file"):
        add_paths(index, [tmp_path / "nope"], embedder)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from edge_assist.index import EvidenceIndex
    from edge_assist.index.ingest import add_paths
    from edge_assist.models.fakes import FakeEmbedder, fake_manifest

    embedder = FakeEmbedder(fake_manifest("embed", Path(sys.argv[3])))
    done = [0]
    def tick(n):
        done[0] += n
        if done[0] == int(sys.argv[4]):
            os.kill(os.getpid(), signal.SIGKILL)
    add_paths(EvidenceIndex(sys.argv[1]), [Path(sys.argv[2])], embedder, progress=tick)
""")


def test_sigkill_midway_leaves_a_consistent_index_and_add_resumes(tmp_path, embedder) -> None:
    """Killed after 5 of 20 files: whole documents only, and the next add finishes the job."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(20):
        (folder / f"doc{i:02}.md").write_text(f"# Topic {i}\n\nDrug{i} treats condition{i} well.\n")
    db = tmp_path / "ix.db"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(db), str(folder), str(tmp_path / "w"), "5"],
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    with EvidenceIndex(db) as ix:
        assert ix.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = ix.stats()["collections"][0]["documents"]
        assert 1 <= docs <= 5
        _assert_tables_agree(ix)
        report = add_paths(ix, [folder], embedder)
        assert len(report.added) == 20 - docs and len(report.unchanged) == docs
        _assert_tables_agree(ix)
        assert ix.search("drug17 condition17", embedder)[0].section == "Topic 17"


def _assert_tables_agree(ix: EvidenceIndex) -> None:
    chunks = ix.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    vectors = ix.conn.execute("SELECT count(*) FROM vec_1").fetchone()[0]
    orphans = ix.conn.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                              "(SELECT 1 FROM chunks c WHERE c.document_id = d.id)").fetchone()[0]
    assert chunks == vectors and orphans == 0


def _text_pdf(path: Path, text: str) -> Path:
    """A one-page PDF whose content stream draws ``text`` (pypdf cannot lay out text itself)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as fh:
        writer.write(fh)
    return path
