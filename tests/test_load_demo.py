"""`make run` loads the demo once: a second run writes nothing, so no demo tool reads
"Updated" today because the demo was loaded again."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tools.models import Tool

pytestmark = pytest.mark.django_db


def test_the_demo_is_loaded_once_and_forced_again_only_when_asked(capsys):
    call_command("load_demo", verbosity=0)
    assert Tool.objects.filter(slug="code-llama-4").exists()
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Tool.objects.update(updated_at=long_ago)
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    assert not Tool.objects.filter(updated_at__gt=long_ago).exists()
    call_command("load_demo", "--force", verbosity=0)
    assert Tool.objects.filter(updated_at__gt=long_ago).exists()
