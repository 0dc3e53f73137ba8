from django.contrib import admin

from .models import Case, CaseType, Court, Party


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "level"]
    list_filter = ["level"]


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name_en", "name_zh", "court"]
    list_filter = ["court__level", "court"]


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    raw_id_fields = ["user", "representative"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "case_type", "status", "issued_at"]
    list_filter = ["status", "case_type__court", "case_type"]
    list_select_related = ["case_type"]
    search_fields = ["parties__name_en", "parties__name_zh"]
    inlines = [PartyInline]
