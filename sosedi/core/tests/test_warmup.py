import subprocess
import sys

from django.conf import settings


def test_a_server_process_loads_the_urlconf_and_the_morphology_before_its_first_request():
    # A fresh interpreter, as a gunicorn worker: importing config.wsgi must leave the URLconf imported and the
    # morphology dictionary loaded, and must not touch the database (a server starts while the database is down).
    probe = (
        "import sys, django.db.backends.base.base as b\n"
        "b.BaseDatabaseWrapper.connect = lambda self: sys.exit('the warm-up opened a database connection')\n"
        "import config.wsgi\n"
        "from sosedi.knowledge.text import _morph\n"
        "assert 'config.urls' in sys.modules and 'sosedi.knowledge.api' in sys.modules\n"
        "assert _morph.cache_info().currsize == 1\n"
    )
    done = subprocess.run(  # noqa: S603  (our own interpreter and fixed code)
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
