"""The generated tables of ``bench/admin_lists.py``: millions of rows made with set-based SQL.

Every row is a pure function of its number, so a table made again, or grown, comes out the
same; each table is filled in one transaction and then vacuumed and analysed: filers, DCCJ
cases, submissions, payment orders, messages, audit events and hearings (``--hearings``,
about ten a case; 1.7 minutes for 2,000,000 with their trigram indexes). See
``bench/admin_lists.py`` for the sizes and how long the rest takes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

FILERS = 50_000
CASES = 200_000

# --- Making the data -------------------------------------------------------------------
#
# Every row is a pure function of its number n (1, 2, ...): references, times and choices
# come from n and hashes of n, so a table made again, or grown, comes out the same. Times
# rise with n over the five years to 2026-11-30 (UTC), hearings' over 2019-2027. Helpers
# live in pg_temp: they go with the session.

HELPERS = """
CREATE OR REPLACE FUNCTION pg_temp.bench_hash(n bigint, salt integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT abs(hashint8(n * 16 + salt)::bigint) $$;
-- A bijection of n (below 2**32) to 8 hex digits: references made from it never repeat.
CREATE OR REPLACE FUNCTION pg_temp.bench_mix(n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT lpad(upper(to_hex(mod(n * 2654435761, 4294967296))), 8, '0') $$;
-- ES-C4CA-9E37-79B1: the first group from md5(n), the other two unique to n.
CREATE OR REPLACE FUNCTION pg_temp.bench_es(n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT 'ES-' || upper(substr(md5(n::text), 1, 4)) || '-' || substr(pg_temp.bench_mix(n), 1, 4)
        || '-' || substr(pg_temp.bench_mix(n), 5, 4) $$;
-- PO- and 10 characters, unique to n.
CREATE OR REPLACE FUNCTION pg_temp.bench_po(n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT 'PO-' || upper(substr(md5('po' || n), 1, 2)) || pg_temp.bench_mix(n * 3 + 1) $$;
-- The n-th of total moments over the five years ending 2026-11-30 00:00 UTC.
CREATE OR REPLACE FUNCTION pg_temp.bench_at(n bigint, total bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$
    SELECT timestamptz '2021-11-30 00:00:00+00' + interval '1826 days' * (n::float8 / total) $$;
"""

GIVEN_EN = ["Tai Man", "Siu Ming", "Ka Yan", "Wing Sze", "Chi Keung", "Mei Ling", "Kwok Wai", "Hoi Yan", "Ka Ho", "On"]
GIVEN_ZH = ["大文", "小明", "嘉欣", "詠詩", "志強", "美玲", "國偉", "凱欣", "家豪", "安"]
SURNAME_EN = ["CHAN", "WONG", "LEE", "CHEUNG", "LAU", "LEUNG", "HO", "NG", "CHOW", "YEUNG", "TSANG", "LAM", "TANG"]
SURNAME_ZH = ["陳", "黃", "李", "張", "劉", "梁", "何", "吳", "周", "楊", "曾", "林", "鄧"]

USERS_SQL = """
INSERT INTO accounts_user (
    password, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email, kind,
    name_zh, preferred_language, created_at, updated_at, hkid, hearing_reminders
)
SELECT '!' || md5('bench-filer-' || n), false, g.en, s.en, false, true, j.at,
       'filer' || n || '@firm' || mod(n, 900) || '.com.hk',
       CASE WHEN mod(n, 5) = 0 THEN 'individual' ELSE 'organisation' END,
       s.zh || g.zh, CASE WHEN mod(n, 4) = 0 THEN 'zh-hant' ELSE 'en' END, j.at, j.at, '', true
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
CROSS JOIN LATERAL (
    SELECT 1 + mod(n, cardinality(%(given_en)s::text[])) AS gi,
           1 + mod(n / cardinality(%(given_en)s::text[]), cardinality(%(surname_en)s::text[])) AS si,
           timestamptz '2020-11-30 00:00:00+00' + interval '365 days' * (n::float8 / %(last)s) AS at
) AS j
CROSS JOIN LATERAL (SELECT (%(given_en)s::text[])[j.gi] AS en, (%(given_zh)s::text[])[j.gi] AS zh) AS g
CROSS JOIN LATERAL (SELECT (%(surname_en)s::text[])[j.si] AS en, (%(surname_zh)s::text[])[j.si] AS zh) AS s
ON CONFLICT DO NOTHING
"""

NATURES = [
    ("Money claim", "金錢申索"),
    ("Claim for goods sold and delivered", "售出及交付貨品的申索"),
    ("Claim for arrears of rent", "拖欠租金的申索"),
    ("Claim for breach of contract", "違反合約的申索"),
    ("Claim for professional fees", "專業費用的申索"),
]

# DCCJ cases numbered 1, 2, ... in each of 2022-2026, a fifth of them a year, issued in order.
CASES_SQL = """
INSERT INTO filing_case (
    number, year, status, nature_en, nature_zh, issued_at, created_at, updated_at, created_by_id,
    case_type_id, amount_claimed
)
SELECT c.number, c.year, CASE WHEN c.year < 2025 AND mod(n, 4) <> 0 THEN 'closed' ELSE 'active' END,
       (%(nature_en)s::text[])[1 + mod(h, cardinality(%(nature_en)s::text[]))],
       (%(nature_zh)s::text[])[1 + mod(h, cardinality(%(nature_en)s::text[]))],
       c.issued, c.issued, c.issued, u.id, %(case_type)s, 10000 + mod(h / 7, 2990000)
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
CROSS JOIN LATERAL (SELECT pg_temp.bench_hash(n, 1) AS h) AS hh
CROSS JOIN LATERAL (
    SELECT (2022 + (n - 1) / %(per_year)s)::smallint AS year, (mod(n - 1, %(per_year)s) + 1)::integer AS number
) AS y
CROSS JOIN LATERAL (
    SELECT y.year, y.number,
           make_timestamptz(y.year, 1, 3, 2, 0, 0, 'UTC')
               + interval '330 days' * ((y.number - 1)::float8 / %(per_year)s) AS issued
) AS c
JOIN bench_user AS u ON u.k = 1 + mod(h / 11, %(users)s)
ON CONFLICT DO NOTHING
"""

# The review queue holds the newest 1% (received or under review); the rest were decided.
SUBMISSIONS_SQL = """
WITH reasons AS (SELECT array_agg(id ORDER BY id) AS ids FROM filing_returnreason)
INSERT INTO filing_submission (
    received_at, deemed_received_at, deemed_rule, deemed_stamped_at, reference, opens_case, status,
    decided_at, return_note, payment_reference, acknowledgement_key, acknowledged_at, created_at,
    updated_at, case_id, decided_by_id, on_behalf_of_id, return_reason_id, submitted_by_id,
    submission_key, filer_reference, for_party_id, refiles_id, withdrawn_at, access_code_id
)
SELECT s.t, s.t, 'open_hours', s.t, pg_temp.bench_es(n), mod(n, 8) = 0, s.status,
       d.decided, '',
       -- Order n pays for submission n when it is a filing fee (ORDERS_SQL).
       CASE WHEN n <= %(orders)s AND mod(pg_temp.bench_hash(n, 3), 100) < 86 THEN pg_temp.bench_po(n) ELSE '' END, '',
       s.t + interval '2 minutes', s.t, coalesce(d.decided, d.withdrawn, s.t), c.id, NULL, NULL,
       CASE WHEN s.status = 'returned' THEN reasons.ids[1 + mod(h, cardinality(reasons.ids))] END,
       u.id, NULL, 'CL/' || to_char(s.t, 'YYYY') || '/' || lpad((1 + mod(n, 9999))::text, 4, '0'),
       NULL, NULL, d.withdrawn, NULL
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
CROSS JOIN reasons
CROSS JOIN LATERAL (SELECT pg_temp.bench_hash(n, 2) AS h) AS hh
CROSS JOIN LATERAL (
    SELECT pg_temp.bench_at(n, %(last)s) AS t,
           CASE WHEN n > %(last)s - %(last)s / 100 THEN
                    CASE WHEN mod(n, 3) = 0 THEN 'under_review' ELSE 'received' END
                WHEN mod(h, 100) < 85 THEN 'accepted'
                WHEN mod(h, 100) < 95 THEN 'returned'
                ELSE 'withdrawn' END AS status
) AS s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.status IN ('accepted', 'returned')
                THEN s.t + interval '1 hour' * (1 + mod(h / 100, 72)) END AS decided,
           CASE WHEN s.status = 'withdrawn' THEN s.t + interval '3 hours' END AS withdrawn
) AS d
JOIN bench_case AS c
    ON c.k = greatest(1, least(%(cases)s, ceil(n::float8 * %(cases)s / %(last)s)::bigint - mod(h / 7, 2000)))
JOIN bench_user AS u ON u.k = 1 + mod(h / 13, %(users)s)
ON CONFLICT DO NOTHING
"""

# Mostly filing fees for the submission of the same number; paid or refunded orders have
# received_at (payment_order_paid_has_received_at), amounts are never negative.
ORDERS_SQL = """
INSERT INTO payments_paymentorder (
    deemed_received_at, deemed_rule, deemed_stamped_at, reference, purpose, purpose_ref, court_level,
    lines, standard_total, amount, method, status, failure_reason, idempotency_key, gateway,
    gateway_reference, access_token, pending_since, received_at, created_at, updated_at,
    deposit_account_id, payer_id
)
SELECT p.received, CASE WHEN p.received IS NULL THEN '' ELSE 'open_hours' END, p.received,
       pg_temp.bench_po(n), o.purpose,
       CASE WHEN o.purpose = 'submission'
            THEN pg_temp.bench_es(CASE WHEN n <= %(submissions)s THEN n ELSE 1 + mod(h, %(submissions)s) END)
            ELSE (1 + mod(h, 100000))::text END,
       CASE WHEN o.purpose = 'deposit_top_up' THEN '' ELSE 'DC' END, '[]'::jsonb,
       o.standard, CASE WHEN o.purpose = 'deposit_top_up' THEN o.standard ELSE round(o.standard * 0.9, 2) END,
       p.method, o.status,
       CASE WHEN o.status = 'failed' THEN CASE WHEN mod(n, 2) = 0 THEN 'declined' ELSE 'timeout' END ELSE '' END,
       md5('bench-order-' || n), CASE WHEN p.method = '' THEN '' ELSE 'sandbox-' || p.method END,
       CASE WHEN o.status IN ('paid', 'refunded', 'failed')
            THEN 'GW' || to_char(o.t, 'YYYYMMDD') || lpad(n::text, 9, '0') ELSE '' END,
       md5('bench-token-a' || n) || md5('bench-token-b' || n),
       CASE WHEN p.method <> '' THEN o.t + interval '1 minute' END, p.received, o.t, coalesce(p.received, o.t),
       NULL, u.id
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
CROSS JOIN LATERAL (SELECT pg_temp.bench_hash(n, 3) AS h) AS hh
CROSS JOIN LATERAL (
    SELECT pg_temp.bench_at(n, %(last)s) AS t,
           CASE WHEN mod(h, 100) < 86 THEN 'submission' WHEN mod(h, 100) < 91 THEN 'search'
                WHEN mod(h, 100) < 94 THEN 'inspection' WHEN mod(h, 100) < 96 THEN 'copy'
                WHEN mod(h, 100) < 98 THEN 'deposit_top_up' ELSE 'bulk_filing' END AS purpose,
           CASE WHEN mod(h / 100, 100) < 80 THEN 'paid' WHEN mod(h / 100, 100) < 84 THEN 'refunded'
                WHEN mod(h / 100, 100) < 89 THEN 'cancelled' WHEN mod(h / 100, 100) < 93 THEN 'failed'
                WHEN mod(h / 100, 100) < 96 THEN 'created' ELSE 'pending' END AS status,
           (ARRAY[630, 945, 1045, 1575, 2100, 3150]::numeric[])[1 + mod(h / 10000, 6)] AS standard
) AS o
CROSS JOIN LATERAL (
    SELECT CASE WHEN o.status IN ('created', 'cancelled') THEN ''
                WHEN o.purpose = 'deposit_top_up' THEN (ARRAY['card', 'fps'])[1 + mod(h / 7, 2)]
                ELSE (ARRAY['card', 'pps', 'fps'])[1 + mod(h / 7, 3)] END AS method,
           CASE WHEN o.status IN ('paid', 'refunded') THEN o.t + interval '3 minutes' END AS received
) AS p
-- A filing fee is paid by whoever filed the submission (SUBMISSIONS_SQL's choice of user).
JOIN bench_user AS u ON u.k = 1 + mod(
    CASE WHEN o.purpose = 'submission' AND n <= %(submissions)s THEN pg_temp.bench_hash(n, 2) ELSE h END / 13,
    %(users)s
)
ON CONFLICT DO NOTHING
"""

# Nine in ten about a submission: message n is about submission k = n mod S, of kind
# (round + k) mod 4, so (recipient, submission, kind) never repeats (the unique constraint
# one_message_per_recipient_submission_and_kind) for up to 4 S messages. The tenth, and any
# past 4 S, are notices about a case.
MESSAGES_SQL = """
INSERT INTO filing_messageitem (
    kind, subject_en, subject_zh, body_en, body_zh, attachment_key, read_at, created_at, updated_at,
    court_document_id, recipient_id, submission_id, version
)
SELECT m.kind, m.subject_en, m.subject_zh,
       m.subject_en || '. The document is in your message box: sign in to the portal to read or download it.',
       m.subject_zh || '。文件已在你的訊息箱內，請登入入門網站閱覽或下載。', '',
       CASE WHEN mod(a.h, 10) < 7 THEN m.at + interval '1 hour' * (1 + mod(a.h / 10, 200)) END,
       m.at, m.at, NULL, m.recipient, m.submission, NULL
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
CROSS JOIN LATERAL (
    SELECT pg_temp.bench_hash(n, 4) AS h,
           mod(n, 10) <> 0 AND (n - 1) / %(submissions)s < 4 AS about,
           1 + mod(n - 1, %(submissions)s) AS k,
           mod((n - 1) / %(submissions)s + mod(n - 1, %(submissions)s), 4) AS ki
) AS a
LEFT JOIN bench_sub AS s ON a.about AND s.k = a.k
JOIN bench_user AS u ON u.k = 1 + mod(a.h / 3, %(users)s)
JOIN bench_case AS c ON c.k = 1 + mod(a.h / 5, %(cases)s)
CROSS JOIN LATERAL (
    SELECT CASE WHEN NOT a.about THEN CASE WHEN mod(a.h / 7, 2) = 0 THEN 'notice' ELSE 'representation' END
                ELSE (ARRAY['acknowledgement', 'decision', 'court_document', 'other_party_filing'])[1 + a.ki]
           END AS kind
) AS kk
CROSS JOIN LATERAL (
    SELECT kk.kind,
           CASE kk.kind
               WHEN 'notice' THEN 'Notice of hearing in ' || c.label
               WHEN 'representation' THEN 'Change of representation in ' || c.label
               WHEN 'acknowledgement' THEN 'Acknowledgement of submission ' || s.reference
               WHEN 'decision' THEN CASE WHEN s.status = 'returned' THEN 'Submission ' || s.reference || ' returned'
                                         ELSE 'Submission ' || s.reference || ' accepted in ' || s.case_label END
               WHEN 'court_document' THEN 'Sealed writ of summons in ' || s.case_label
               ELSE 'Filed by another party in ' || s.case_label || ': Defence'
           END AS subject_en,
           CASE kk.kind
               WHEN 'notice' THEN c.label || ' 聆訊通知'
               WHEN 'representation' THEN c.label || ' 的代表已更改'
               WHEN 'acknowledgement' THEN '提交 ' || s.reference || ' 的確認書'
               WHEN 'decision' THEN CASE WHEN s.status = 'returned' THEN '提交 ' || s.reference || ' 已退回'
                                         ELSE '提交 ' || s.reference || ' 已獲接納（' || s.case_label || '）' END
               WHEN 'court_document' THEN s.case_label || ' 已蓋印傳訊令狀'
               ELSE '另一方在 ' || s.case_label || ' 提交：答辯書'
           END AS subject_zh,
           CASE WHEN a.about AND kk.kind <> 'other_party_filing' THEN s.submitted_by_id ELSE u.id END AS recipient,
           CASE WHEN a.about THEN s.id END AS submission,
           CASE kk.kind
               WHEN 'acknowledgement' THEN s.received_at + interval '2 minutes'
               WHEN 'decision' THEN s.received_at + interval '1 day'
               WHEN 'court_document' THEN s.received_at + interval '2 days'
               WHEN 'other_party_filing' THEN s.received_at + interval '1 day'
               ELSE pg_temp.bench_at(n, %(last)s)
           END AS at
) AS m
ON CONFLICT DO NOTHING
"""

# Four in five about a submission near in time (its reference the label), one in five about
# a case (its number the label); one in 25 by the system (no actor, no address).
AUDIT_SQL = """
INSERT INTO accounts_auditevent (
    event_type, target_id, target_label, before, after, ip_address, occurred_at, actor_id, target_type_id
)
SELECT CASE WHEN a.on_case THEN (%(case_events)s::text[])[1 + mod(n / 5, cardinality(%(case_events)s::text[]))]
            ELSE (%(submission_events)s::text[])[mod(n, 5)] END,
       CASE WHEN a.on_case THEN c.id ELSE s.id END::text,
       CASE WHEN a.on_case THEN c.label ELSE s.reference END,
       NULL, NULL,
       CASE WHEN u.id IS NOT NULL THEN
           ('203.' || (1 + mod(a.h / 11, 220)) || '.' || mod(a.h / 13, 256) || '.' || (1 + mod(a.h / 17, 254)))::inet
       END,
       pg_temp.bench_at(n, %(last)s), u.id,
       CASE WHEN a.on_case THEN %(case_type)s::integer ELSE %(submission_type)s::integer END
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
CROSS JOIN LATERAL (SELECT pg_temp.bench_hash(n, 5) AS h, mod(n, 5) = 0 AS on_case) AS a
LEFT JOIN bench_user AS u ON mod(n, 25) <> 0 AND u.k = 1 + mod(a.h, %(users)s)
LEFT JOIN bench_case AS c
    ON a.on_case AND c.k = greatest(1, ceil(n::float8 * %(cases)s / %(last)s)::bigint - mod(a.h / 3, 2000))
LEFT JOIN bench_sub AS s
    ON NOT a.on_case
    AND s.k = greatest(1, ceil(n::float8 * %(submissions)s / %(last)s)::bigint - mod(a.h / 7, 1000))
"""

# Thirty judges' surnames: the filers' thirteen and seventeen more.
JUDGE_EN = [*SURNAME_EN, "YIP", "KWOK", "LO", "FUNG", "CHU", "MAK", "SO", "TAM", "POON", "CHOI", "YU", "LUI", "KWAN"]
JUDGE_EN += ["SIU", "AU", "KO", "HUI"]
JUDGE_ZH = [*SURNAME_ZH, "葉", "郭", "盧", "馮", "朱", "麥", "蘇", "譚", "潘", "蔡", "余", "呂", "關"]
JUDGE_ZH += ["蕭", "區", "高", "許"]
# The weekdays from Tuesday 2019-01-01 to Friday 2027-12-31: weekday d (1, 2, ...) is week d / 5
# and day mod(d, 5) after Monday 2018-12-31.
WEEKDAYS = 2349

# About ten a case, each near its case's place in the register (as submissions are), all in
# the case type's court (DCCJ's, passed in); on weekdays of 2019-2027, rising with n, at a
# five-minute slot between 09:30 and 16:30 Hong Kong time (01:30-08:30 UTC) by the hearing's
# place in its day. The cases are of 2022-2026, so a case's early hearings may come before
# it was issued (nothing checks). Seven in ten listed; no adjournment points at the listing
# it replaces, and none has a notice (both columns may be empty); nature and representation
# are left blank (the case's are used).
HEARINGS_SQL = """
INSERT INTO causebook_hearing (
    courtroom, judge_en, judge_zh, starts_at, hearing_type, nature_en, nature_zh, representation_en,
    representation_zh, status, created_at, updated_at, case_id, court_id, adjourned_from_id, notice_id
)
SELECT 'Court No. ' || (1 + mod(a.h, 40)),
       CASE WHEN mod(a.h / 40, 3) = 0 THEN 'Her' ELSE 'His' END || ' Honour Judge ' || (%(judge_en)s::text[])[a.j],
       (%(judge_zh)s::text[])[a.j] || '法官', t.at,
       CASE WHEN mod(a.h / 360000, 100) < 30 THEN 'mention' WHEN mod(a.h / 360000, 100) < 50 THEN 'check_list_review'
            WHEN mod(a.h / 360000, 100) < 60 THEN 'pre_trial_review'
            WHEN mod(a.h / 360000, 100) < 80 THEN 'interlocutory' WHEN mod(a.h / 360000, 100) < 90 THEN 'trial'
            WHEN mod(a.h / 360000, 100) < 95 THEN 'assessment' ELSE 'judgment' END,
       '', '', '', '',
       CASE WHEN mod(a.h / 3600, 100) < 70 THEN 'listed' WHEN mod(a.h / 3600, 100) < 85 THEN 'heard'
            WHEN mod(a.h / 3600, 100) < 95 THEN 'adjourned' ELSE 'vacated' END,
       t.at - interval '1 day' * (14 + mod(a.h / 7, 60)), t.at - interval '1 day' * (14 + mod(a.h / 7, 60)),
       c.id, %(court)s, NULL, NULL
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
CROSS JOIN LATERAL (
    SELECT pg_temp.bench_hash(n, 6) AS h,
           1 + mod(pg_temp.bench_hash(n, 6) / 120, cardinality(%(judge_en)s::text[])) AS j,
           (n - 1)::float8 * %(weekdays)s / %(last)s AS place
) AS a
CROSS JOIN LATERAL (SELECT 1 + floor(a.place)::integer AS d) AS w
CROSS JOIN LATERAL (
    SELECT ((date '2018-12-31' + 7 * (w.d / 5) + mod(w.d, 5)) + time '01:30') AT TIME ZONE 'UTC'
               + interval '5 minutes' * floor((a.place - floor(a.place)) * 85) AS at
) AS t
-- Wrapped round to the last cases, not held at case 1 (which would take some 10,000 hearings).
JOIN bench_case AS c
    ON c.k = 1 + mod(ceil(n::float8 * %(cases)s / %(last)s)::bigint - 1 + %(cases)s
                     - mod(a.h / 11, least(2000, %(cases)s)), %(cases)s)
ON CONFLICT DO NOTHING
"""

# Row k (1, 2, ... in id order) of each table the others point at, for joins by number.
MAPPINGS = {
    "bench_user": """
        CREATE TEMP TABLE bench_user AS
        SELECT row_number() OVER (ORDER BY id) AS k, id FROM accounts_user WHERE email LIKE %(filers)s
    """,
    "bench_case": """
        CREATE TEMP TABLE bench_case AS
        SELECT row_number() OVER (ORDER BY c.id) AS k, c.id, t.prefix || ' ' || c.number || '/' || c.year AS label
        FROM filing_case AS c JOIN filing_casetype AS t ON t.id = c.case_type_id
        WHERE t.prefix = 'DCCJ' AND c.number IS NOT NULL
    """,
    "bench_sub": """
        CREATE TEMP TABLE bench_sub AS
        SELECT row_number() OVER (ORDER BY s.id) AS k, s.id, s.reference, s.status, s.submitted_by_id, s.received_at,
               t.prefix || ' ' || c.number || '/' || c.year AS case_label
        FROM filing_submission AS s
        JOIN filing_case AS c ON c.id = s.case_id
        JOIN filing_casetype AS t ON t.id = c.case_type_id
        WHERE c.number IS NOT NULL
    """,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_ready(name: str) -> None:
    """Make the database if it is missing; migrate it to HEAD either way."""
    from django.core.management import call_command

    made = subprocess.run(
        ["createdb", "-E", "UTF8", "--locale=C.UTF-8", "-T", "template0", name], capture_output=True, text=True
    )
    if made.returncode == 0:
        log(f"created database {name}")
    elif "already exists" not in made.stderr:
        raise SystemExit(f"createdb {name}: {made.stderr}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrate: {time.perf_counter() - started:.1f} s")


def _count(sql: str, params: dict[str, Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


class Maker:
    """Makes each table's missing rows, one transaction per table, then VACUUM ANALYZE."""

    def __init__(self) -> None:
        self.mappings: dict[str, int] = {}
        self.helpers = False
        self.seconds: dict[str, float] = {}

    def _session(self) -> None:
        from django.db import connection

        if not self.helpers:
            with connection.cursor() as cursor:
                cursor.execute(HELPERS)
            self.helpers = True

    def mapping(self, name: str) -> int:
        """Make the temporary table ``name`` (k -> row) once; its row count."""
        from django.db import connection

        if name not in self.mappings:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
                cursor.execute(MAPPINGS[name], {"filers": "filer%@firm%.com.hk"})
                cursor.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (k)")
                cursor.execute(f"ANALYZE {name}")
            self.mappings[name] = _count(f"SELECT count(*) FROM {name}")  # noqa: S608  (a name of MAPPINGS)
            if not self.mappings[name]:
                raise SystemExit(f"{name}: no rows to point at")
        return self.mappings[name]

    def fill(self, table: str, have: int, want: int, sql: str, params: dict[str, Any]) -> None:
        """Insert rows have+1 .. want of ``table`` with ``sql``, unless it already holds ``want``."""
        from django.db import connection, transaction

        if have >= want:
            log(f"{table}: {have:,} rows already (wanted {want:,}): kept")
            return
        self._session()
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(sql, {**params, "first": have + 1, "last": want})
            inserted = cursor.rowcount
        inserting = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        took = time.perf_counter() - started
        self.seconds[table] = round(took, 1)
        log(f"{table}: {inserted:,} rows in {inserting:.1f} s, with VACUUM ANALYZE {took:.1f} s")


def make_data(audit_events: int, rows: int, hearings: int) -> dict[str, float]:
    """The data the lists are measured over; the seconds each table took to make."""
    from django.contrib.contenttypes.models import ContentType

    from filing.models import Case, CaseType, Submission
    from icms.core.audit_events import AuditEventType as T

    maker = Maker()
    filers = _count("SELECT count(*) FROM accounts_user WHERE email LIKE %(p)s", {"p": "filer%@firm%.com.hk"})
    names = {"given_en": GIVEN_EN, "given_zh": GIVEN_ZH, "surname_en": SURNAME_EN, "surname_zh": SURNAME_ZH}
    maker.fill("accounts_user", filers, FILERS, USERS_SQL, names)
    maker.mapping("bench_user")

    dccj = CaseType.objects.get(prefix="DCCJ")
    have = _count("SELECT count(*) FROM filing_case WHERE case_type_id = %(t)s", {"t": dccj.pk})
    maker.fill(
        "filing_case",
        have,
        CASES,
        CASES_SQL,
        {
            "case_type": dccj.pk,
            "per_year": -(-CASES // 5),
            "users": maker.mapping("bench_user"),
            "nature_en": [en for en, _ in NATURES],
            "nature_zh": [zh for _, zh in NATURES],
        },
    )
    common = {"users": maker.mapping("bench_user"), "cases": maker.mapping("bench_case")}

    have = _count("SELECT count(*) FROM filing_submission")
    maker.fill("filing_submission", have, rows, SUBMISSIONS_SQL, {**common, "orders": rows})

    have = _count("SELECT count(*) FROM payments_paymentorder")
    maker.fill("payments_paymentorder", have, rows, ORDERS_SQL, {**common, "submissions": rows})

    have = _count("SELECT count(*) FROM filing_messageitem")
    if have < rows:
        common["submissions"] = maker.mapping("bench_sub")
    maker.fill("filing_messageitem", have, rows, MESSAGES_SQL, common)

    have = _count("SELECT count(*) FROM accounts_auditevent")
    if have < audit_events:
        common["submissions"] = maker.mapping("bench_sub")
    # Ten real event types: the fifth of each five events is about a case, the other four about a submission.
    submission_events = [T.FILING_SUBMISSION_RECEIVED, T.FILING_SUBMISSION_ACCEPTED, T.FILING_SUBMISSION_RETURNED]
    submission_events.append(T.PAYMENTS_ORDER_PAID)
    case_events = [T.CASE_ASSIGNED, T.FILING_COURT_DOCUMENT_ISSUED, T.FILING_PARTY_ADDED, T.FILING_ACCESS_CODE_ISSUED]
    case_events += [T.FILING_REPRESENTATION_STARTED, T.CAUSEBOOK_HEARING_LISTED]
    events = {
        "submission_events": [event.value for event in submission_events],
        "case_events": [event.value for event in case_events],
        "case_type": ContentType.objects.get_for_model(Case).pk,
        "submission_type": ContentType.objects.get_for_model(Submission).pk,
    }
    maker.fill("accounts_auditevent", have, audit_events, AUDIT_SQL, {**common, **events})

    have = _count("SELECT count(*) FROM causebook_hearing")
    listing = {"cases": maker.mapping("bench_case"), "court": dccj.court_id, "weekdays": WEEKDAYS}
    judges = {"judge_en": JUDGE_EN, "judge_zh": JUDGE_ZH}
    maker.fill("causebook_hearing", have, hearings, HEARINGS_SQL, {**listing, **judges})
    from django.db import connection

    with connection.cursor() as cursor:
        for name in maker.mappings:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return maker.seconds
