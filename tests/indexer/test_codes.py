"""Each segment's report and region codes (``indexer.codes``) are written when the
segment is committed, go with it, and read as coding the columns would."""

from __future__ import annotations

import numpy as np
import pytest

from indexer import codes, mapped
from indexer.api import PolicyIndex
from indexer.storage import MappedStorage
from indexer.store import check_index


def _facets(index_dir) -> tuple[dict, list, list]:
    with PolicyIndex.open(index_dir) as ix:
        snapshot = ix.snapshot()
        names = [snapshot.doc_names[c] for c in snapshot.doc_codes.whole().tolist()]
        regions = [snapshot.region_names[c] for c in snapshot.region_codes.whole().tolist()]
        return ix.search("营商环境", limit=1).facets, names, regions


def test_every_segment_of_a_commit_has_its_codes_and_dead_ones_go(
    tmp_path, seed_variants, segment_files
):
    folder = seed_variants(tmp_path / "docs", 6)
    index_dir = tmp_path / "index"
    files = sorted(folder.iterdir())
    for file in files:  # a commit each: Whoosh merges segments on the way
        PolicyIndex.update(index_dir, [file], progress=False)
    file = files[0]
    file.write_text(file.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    PolicyIndex.update(index_dir, [folder], progress=False)
    live, present = segment_files(index_dir, codes.EXTENSION)
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


def _record_arrays(index_dir) -> dict[str, np.ndarray]:
    with PolicyIndex.open(index_dir) as ix:
        snapshot = ix.snapshot()
        arrays = {
            name: getattr(snapshot, name).whole().copy()
            for name in codes.RECORDS
            if name != "key_ends"  # the key columns' (``BytesColumn.ends``)
        }
        arrays["key_ends"] = np.concatenate([keys.ends for keys in snapshot.keys])
        return arrays


def test_per_record_arrays_read_in_place_as_from_the_columns(seed_index_dir, tmp_path):
    """The snapshot's per-record arrays come mapped from the codes files, equal (values
    and types) to what the columns give; a file of the version before is read from the
    columns and written again at the next commit."""
    copy = tmp_path / "index"
    copy.mkdir()
    for path in seed_index_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    mapped_arrays = _record_arrays(copy)
    assert mapped_arrays["paragraphs"].sum() > 300 and (mapped_arrays["years"] > 0).any()
    files = sorted(copy.glob(f"*{codes.EXTENSION}"))
    for path in files:
        data = bytearray(path.read_bytes())
        data[:8] = b"PSCODE01"  # written before the arrays were
        path.write_bytes(bytes(data))
    from_columns = _record_arrays(copy)
    problems, read = check_index(copy)  # not yet rewritten is no damage
    assert problems == {} and read["segments"] == len(files)
    assert mapped_arrays.keys() == from_columns.keys()
    for name, array in mapped_arrays.items():
        assert array.dtype == from_columns[name].dtype and np.array_equal(array, from_columns[name])
    more = tmp_path / "more"
    more.mkdir()
    (more / "x.txt").write_text("一、总体要求\n持续优化营商环境。\n", encoding="utf-8")
    PolicyIndex.update(copy, [more], progress=False)
    assert all(p.read_bytes()[:8] == b"PSCODE03" for p in copy.glob(f"*{codes.EXTENSION}"))
