"""Forgotten password: a link by email, used once."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_the_login_page_links_to_the_reset(client):
    assert b'href="/password-reset/"' in client.get("/login/").content


@pytest.fixture(autouse=True)
def mail_in_process(settings):
    """The mail goes out through the job runner; here, in this process."""
    settings.JOBS_RUN_IN_PROCESS = True


def test_a_reset_link_sets_a_new_password_once(client, manager,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        response = client.post("/password-reset/", {"email": manager.email})
    assert len(jobs) == 1  # sent by a background job, not by the request
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [manager.email]
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert b'name="new_password1"' in form.content
    new = "a new passphrase for maya"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/password-reset/done/"
    manager.refresh_from_db()
    assert manager.check_password(new)
    again = client.get(link, follow=True)
    assert b"has been used already or has expired" in again.content


def test_an_unknown_address_says_nothing_different(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        response = client.post("/password-reset/", {"email": "nobody@example.invalid"})
    assert response.status_code == 302 and not jobs and not mail.outbox


def test_the_reset_pages_have_styled_inputs(client):
    content = client.get("/password-reset/").content.decode()
    email = re.search(r'<input[^>]*name="email"[^>]*>', content).group(0)
    assert "border" in email
    assert "--color-primary" in content  # the theme's colours, as on every admin page


def test_requests_beyond_the_hourly_limit_send_nothing(client, manager, settings,
                                                       django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.delete("password-reset:127.0.0.1")  # the test client's address
    settings.PASSWORD_RESET_PER_HOUR = 2
    sent = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True) as jobs:
            response = client.post("/password-reset/", {"email": manager.email})
        assert response["Location"] == "/password-reset/sent/"  # the same answer
        sent.append(len(jobs))
    assert sent == [1, 1, 0] and len(mail.outbox) == 2
