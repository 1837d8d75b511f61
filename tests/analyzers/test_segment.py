from analyzers.normalize import fold
from analyzers.segment import Segmenter


def words(seg: Segmenter, text: str) -> list[str]:
    return [w for w, _, _ in seg.words(text)]


def test_formulas_and_numbers_stay_whole():
    seg = Segmenter()
    assert words(seg, "1+17+N和1+19+N") == ["1+17+n", "和", "1+19+n"]
    assert "pm2.5" in words(seg, "PM2.5浓度")
    assert "5.1%" in words(seg, "年均增长5.1%")
    assert "13710" in words(seg, "“13710”工作法")
    assert words(seg, "ＰＭ２．５") == ["pm2.5"]


def test_offsets_index_the_original_text():
    seg = Segmenter()
    text = "抓实“六稳”，ＰＭ２．５下降"
    found = list(seg.words(text))
    assert [w for w, _, _ in found] == ["抓", "实", "六", "稳", "pm2.5", "下降"]
    for word, start, end in found:
        assert fold(text[start:end]) == word


def test_user_dictionary_keeps_jargon_whole_and_round_trips(tmp_path):
    seg = Segmenter()
    assert words(seg, "三个一批") != ["三个一批"]
    assert seg.learn("三个一批")
    assert not seg.learn("三个一批")  # already known
    assert not seg.learn("1+17+N")  # not Han: the regex keeps it whole anyway
    assert words(seg, "开展三个一批活动") == ["开展", "三个一批", "活动"]
    path = tmp_path / "userdict.txt"
    seg.save(path)
    again = Segmenter.load(path)
    assert words(again, "开展三个一批活动") == ["开展", "三个一批", "活动"]


def test_private_dictionaries_do_not_leak():
    taught, plain = Segmenter(), Segmenter()
    taught.learn("稳六保")
    assert "稳六保" in words(taught, "六稳六保")
    assert "稳六保" not in words(plain, "六稳稳六保")
