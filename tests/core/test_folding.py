import pytest

from nlk_portal.core.folding import fold, has_hangul


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Málaga", "malaga"),
        ("MALAGA", "malaga"),
        ("København", "kobenhavn"),
        ("KØBENHAVN", "kobenhavn"),
        ("Ærøskøbing", "aeroskobing"),
        ("Straße", "strasse"),
        ("Wrocław", "wroclaw"),
        ("Đà Nẵng", "da nang"),
        ("Þjóðarbókhlaða", "thjodarbokhlada"),
        ("İstanbul", "istanbul"),
        ("Cosío", "cosio"),
        # Decomposed accents (as some keyboards and file systems send them) and full-width letters.
        ("Ma\u0301laga", "malaga"),
        ("ＭＡＬＡＧＡ", "malaga"),
        ("University of Rome “La Sapienza”", 'university of rome "la sapienza"'),
        ("  National\u00a0Library\tof   Korea ", "national library of korea"),
    ],
)
def test_latin_letters_fold_to_plain_lower_case_ascii(written, folded):
    assert fold(written) == folded


@pytest.mark.parametrize("text", ["국립중앙도서관", "대학교", "코펜하겐", "北京大学", "Москва", "Αθήνα"])
def test_other_scripts_keep_their_letters(text):
    # "서울" must not become "seoul", nor a Korean search match English names letter by letter.
    assert fold(text) == text.casefold()


def test_folding_twice_changes_nothing():
    for text in ["København", "Straße", "“La Sapienza”", "국립 도서관", "Ｓｅｏｕｌ"]:
        assert fold(fold(text)) == fold(text)


def test_hangul_is_told_apart_from_other_scripts():
    assert has_hangul("코펜하겐")
    assert has_hangul("Library 도서관")
    assert has_hangul("\u1112\u1161\u11ab")  # 한 in conjoining jamo
    assert not has_hangul("København")
    assert not has_hangul("北京")
    assert not has_hangul("")
