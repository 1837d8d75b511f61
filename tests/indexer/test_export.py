"""The OpenSearch export: file shapes, and tokens that reproduce our matching."""

import json

from analyzers.ngrams import grams
from analyzers.normalize import compact
from indexer.cli import cli


def read_bulk(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) % 2 == 0
    return [
        (json.loads(a)["index"], json.loads(b))
        for a, b in zip(lines[::2], lines[1::2], strict=True)
    ]


def test_export_files_and_round_trip(runner, seed_index_dir, tmp_path, parsed_seeds):
    out = tmp_path / "export"
    result = runner.invoke(cli, ["--index", str(seed_index_dir), "export", str(out)])
    assert result.exit_code == 0, result.output
    mapping = json.loads((out / "mapping.json").read_text(encoding="utf-8"))
    assert mapping["mappings"]["properties"]["grams"]["analyzer"] == "whitespace"
    paragraphs = read_bulk(out / "paragraphs.ndjson")
    assert len(paragraphs) == sum(len(p.paragraphs) for p in parsed_seeds.values())
    assert all(
        action["_index"] == "policy-paragraphs" and action["_id"] for action, _ in paragraphs
    )
    # a phrase of bigrams over the whitespace tokens finds exactly what grep finds
    needle = grams(compact("工一批")[0], 2)
    found = set()
    for _, body in paragraphs:
        tokens = body["grams"].split(" ")
        key = compact(body["text"])[0]
        assert tokens == [key[i : i + 2] for i in range(len(key))]  # a gram at each character
        if any(tokens[i : i + len(needle)] == needle for i in range(len(tokens))):
            found.add((body["doc"], body["paragraph"]))
    expected = {
        (p.doc, p.n)
        for d in parsed_seeds.values()
        for p in d.paragraphs
        if "工一批" in compact(p.text)[0]
    }
    assert found == expected and found
    # jargon stays one word in the exported words, as the user dictionary cuts it
    assert any("三个一批" in body["words"].split(" ") for _, body in paragraphs)
    glossary = read_bulk(out / "glossary.ndjson")
    assert any(body["term"] == "三个一批" and body["definition"] for _, body in glossary)
    lexicon = {body["word"]: body for _, body in read_bulk(out / "lexicon.ndjson")}
    assert lexicon["三个一批"]["initials"] == "sgyp"
