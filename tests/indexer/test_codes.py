"""Each segment's report and region codes (``indexer.codes``) are written when the
segment is committed, go with it, and read as coding the columns would."""

from __future__ import annotations

import numpy as np
import pytest

from indexer import codes, mapped
from indexer.api import PolicyIndex
from indexer.storage import MappedStorage


def _segment_files(index_dir) -> tuple[set[str], set[str]]:
    """The live segments' ids and the codes files present, by segment id."""
    ix = MappedStorage(str(index_dir)).open_index()
    with ix.searcher() as searcher:
        readers = [leaf.reader() for leaf, _ in searcher.leaf_searchers()]
        live = {reader.segment().segment_id() for reader in readers if reader.doc_count_all()}
    ix.close()
    present = {path.name.split(".")[0] for path in index_dir.glob(f"*{codes.EXTENSION}")}
    return live, present


def _facets(index_dir) -> tuple[dict, list, list]:
    with PolicyIndex.open(index_dir) as ix:
        snapshot = ix.snapshot()
        names = [snapshot.doc_names[c] for c in snapshot.doc_codes.tolist()]
        regions = [snapshot.region_names[c] for c in snapshot.region_codes.tolist()]
        return ix.search("营商环境", limit=1).facets, names, regions


def test_every_segment_of_a_commit_has_its_codes_and_dead_ones_go(tmp_path, seed_variants):
    folder = seed_variants(tmp_path / "docs", 6)
    index_dir = tmp_path / "index"
    files = sorted(folder.iterdir())
    for file in files:  # a commit each: Whoosh merges segments on the way
        PolicyIndex.update(index_dir, [file], progress=False)
    file = files[0]
    file.write_text(file.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    PolicyIndex.update(index_dir, [folder], progress=False)
    live, present = _segment_files(index_dir)
    assert live and present == live


def test_codes_read_as_the_columns_coded_in_place(seed_index_dir, tmp_path):
    copy = tmp_path / "index"
    copy.mkdir()
    for path in seed_index_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    with_files = _facets(copy)
    for path in copy.glob(f"*{codes.EXTENSION}"):
        path.unlink()  # a segment without its file is coded from its columns
    assert _facets(copy) == with_files
    facets, names, regions = with_files
    assert set(facets["region"]) <= {r for r in regions if r} and facets["region"]
    assert set(facets["doc"]) <= {n for n in names if n} and facets["doc"]


def test_mapped_files_read_back_in_place_and_detect_damage(tmp_path):
    storage = MappedStorage(str(tmp_path))
    parts = [
        ("ints", np.arange(5, dtype="<i4")),
        ("text", "政策\0文件".encode()),
        ("wide", np.array([2**40, 3], dtype="<u8")),  # aligned after 7 odd bytes
        ("empty", np.zeros(0, dtype="<i8")),
    ]
    mapped.write(storage.create_file, "f.bin", b"TESTMAP1", parts, note="附注")
    found = mapped.Mapped(tmp_path / "f.bin", b"TESTMAP1")
    assert found.arrays["ints"].tolist() == [0, 1, 2, 3, 4]
    assert found.arrays["wide"].tolist() == [2**40, 3] and len(found.arrays["empty"]) == 0
    assert (
        found.blob("text").decode() == "政策\0文件" and found.blob("text", 0, 6) == "政策".encode()
    )
    assert found.header["note"] == "附注"
    found.verify()
    found.close()
    with pytest.raises(ValueError, match="not a"):
        mapped.Mapped(tmp_path / "f.bin", b"OTHERMAP")
    data = bytearray((tmp_path / "f.bin").read_bytes())
    data[-12] ^= 0xFF
    (tmp_path / "f.bin").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        mapped.Mapped(tmp_path / "f.bin", b"TESTMAP1").verify()
