"""Settings for the test suite (SQLite by default, PostgreSQL with DATABASE_URL)."""

import atexit
import shutil
import tempfile

from .base import *  # noqa: F403

TEST_MEDIA = tempfile.mkdtemp(prefix="televente-test-media-")
atexit.register(shutil.rmtree, TEST_MEDIA, True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the default in-memory database: with an in-memory database Django hands the
    # test's single connection to every live-server thread, so a browser test's concurrent
    # requests (a poll and a page load) interleave on one connection and one can roll back the
    # other's writes, e.g. the session just created, signing the user out.
    DATABASES["default"]["TEST"] = {"NAME": f"{TEST_MEDIA}/test-db.sqlite3"}  # noqa: F405

SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Fast hashing in tests; argon2 stays the production hasher (checked in test_settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    # Files the tests write (imports, documents sent, attachments) go to a temporary folder.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": TEST_MEDIA},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SMS_BACKEND = "televente.messaging.sms.LocmemSmsBackend"
# Tasks run through the real database backend; tests run the queue with run_pending_tasks().
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
AXES_FAILURE_LIMIT = 5
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
TELEPHONY_WEBHOOK_SECRET = "test-telephony-secret"
