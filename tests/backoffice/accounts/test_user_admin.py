"""The user page: password details and password changes are for administrators."""

import pytest

pytestmark = pytest.mark.django_db

HASH_WORDS = ("algorithm", "salt", "iterations", "hash:")


def _page(client, user):
    return client.get(f"/accounts/user/{user.pk}/change/")


def test_a_manager_sees_no_password_hash_details_on_a_user_page(manager_client, alice):
    response = _page(manager_client, alice)
    content = response.content.decode().lower()
    assert response.status_code == 200 and "alice" in content
    assert not any(word in content for word in HASH_WORDS)
    assert "/password/" not in content


def test_a_superuser_still_manages_passwords(superuser_client, alice):
    content = _page(superuser_client, alice).content.decode()
    assert 'href="../password/"' in content and "algorithm" in content
    assert superuser_client.get(f"/accounts/user/{alice.pk}/password/").status_code == 200


@pytest.mark.parametrize("who", ["manager_client", "alice_client", "reviewer_client"])
def test_only_superusers_may_set_another_persons_password(request, who, bob):
    client = request.getfixturevalue(who)
    url = f"/accounts/user/{bob.pk}/password/"
    assert client.get(url).status_code in (403, 404)
    new = "a brand new passphrase"
    assert client.post(url, {"password1": new, "password2": new}).status_code in (403, 404)
    bob.refresh_from_db()
    assert not bob.check_password(new)


def test_a_manager_still_sees_the_users_list_and_sets_targets(manager_client, alice):
    assert manager_client.get("/accounts/user/").status_code == 200
    response = manager_client.post("/accounts/user/", {
        "action": "set_monthly_target", "_selected_action": [alice.pk], "apply": "1",
        "target": "7"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.monthly_target == 7


def test_a_manager_reading_a_user_page_is_told_where_caps_are_set(manager_client, alice):
    content = _page(manager_client, alice).content.decode()
    assert "tick the counsellors, then choose “Set the monthly target” or “Set new-lead caps”" \
        in content


def test_an_administrator_who_edits_the_page_gets_no_such_hint(superuser_client, alice):
    assert "tick the counsellors" not in _page(superuser_client, alice).content.decode()


def test_the_user_page_speaks_plainly(superuser_client, alice):
    content = _page(superuser_client, alice).content.decode()
    assert "Designates" not in content and "permissions granted" not in content
    assert "May sign in. Untick this when someone leaves" in content
    assert "The person&#x27;s role: what they may see and do." in content \
        or "The person's role: what they may see and do." in content
