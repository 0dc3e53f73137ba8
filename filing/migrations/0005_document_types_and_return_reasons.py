"""Document types per case type and the registry's return reasons.

Which documents are open to public inspection is a product default [P]
(icms-reference §4: access depends on case type and document type; medical
reports in employees' compensation cases are not open). Staff change these in
the admin. Fee items are linked when the fee schedule is seeded.
"""

from django.db import migrations

# code, English, Chinese, starts a case, open to public inspection
CIVIL = [
    ("writ", "Writ of summons", "傳訊令狀", True, True),
    ("statement_of_claim", "Statement of claim", "申索陳述書", False, True),
    ("defence", "Defence", "抗辯書", False, True),
    ("reply", "Reply", "答覆書", False, True),
    ("summons", "Summons (interlocutory application)", "傳票（非正審申請）", False, False),
    ("affirmation", "Affidavit or affirmation", "誓章或非宗教式誓詞", False, False),
    ("notice_of_acting", "Notice of change of solicitors or of acting in person", "更換律師通知書或親自行事通知書", False, False),
    ("other", "Other document", "其他文件", False, False),
]
PERSONAL_INJURIES = [
    *CIVIL[:2],
    ("medical_report", "Medical report", "醫療報告", False, False),
    ("statement_of_damages", "Statement of damages", "損害賠償陳述書", False, False),
    *CIVIL[2:],
]
EMPLOYEES_COMPENSATION = [
    ("application", "Application for compensation (Form 2)", "補償申請書（表格2）", True, False),
    ("answer", "Answer to the application", "對申請的答辯書", False, False),
    ("medical_report", "Medical report", "醫療報告", False, False),
    ("affirmation", "Affidavit or affirmation", "誓章或非宗教式誓詞", False, False),
    ("other", "Other document", "其他文件", False, False),
]
SUMMONS = [
    ("information", "Information and summons", "告發書及傳票", True, False),
    ("plea_in_writing", "Plea in writing", "書面答辯", False, False),
    ("application", "Application to the court", "向法庭提出的申請", False, False),
    ("other", "Other document", "其他文件", False, False),
]
BY_PREFIX = {
    "DCCJ": CIVIL,
    "DCTC": CIVIL,
    "DCPI": PERSONAL_INJURIES,
    "DCEC": EMPLOYEES_COMPENSATION,
    **{prefix: SUMMONS for prefix in ("ESS", "KCS", "KTS", "WKS", "STS", "FLS", "TMS")},
}

RETURN_REASONS = [
    ("wrong_document_type", "The document type chosen does not match the document.", "所選的文件類別與文件不符。"),
    ("wrong_case", "The document was filed in the wrong case.", "文件存檔於錯誤的案件。"),
    ("incomplete", "The document is incomplete: pages or required parts are missing.", "文件不完整：缺少頁面或必需部分。"),
    ("unsigned", "The document is not signed or not dated.", "文件沒有簽署或沒有註明日期。"),
    ("illegible", "The document cannot be read clearly.", "文件無法清楚閱讀。"),
    ("wrong_form", "The prescribed form was not used.", "沒有使用訂明表格。"),
    ("fee_unpaid", "The filing fee has not been paid.", "存檔費用尚未繳付。"),
    ("duplicate", "The document duplicates one already filed.", "文件與已存檔的文件重複。"),
    ("other", "Another reason, explained in the note.", "其他原因，詳見附註。"),
]


def load(apps, schema_editor):
    CaseType = apps.get_model("filing", "CaseType")
    DocumentType = apps.get_model("filing", "DocumentType")
    ReturnReason = apps.get_model("filing", "ReturnReason")
    for prefix, types in BY_PREFIX.items():
        case_type = CaseType.objects.get(prefix=prefix)
        for ordering, (code, name_en, name_zh, starts, public) in enumerate(types, start=1):
            DocumentType.objects.update_or_create(
                case_type=case_type,
                code=code,
                defaults={
                    "name_en": name_en,
                    "name_zh": name_zh,
                    "starts_case": starts,
                    "public_inspection": public,
                    "ordering": ordering * 10,
                },
            )
    for code, name_en, name_zh in RETURN_REASONS:
        ReturnReason.objects.update_or_create(code=code, defaults={"name_en": name_en, "name_zh": name_zh})


class Migration(migrations.Migration):
    dependencies = [("filing", "0004_submissions_documents_messages")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
