"""Every demo login that `load_demo` prints works as printed, one for every role, and lands on a start page
that says what is waiting (never an empty page)."""

import io
import re

from django.core.management import call_command

from quartier.accounts.demo import DEMO_PASSWORD
from quartier.accounts.models import Membership, Role


def test_every_printed_demo_login_works_and_every_role_has_one(client, essen):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    logins = re.findall(r"^  (\S+@demo\.quartier\.example) ", out.getvalue(), re.M)
    roles = set(Membership.objects.filter(user__email__in=logins).values_list("role", flat=True))
    assert roles == set(Role.values)
    for email in logins:
        assert client.login(username=email, password=DEMO_PASSWORD), email
        page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1")
        html = page.content.decode()
        assert page.status_code == 200, email
        waiting = html.split('id="ws-waiting"', 1)[1].split('<h2 class="kern-heading-medium">', 1)[0]
        assert waiting.count("href=") >= 1, email  # links to the work, not an empty page
        if email.startswith("kompetenzteam-iii@"):
            assert "/de/vorschlaege/?bezirk=III" in waiting and "/de/bezirke/iii/" in waiting
        client.logout()
    again = io.StringIO()
    call_command("load_demo", stdout=again)  # idempotent: the same logins, nothing new
    assert re.findall(r"^  (\S+@demo\.quartier\.example) ", again.getvalue(), re.M) == logins
    assert "(created)" not in again.getvalue()
