"""One normalisation for what is stored and what is searched (issue 16, causebook/normal.py)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from causebook import normal
from causebook.query import SearchQuery
from causebook.search import find_cases
from tests.causebook.test_search_ranking import entered

pytestmark = pytest.mark.django_db


def top(q: str) -> list[int]:
    return find_cases(SearchQuery.from_params({"q": q}), limit=20).case_ids


def _body(sql: str) -> str:
    match = re.search(r"AS \$\$(.*)\$\$;", sql, re.S)
    assert match
    return match.group(1)


def test_the_database_applies_exactly_the_rules_written_in_python():
    """The installed functions are the ones rendered from causebook/normal.py's word lists."""
    with connection.cursor() as cursor:
        for name, sql in [
            ("causebook_name_tokens", normal.name_tokens_sql()),
            ("causebook_name_zh", normal.name_zh_sql()),
        ]:
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
            assert cursor.fetchone()[0] == _body(sql), name


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("CHAN Tai-man", ["chan", "tai", "man"]),
        ("Mr Chan Tai Man", ["chan", "tai", "man"]),
        ("MRS WONG Mei Ling", ["wong", "mei", "ling"]),
        ("Ms. Lee Ka Yan", ["lee", "ka", "yan"]),
        ("Miss CHEUNG Wing", ["cheung", "wing"]),
        ("Dr. HO Ka Kit", ["ho", "ka", "kit"]),
        ("CHAN Tai Man (Mr)", ["chan", "tai", "man"]),
        ("GOLDEN DRAGON TRADING CO LTD", ["golden", "dragon", "trading", "company", "limited"]),
        ("Golden Dragon Trading Co. Ltd.", ["golden", "dragon", "trading", "company", "limited"]),
        ("GOLDEN DRAGON TRADING COMPANY LIMITED", ["golden", "dragon", "trading", "company", "limited"]),
        ("GOLDEN DRAGON (HONG KONG) LIMITED", ["golden", "dragon", "limited"]),
        ("Golden Dragon (HK) Ltd", ["golden", "dragon", "limited"]),
        ("GOLDEN DRAGON （H.K.） LIMITED", ["golden", "dragon", "limited"]),
        ("GOLDEN DRAGON(香港)LIMITED", ["golden", "dragon", "limited"]),
        ("HK ELECTRIC", ["hong", "kong", "electric"]),
        ("LEE & SONS CO", ["lee", "and", "sons", "company"]),
        ("Ｃｈａｎ　Ｔａｉ　Ｍａｎ", ["chan", "tai", "man"]),  # noqa: RUF001 (full width on purpose)
        ("Crème Brûlée Ltd", ["creme", "brulee", "limited"]),
        ("CHAN Peter (also known as CHAN Tai Man)", ["chan", "peter", "also", "known", "as", "chan", "tai", "man"]),
        ("COCO TRADING", ["coco", "trading"]),
    ],
)
def test_english_names_are_normalised(written, words):
    with connection.cursor() as cursor:
        cursor.execute("SELECT causebook_name_tokens(%s)", [written])
        assert cursor.fetchone()[0] == words


@pytest.mark.parametrize(
    ("written", "characters"),
    [
        ("陳大文先生", "陳大文"),
        ("黃美玲女士", "黃美玲"),
        ("李家欣小姐", "李家欣"),
        ("何陳美儀太太", "何陳美儀"),
        ("金龍貿易（香港）有限公司", "金龍貿易有限公司"),
        ("金龍貿易(香港)有限公司", "金龍貿易有限公司"),
        ("金龍貿易 ( 香港 ) 有限公司", "金龍貿易有限公司"),
        ("金龍貿易（HK）有限公司", "金龍貿易有限公司"),
        ("金龍貿易（中國）有限公司", "金龍貿易中國有限公司"),
        ("陳 大 文", "陳大文"),
        ("先生", "先生"),
    ],
)
def test_chinese_names_are_normalised(written, characters):
    with connection.cursor() as cursor:
        cursor.execute("SELECT causebook_name_zh(%s)", [written])
        assert cursor.fetchone()[0] == characters


@pytest.mark.parametrize(
    ("stored", "searched"),
    [
        (("GOLDEN DRAGON TRADING COMPANY LIMITED", ""), "Golden Dragon Trading Co Ltd"),
        (("GOLDEN DRAGON TRADING CO. LTD", ""), "golden dragon trading company limited"),
        (("GOLDEN DRAGON TRADING (HONG KONG) LIMITED", ""), "Golden Dragon Trading (HK) Limited"),
        (("GOLDEN DRAGON TRADING (HK) LIMITED", ""), "Golden Dragon Trading (Hong Kong) Ltd"),
        (("LEE & SONS LIMITED", ""), "Lee and Sons Ltd"),
        (("", "金龍貿易（香港）有限公司"), "金龍貿易(香港)有限公司"),
        (("", "金龍貿易(香港)有限公司"), "金龍貿易（香港）有限公司"),
        (("", "金龍貿易（香港）有限公司"), "金龍貿易有限公司"),
        (("CHAN Tai Man", "陳大文"), "Mr Chan Tai Man"),
        (("CHAN Tai Man", "陳大文"), "陳大文先生"),
        (("MR CHAN Tai Man", "陳大文先生"), "Chan Tai Man"),
        (("MR CHAN Tai Man", "陳大文先生"), "陳大文"),
    ],
)
def test_a_name_is_found_however_either_side_writes_it(stored, searched):
    entered("WONG Siu Ming", "黃小明", issued=(2026, 1, 1))
    wanted = entered(*stored, issued=(2020, 1, 1))
    found = top(searched)
    assert found and found[0] == wanted


@pytest.mark.parametrize(
    "written",
    [
        "DCCJ 123/2025",
        "DCCJ-123-2025",
        "DCCJ/123/2025",
        "2025 DCCJ 123",
        "DC CJ 123/2025",
        "dccj 123 of 25",
        "dccj no. 123 of 2025",
        "ＤＣＣＪ１２３／２０２５",  # noqa: RUF001 (full width on purpose)
        "dccj 123",
    ],
)
def test_every_way_of_writing_a_case_number_finds_the_case(written):
    wanted = entered("CHAN Tai Man", issued=(2025, 3, 1), number=123)
    entered("CHAN Tai Man", issued=(2024, 3, 1), number=124)
    assert top(written) == [wanted]


def test_a_two_digit_year_reads_as_the_latest_such_year():
    wanted = entered("CHAN Tai Man", issued=(2026, 3, 1), number=12)
    assert top("dccj 12 of 26") == [wanted]
