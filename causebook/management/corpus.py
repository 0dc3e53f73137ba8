"""A realistic synthetic register for benchmarks: Hong Kong names, courts, case types and years.

Only ``manage.py generate_corpus`` uses this; never the tests (their data stays small).

* Surnames come at roughly their frequency in Hong Kong (Chan/陳 about one in twelve,
  Wong/黃 one in sixteen, then Lee, Cheung, Lau, Ho, Lam, Leung, Ng, Tsang …), romanised
  the Hong Kong way; given names are two syllables (sometimes one), written as the
  registers write them: "CHAN Tai Man", "CHAN Tai-man", and sometimes with an English
  name ("CHAN Tai Man Peter").
* Companies end in "LIMITED" / "有限公司" (now and then "COMPANY LIMITED" / "公司"), written
  the ways registers write them: "LTD", "LTD.", "CO. LTD", "CO., LIMITED", "& CO. LIMITED";
  some with a bracketed place, "(HONG KONG)", "(HK)", "(H.K.)", and in Chinese "（香港）"
  in full-width or ASCII brackets.
* Some people are recorded with a title: "MR CHAN Tai Man", "CHAN Tai Man (Ms)", "陳大文先生".
* In the summons courts a government department or law enforcement agency prosecutes
  most cases (the Hong Kong Police Force the most), in English and Chinese; the rest are
  private informants. So the departments are the commonest names in the register.
* Cases are spread over the District Court (civil actions the most) and the summons courts
  of the seven magistracies, over 2010-2026 with more cases in later years; older cases
  are mostly closed. Cases come in order of their date of issue, so case ids (and each
  year's case numbers) rise with it, as in the real register.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from icms.core.time import HONG_KONG

# (romanised, Chinese, weight per 1,000 people)
SURNAMES = [
    ("CHAN", "陳", 82),
    ("WONG", "黃", 62),
    ("LEE", "李", 45),
    ("CHEUNG", "張", 36),
    ("LAU", "劉", 30),
    ("HO", "何", 22),
    ("LAM", "林", 22),
    ("LEUNG", "梁", 28),
    ("NG", "吳", 24),
    ("TSANG", "曾", 14),
    ("LI", "李", 12),
    ("YIP", "葉", 12),
    ("TANG", "鄧", 14),
    ("CHENG", "鄭", 14),
    ("LAI", "黎", 12),
    ("KWOK", "郭", 11),
    ("CHOW", "周", 12),
    ("CHU", "朱", 10),
    ("YEUNG", "楊", 13),
    ("TSE", "謝", 10),
    ("FUNG", "馮", 9),
    ("MAK", "麥", 9),
    ("LO", "盧", 9),
    ("YU", "余", 9),
    ("KWAN", "關", 7),
    ("SIN", "冼", 4),
    ("SIU", "蕭", 6),
    ("CHOI", "蔡", 8),
    ("TAM", "譚", 9),
    ("MA", "馬", 8),
    ("HUI", "許", 8),
    ("KO", "高", 6),
    ("POON", "潘", 7),
    ("LUK", "陸", 4),
    ("CHUNG", "鍾", 7),
    ("TONG", "唐", 5),
    ("LAW", "羅", 8),
    ("SO", "蘇", 6),
    ("YUEN", "袁", 6),
    ("KONG", "江", 4),
    ("WAN", "溫", 5),
    ("AU", "區", 5),
    ("FONG", "方", 5),
    ("MOK", "莫", 4),
    ("CHIU", "趙", 6),
    ("LUI", "呂", 5),
    ("TSUI", "徐", 6),
    ("SHEK", "石", 3),
    ("CHEUK", "卓", 2),
    ("KAN", "簡", 3),
    ("TO", "杜", 3),
    ("YIM", "嚴", 2),
    ("KAM", "甘", 2),
    ("NGAI", "魏", 2),
    ("FAN", "范", 3),
    ("WU", "胡", 4),
    ("CHEUNG", "蔣", 2),
    ("LEUNG", "龍", 1),
    ("AU-YEUNG", "歐陽", 2),
    ("SZETO", "司徒", 1),
]

GIVEN = [
    ("Tai", "大"),
    ("Man", "文"),
    ("Siu", "小"),
    ("Ming", "明"),
    ("Wai", "偉"),
    ("Ka", "家"),
    ("Ho", "豪"),
    ("Chi", "志"),
    ("Kit", "傑"),
    ("Mei", "美"),
    ("Ling", "玲"),
    ("Yuk", "玉"),
    ("Fong", "芳"),
    ("Wing", "詠"),
    ("Kin", "健"),
    ("Hung", "雄"),
    ("Keung", "強"),
    ("Kwok", "國"),
    ("Wah", "華"),
    ("Yee", "儀"),
    ("Yan", "欣"),
    ("Hoi", "凱"),
    ("Lok", "樂"),
    ("Sze", "詩"),
    ("Ching", "晴"),
    ("Tsz", "梓"),
    ("Hin", "軒"),
    ("Yin", "燕"),
    ("Kwan", "君"),
    ("Pui", "佩"),
    ("Shan", "珊"),
    ("Lai", "麗"),
    ("Fai", "輝"),
    ("Chun", "俊"),
    ("Hei", "希"),
    ("Long", "朗"),
    ("Yiu", "耀"),
    ("Sum", "森"),
    ("Kai", "啟"),
    ("Po", "寶"),
    ("Wan", "雲"),
    ("Lun", "倫"),
    ("Tak", "德"),
    ("Shing", "成"),
    ("Fat", "發"),
    ("Cheong", "昌"),
    ("Choi", "彩"),
    ("Yau", "有"),
    ("Sau", "秀"),
    ("Hong", "康"),
    ("Kam", "錦"),
    ("Nga", "雅"),
    ("Hoi", "海"),
    ("On", "安"),
    ("Chung", "聰"),
    ("Tin", "天"),
    ("Yat", "日"),
    ("Sing", "星"),
    ("Hang", "恆"),
    ("Mui", "梅"),
    ("Kei", "琪"),
    ("Ying", "瑩"),
    ("Yu", "宇"),
    ("Wa", "樺"),
    ("Lam", "琳"),
    ("Bo", "寶"),
    ("Hon", "漢"),
    ("Kuen", "權"),
    ("Leung", "良"),
    ("Pak", "柏"),
]

ENGLISH_NAMES = [
    "Peter",
    "David",
    "Michael",
    "Eric",
    "Kenneth",
    "Raymond",
    "Alan",
    "Tony",
    "Jason",
    "Kelvin",
    "Vincent",
    "Mary",
    "Jenny",
    "Winnie",
    "Karen",
    "Grace",
    "Joyce",
    "Carmen",
    "Queenie",
    "Iris",
    "Ada",
    "Cindy",
    "Ivy",
]

COMPANY_WORDS = [
    ("GOLDEN", "金"),
    ("DRAGON", "龍"),
    ("HARBOUR", "港"),
    ("PACIFIC", "太平洋"),
    ("ORIENT", "東方"),
    ("GREAT", "宏"),
    ("WEALTH", "富"),
    ("PROSPER", "興隆"),
    ("HING", "興"),
    ("FAT", "發"),
    ("WAH", "華"),
    ("KAM", "錦"),
    ("LUCKY", "福"),
    ("SUN", "新"),
    ("CITY", "城"),
    ("STAR", "星"),
    ("JADE", "翠"),
    ("PEARL", "明珠"),
    ("EVER", "永"),
    ("UNION", "聯合"),
    ("CHEUNG", "祥"),
    ("KONG", "江"),
    ("ASIA", "亞洲"),
    ("GLORY", "榮"),
    ("VICTORY", "勝利"),
    ("SUPREME", "至尊"),
    ("BRIGHT", "光明"),
    ("CROWN", "皇冠"),
    ("PHOENIX", "鳳凰"),
    ("LOTUS", "蓮"),
    ("SILVER", "銀"),
    ("OCEAN", "海洋"),
    ("SKY", "天"),
    ("PEAK", "峰"),
    ("KOWLOON", "九龍"),
    ("VICTORIA", "維多利亞"),
    ("TSUEN", "荃"),
    ("YUEN", "元"),
    ("TAI", "泰"),
    ("ON", "安"),
]
INDUSTRIES = [
    ("TRADING", "貿易"),
    ("CONSTRUCTION", "建築"),
    ("ENGINEERING", "工程"),
    ("DECORATION", "裝飾"),
    ("PROPERTY", "地產"),
    ("INVESTMENT", "投資"),
    ("LOGISTICS", "物流"),
    ("RESTAURANT", "餐廳"),
    ("FINANCE", "財務"),
    ("INSURANCE", "保險"),
    ("TRANSPORTATION", "運輸"),
    ("DEVELOPMENT", "發展"),
    ("HOLDINGS", "控股"),
    ("INDUSTRIAL", "實業"),
    ("ELECTRONICS", "電子"),
    ("GARMENT", "製衣"),
    ("PRINTING", "印刷"),
    ("SECURITY", "保安"),
    ("CLEANING SERVICES", "清潔服務"),
    ("TRAVEL", "旅遊"),
]
# Coined brand words make some company names rare, as real registers have thousands of them.
BRAND_SYLLABLES = [
    "KOR",
    "VEL",
    "IN",
    "ZEN",
    "TRA",
    "VO",
    "LUX",
    "AR",
    "MI",
    "NEX",
    "TA",
    "QUA",
    "RIS",
    "BEL",
    "DO",
    "SON",
    "GA",
    "TEK",
    "RO",
    "PHI",
    "LEX",
    "NO",
    "VA",
    "CEN",
    "TRIX",
    "MO",
    "RA",
    "XI",
    "FIN",
    "ELL",
]
BRAND_CHARACTERS = "科維林森泰沃拉米斯貝多索嘉特羅菲萊諾瓦仁思摩雅希芬爾"

# (English, Chinese, weight): prosecutors in the summons courts.
DEPARTMENT_WEIGHTS = [
    ("HONG KONG POLICE FORCE", "香港警務處", 30),
    ("FOOD AND ENVIRONMENTAL HYGIENE DEPARTMENT", "食物環境衞生署", 16),
    ("TRANSPORT DEPARTMENT", "運輸署", 12),
    ("CUSTOMS AND EXCISE DEPARTMENT", "香港海關", 7),
    ("LABOUR DEPARTMENT", "勞工處", 6),
    ("BUILDINGS DEPARTMENT", "屋宇署", 6),
    ("ENVIRONMENTAL PROTECTION DEPARTMENT", "環境保護署", 5),
    ("LANDS DEPARTMENT", "地政總署", 4),
    ("INLAND REVENUE DEPARTMENT", "稅務局", 4),
    ("FIRE SERVICES DEPARTMENT", "消防處", 3),
    ("IMMIGRATION DEPARTMENT", "入境事務處", 3),
]
DEPARTMENTS = [(en, zh) for en, zh, _ in DEPARTMENT_WEIGHTS]
#: The share of summons cases a department prosecutes; the rest are private informants.
DEPARTMENT_SHARE = 0.88
TITLES = [("MR", "先生"), ("MRS", "太太"), ("MS", "女士"), ("MISS", "小姐"), ("DR", "")]
#: The share of people recorded with a title.
TITLE_SHARE = 0.08
# (English ending, Chinese ending, weight): how a company's legal form is written.
COMPANY_ENDINGS = [
    ("LIMITED", "有限公司", 60),
    ("LTD", "有限公司", 10),
    ("LTD.", "有限公司", 5),
    ("COMPANY LIMITED", "公司", 8),
    ("CO. LTD", "公司", 5),
    ("CO., LIMITED", "公司", 4),
    ("CO LTD", "公司", 3),
    ("& CO. LIMITED", "公司", 2),
]
# (English, Chinese, weight): a bracketed place, or none.
COMPANY_PLACES = [
    ("", "", 80),
    (" (HONG KONG)", "（香港）", 10),
    (" (HK)", "（香港）", 5),
    (" (H.K.)", "(香港)", 2),
    (" (HONG KONG)", "(香港)", 3),
]

# (prefix, share of all cases, nature en, nature zh)
CASE_TYPES = [
    (
        "DCCJ",
        30,
        ["Money claim", "Breach of contract", "Unpaid wages", "Possession of land"],
        ["金錢申索", "違反合約", "欠薪", "收回土地"],
    ),
    (
        "DCPI",
        12,
        ["Personal injuries: road traffic accident", "Personal injuries: accident at work"],
        ["人身傷亡：交通意外", "人身傷亡：工業意外"],
    ),
    ("DCEC", 6, ["Employees' compensation"], ["僱員補償"]),
    ("DCTC", 4, ["Tax claim"], ["稅款申索"]),
    ("ESS", 7, ["Public Health and Municipal Services Ordinance (Cap. 132)"], ["《公眾衞生及市政條例》（第132章）"]),
    ("KCS", 8, ["Road Traffic Ordinance (Cap. 374)"], ["《道路交通條例》（第374章）"]),
    (
        "KTS",
        7,
        ["Fixed Penalty (Traffic Contraventions) Ordinance (Cap. 237)"],
        ["《定額罰款（交通違例事項）條例》（第237章）"],
    ),
    ("WKS", 8, ["Buildings Ordinance (Cap. 123)"], ["《建築物條例》（第123章）"]),
    ("STS", 6, ["Employment Ordinance (Cap. 57)"], ["《僱傭條例》（第57章）"]),
    ("FLS", 5, ["Air Pollution Control Ordinance (Cap. 311)"], ["《空氣污染管制條例》（第311章）"]),
    ("TMS", 7, ["Road Traffic Ordinance (Cap. 374)"], ["《道路交通條例》（第374章）"]),
]
SUMMONS = {"ESS", "KCS", "KTS", "WKS", "STS", "FLS", "TMS"}
YEARS = list(range(2010, 2027))
YEAR_WEIGHTS = [60 + 4 * i for i in range(len(YEARS))]


@dataclass(frozen=True)
class PartyRow:
    side: str
    ordinal: int
    kind: str
    name_en: str
    name_zh: str


class NameMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [s[:2] for s in SURNAMES]
        self.surname_weights = [s[2] for s in SURNAMES]

    def titled(self, name_en: str, name_zh: str) -> tuple[str, str]:
        """Now and then, the name as recorded with a title: "MR CHAN Tai Man", "陳大文先生"."""
        rng = self.rng
        if rng.random() >= TITLE_SHARE:
            return name_en, name_zh
        title_en, title_zh = rng.choice(TITLES)
        english = f"{name_en} ({title_en.title()})" if rng.random() < 0.3 else f"{title_en} {name_en}"
        return english, name_zh + title_zh

    def person(self) -> tuple[str, str]:
        rng = self.rng
        surname_en, surname_zh = rng.choices(self.surnames, self.surname_weights)[0]
        syllables = rng.sample(GIVEN, 2 if rng.random() < 0.9 else 1)
        given_en = [s[0] for s in syllables]
        given_zh = "".join(s[1] for s in syllables)
        style = rng.random()
        if style < 0.55:
            name_en = f"{surname_en} {' '.join(given_en)}"
        elif style < 0.8:
            name_en = f"{surname_en} {given_en[0]}{('-' + given_en[1].lower()) if len(given_en) > 1 else ''}"
        elif style < 0.93:
            name_en = f"{surname_en} {' '.join(given_en)} {rng.choice(ENGLISH_NAMES)}"
        else:
            name_en = f"{rng.choice(ENGLISH_NAMES)} {surname_en} {' '.join(given_en)}"
        return self.titled(name_en, surname_zh + given_zh)

    def company(self) -> tuple[str, str]:
        rng = self.rng
        words = rng.sample(COMPANY_WORDS, 2)
        if rng.random() < 0.04:
            syllables = rng.randint(2, 4)
            brand = "".join(rng.choice(BRAND_SYLLABLES) for _ in range(syllables))
            words[0] = (brand, "".join(rng.choice(BRAND_CHARACTERS) for _ in range(syllables)))
        industry = rng.choice(INDUSTRIES)
        english = f"{words[0][0]} {words[1][0]} {industry[0]}"
        chinese = f"{words[0][1]}{words[1][1]}{industry[1]}"
        place_en, place_zh, _ = rng.choices(COMPANY_PLACES, [p[2] for p in COMPANY_PLACES])[0]
        ending_en, ending_zh, _ = rng.choices(COMPANY_ENDINGS, [e[2] for e in COMPANY_ENDINGS])[0]
        return f"{english}{place_en} {ending_en}", f"{chinese}{place_zh}{ending_zh}"

    def party(self, side: str, ordinal: int, company_share: float) -> PartyRow:
        if self.rng.random() < company_share:
            en, zh = self.company()
            return PartyRow(side, ordinal, "company", en, zh)
        en, zh = self.person()
        return PartyRow(side, ordinal, "person", en, zh)


@dataclass(frozen=True)
class CaseRow:
    prefix: str
    year: int
    status: str
    nature_en: str
    nature_zh: str
    issued_at: str
    parties: list[PartyRow]


def _issue_times(n: int, rng: random.Random) -> Iterator[tuple[int, str]]:
    """``n`` dates of issue in order, oldest first: (year, ISO time in Hong Kong).

    Each year gets its share of ``YEAR_WEIGHTS``; within a year, office hours on any day.
    """
    total = sum(YEAR_WEIGHTS)
    shares = [n * w // total for w in YEAR_WEIGHTS]
    shares[-1] += n - sum(shares)
    for year, count in zip(YEARS, shares, strict=True):
        start = datetime(year, 1, 1, tzinfo=HONG_KONG)
        days = (datetime(year + 1, 1, 1, tzinfo=HONG_KONG) - start).days
        for offset in sorted(rng.randrange(days * 9 * 3600) for _ in range(count)):
            day, seconds = divmod(offset, 9 * 3600)
            issued = start + timedelta(days=day, hours=9, seconds=seconds)
            yield year, issued.isoformat()


def cases(n: int, *, seed: int = 7) -> Iterator[CaseRow]:
    """``n`` synthetic cases in order of their date of issue, reproducibly from ``seed``."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    names = NameMaker(rng)
    prefixes = [t[0] for t in CASE_TYPES]
    weights = [t[1] for t in CASE_TYPES]
    natures = {t[0]: (t[2], t[3]) for t in CASE_TYPES}
    departments = [(en, zh) for en, zh, _ in DEPARTMENT_WEIGHTS]
    department_weights = [w for _, _, w in DEPARTMENT_WEIGHTS]
    for year, issued_at in _issue_times(n, rng):
        prefix = rng.choices(prefixes, weights)[0]
        closed_chance = min(0.95, 0.08 * (2026 - year))
        status = "closed" if rng.random() < closed_chance else "active"
        index = rng.randrange(len(natures[prefix][0]))
        parties: list[PartyRow] = []
        if prefix in SUMMONS:
            if rng.random() < DEPARTMENT_SHARE:
                en, zh = rng.choices(departments, department_weights)[0]
                parties.append(PartyRow("applicant", 1, "company", en, zh))
            else:
                parties.append(names.party("applicant", 1, 0.3))
            parties.append(names.party("respondent", 1, 0.2))
        else:
            applicants = 1 if rng.random() < 0.8 else rng.randint(2, 3)
            respondents = 1 if rng.random() < 0.65 else rng.randint(2, 3)
            company_share = 0.45 if prefix in ("DCCJ", "DCTC") else 0.3
            parties += [
                names.party("applicant", i, company_share if prefix != "DCEC" else 0.0)
                for i in range(1, applicants + 1)
            ]
            parties += [
                names.party("respondent", i, company_share if prefix != "DCEC" else 0.9)
                for i in range(1, respondents + 1)
            ]
        yield CaseRow(
            prefix,
            year,
            status,
            natures[prefix][0][index],
            natures[prefix][1][index],
            issued_at,
            parties,
        )
