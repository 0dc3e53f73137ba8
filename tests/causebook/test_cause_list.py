"""The daily cause list: public, bilingual, with the columns of the real lists; and its API."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from causebook.templatetags.causebook import hk_time
from filing.models import CaseType, Party
from tests.causebook.conftest import make_case
from tests.factories import HearingFactory

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")
LIST = reverse("causebook:cause_list")


@pytest.fixture
def day_lists(register):
    summons = make_case(
        "KCS", 4021, 2026, ("TRANSPORT DEPARTMENT", "運輸署"), ("LAU Chi Wai", "劉志偉"), nature_en="Speeding"
    )
    return {
        "dc_morning": HearingFactory(case=register["target"], starts_at=datetime(2026, 11, 26, 9, 30, tzinfo=HKT)),
        "dc_afternoon": HearingFactory(
            case=register["wong_tai_man"], starts_at=datetime(2026, 11, 26, 14, 30, tzinfo=HKT), hearing_type="trial"
        ),
        "dc_other_day": HearingFactory(case=register["target"], starts_at=datetime(2026, 11, 27, 9, 30, tzinfo=HKT)),
        "mc": HearingFactory(
            case=summons,
            starts_at=datetime(2026, 11, 26, 9, 30, tzinfo=HKT),
            courtroom="Court No. 7",
            judge_en="Ms CHAN Mei Ling, Magistrate",
            judge_zh="陳美玲裁判官",
            hearing_type="plea",
        ),
    }


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(9, 30, "上午 09:30 am"), (0, 5, "上午 12:05 am"), (12, 0, "下午 12:00 pm"), (14, 30, "下午 02:30 pm")],
)
def test_times_are_written_as_the_lists_write_them(hour, minute, expected):
    assert hk_time(datetime(2026, 11, 26, hour, minute, tzinfo=HKT)) == expected


def test_the_district_court_list_has_its_seven_columns_in_both_languages(client, day_lists):
    response = client.get(LIST, {"court": "DC", "date": "2026-11-26"})
    body = response.content.decode()
    assert response.status_code == 200
    for en, zh in [
        ("Court", "法庭"),
        ("Judge", "法官"),
        ("Time", "時間"),
        ("Case No.", "案件編號"),
        ("Parties", "訴訟各方"),
        ("Nature", "性質"),
        ("Representation", "代表律師"),
    ]:
        assert f'<span lang="en">{en}</span> <span lang="zh-Hant-HK">{zh}</span>' in body
    assert "上午 09:30 am" in body and "下午 02:30 pm" in body
    assert "CHAN Tai Man v. GOLDEN HARBOUR DECORATION ENGINEERING LIMITED" in body
    assert "陳大文 訴 金港裝飾工程有限公司" in body
    assert body.index("DCCJ 1204/2026") < body.index("DCCJ 77/2025")
    assert "LAU Chi Wai" not in body  # the magistrates' case is on its own court's list
    assert body.count("DCCJ 1204/2026") == 1  # not the next day's listing


def test_the_magistrates_list_has_five_columns_and_hksar_v(client, day_lists):
    court = CaseType.objects.get(prefix="KCS").court.code
    body = client.get(LIST, {"court": court, "date": "2026-11-26"}).content.decode()
    assert body.count('<th scope="col">') == 5
    assert "HKSAR v. LAU Chi Wai" in body
    assert "香港特別行政區 訴 劉志偉" in body
    assert "陳美玲裁判官" in body


def test_the_list_is_public_and_in_chinese_too(client, day_lists):
    client.cookies["django_language"] = "zh-hant"
    body = client.get(LIST, {"court": "DC", "date": "2026-11-26"}).content.decode()
    assert "審訊案件表" in body


def test_an_empty_day_says_so_and_a_bad_date_is_a_400(client, day_lists):
    assert "No hearing is listed" in client.get(LIST, {"court": "DC", "date": "2026-11-28"}).content.decode()
    assert client.get(LIST, {"court": "DC", "date": "not-a-date"}).status_code == 400
    assert client.get(LIST, {"court": "NOPE", "date": "2026-11-26"}).status_code == 400


def test_the_list_makes_a_fixed_number_of_queries(client, day_lists, django_assert_num_queries):
    client.get(LIST, {"court": "DC", "date": "2026-11-26"})
    # the hearings with their cases and parties, one statement (session-less: no user queries;
    # the courts are kept, causebook/reference.py), and only for a day not yet kept (cause_list.py)
    with django_assert_num_queries(1):
        client.get(LIST, {"court": "DC", "date": "2026-11-27"})
    with django_assert_num_queries(0):
        client.get(LIST, {"court": "DC", "date": "2026-11-27"})


def test_the_hearings_api_is_public(client, day_lists):
    data = client.get(reverse("api:hearings"), {"court": "dc", "date": "2026-11-26"}).json()
    assert data["court"] == "DC" and data["date"] == "2026-11-26"
    assert [h["case_number"] for h in data["hearings"]] == ["DCCJ 1204/2026", "DCCJ 77/2025"]
    first = data["hearings"][0]
    assert first["parties_zh"] == "陳大文 訴 金港裝飾工程有限公司"
    assert first["starts_at"].startswith("2026-11-26T01:30:00") or first["starts_at"].startswith(
        "2026-11-26T09:30:00+08"
    )
    assert client.get(reverse("api:hearings"), {"court": "XX"}).status_code == 404
    assert client.get(reverse("api:hearings"), {"court": "DC", "date": "26/11/2026"}).status_code == 400


def test_the_search_api_gives_the_count_to_anyone_and_results_to_staff(client, register, staff):
    url = reverse("api:causebook_search")
    public = client.get(url, {"q": "dccj 1204/2026"}).json()
    assert (public["count"], public["access"], public["results"]) == (1, "none", None)
    client.force_login(staff)
    data = client.get(url, {"q": "Chan Tai Man", "court": "DC", "year_from": "2026", "year_to": "2026"}).json()
    assert data["access"] == "all"
    [case] = data["results"]
    assert case["case_number"] == "DCCJ 1204/2026"
    assert case["court"] == "DC" and case["case_type"] == "DCCJ" and case["status"] == "active"
    assert case["parties"][0] == {
        "side": "applicant",
        "role_en": "Plaintiff",
        "role_zh": "原告人",
        "name_en": "CHAN Tai Man",
        "name_zh": "陳大文",
    }


def test_parties_are_ordered_applicants_first(register):
    parties = list(register["target"].parties.order_by("side", "ordinal"))
    assert [p.side for p in parties] == [Party.Side.APPLICANT, Party.Side.RESPONDENT]
