"""Demo data for `make run`: bilingual people, cases, filings, payments and hearings.

Kept apart from the production apps; it may use any of them (it sits above every layer).
"""
