"""Settings are read from the environment, fail loudly, and pass the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_VALUES = {
    "DJANGO_SETTINGS_MODULE": "icms.settings.base",
    "DJANGO_DEBUG": "false",
    "DJANGO_READ_DOT_ENV_FILE": "false",
    "ALLOWED_HOSTS": "icms.example.hk",
    "EMAIL_URL": "smtp://mail.example.hk:587",
    "SITE_URL": "https://icms.example.hk",
    # A Fernet key of its own for the values encrypted at rest (icms.core.crypto).
    "FIELD_ENCRYPTION_KEYS": "8Vq3K7gZpYJ2oF6l1nXWd0cR4sHtU9bE5aQmLkPiC2w=",
}


def _manage(*args: str, env: dict[str, str], secret_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    # The test settings turn development-only features on in this process's environment.
    local = ("DJANGO_", "SECRET_KEY", "SECURE_", "PAYMENT_SANDBOX_", "DEMO_DATA_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(local)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_with_production_values_reports_nothing(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("p" * 20 + "-production-like-secret-0123456789-abcdefghijklmnop\n")
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        # Before the first migrate (no database yet): the fee schedule's check (icms.E040, tested in
        # tests/payments/test_public_fees.py) reports nothing it cannot read.
        env={**PRODUCTION_VALUES, "SECRET_KEY_FILE": str(secret), "DATABASE_URL": "postgres:///icms_not_created_yet"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_errors_when_the_sandbox_gateway_is_on_without_debug(tmp_path):
    result = _manage(
        "check", "--deploy", env={**PRODUCTION_VALUES, "SECRET_KEY": "s" * 60, "PAYMENT_SANDBOX_ENABLED": "true"}
    )
    assert result.returncode != 0
    assert "icms.E030" in result.stderr and "no money taken" in result.stderr


def test_check_deploy_errors_on_every_development_only_feature_turned_on(tmp_path):
    development_only = {
        "DEMO_DATA_ALLOWED": "true",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "consolemail://",
        "WHITENOISE_USE_FINDERS": "true",
        "ICMS_ENVIRONMENT": "development",
    }
    result = _manage("check", "--deploy", env={**PRODUCTION_VALUES, "SECRET_KEY": "s" * 60, **development_only})
    assert result.returncode != 0
    for check in ("icms.E031", "icms.E032", "icms.E033", "icms.W031", "icms.W032"):
        assert check in result.stderr, check
    assert "icms.E030" not in result.stderr  # the sandbox is off unless turned on


def test_the_sandbox_gateway_and_demo_data_are_off_by_default_in_every_mode():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.PAYMENT_SANDBOX_ENABLED, settings.DEMO_DATA_ALLOWED)"
    )
    local = ("DJANGO_", "PAYMENT_SANDBOX_", "DEMO_DATA_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(local)}
    for debug, expected in (("false", "False False False"), ("true", "True False True")):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**clean, **PRODUCTION_VALUES, "SECRET_KEY": "s" * 60, "DJANGO_DEBUG": debug},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.stdout.strip() == expected, result.stderr


def test_the_demo_data_refuses_to_load_in_production():
    result = _manage("load_demo_data", env={**PRODUCTION_VALUES, "SECRET_KEY": "s" * 60})
    assert result.returncode != 0
    assert "published password" in result.stderr


def test_deploy_check_warns_when_encrypted_values_hang_on_the_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_VALUES.items() if k != "FIELD_ENCRYPTION_KEYS"}
    result = _manage("check", "--deploy", env={**env, "SECRET_KEY": "s" * 60})
    assert "icms.W020" in result.stdout + result.stderr


def test_a_malformed_field_encryption_key_is_refused_naming_the_setting():
    script = "import django; django.setup(); from icms.core.crypto import encrypt; encrypt('A1234563')"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FIELD_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "icms.settings.test", "FIELD_ENCRYPTION_KEYS": "not-a-key"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be Fernet keys" in result.stderr


def test_missing_secret_key_in_production_fails_loudly():
    result = _manage("check", env=PRODUCTION_VALUES)
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_malformed_value_names_the_variable():
    result = _manage("check", env={**PRODUCTION_VALUES, "SECRET_KEY": "x" * 60, "CONN_MAX_AGE": "ten minutes"})
    assert result.returncode != 0
    assert "CONN_MAX_AGE has an invalid value" in result.stderr


def test_typo_in_a_boolean_is_refused_not_read_as_false():
    result = _manage("check", env={**PRODUCTION_VALUES, "SECRET_KEY": "x" * 60, "SECURE_SSL_REDIRECT": "ture"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT has an invalid value" in result.stderr


def test_dev_outbox_refused_in_production():
    result = _manage("check", env={**PRODUCTION_VALUES, "SECRET_KEY": "x" * 60, "EMAIL_URL": "outbox://"})
    assert result.returncode != 0
    assert "outbox:// is for development only" in result.stderr


def test_downloads_are_streamed_unless_redirects_are_asked_for_by_name(settings):
    assert settings.DOCUMENT_DOWNLOADS == "stream"
    result = _manage("check", env={**PRODUCTION_VALUES, "SECRET_KEY": "x" * 60, "DOCUMENT_DOWNLOADS": "presigned"})
    assert result.returncode != 0
    assert "DOCUMENT_DOWNLOADS must be stream or redirect, not 'presigned'" in result.stderr


def test_database_connections_are_persistent_and_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_s3_storage_when_a_bucket_is_named():
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.STORAGES['default']['BACKEND'], settings.STORAGES['default']['OPTIONS']['default_acl'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        "AWS_STORAGE_BUCKET_NAME": "icms-docs",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.split() == ["storages.backends.s3.S3Storage", "private"]


def test_time_and_languages(settings):
    assert settings.TIME_ZONE == "Asia/Hong_Kong"
    assert settings.USE_TZ is True
    assert [code for code, _ in settings.LANGUAGES] == ["en", "zh-hant"]
