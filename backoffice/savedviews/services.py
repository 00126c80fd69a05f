"""Saving and deleting a person's views of the customer list."""

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.accounts.roles import is_manager
from backoffice.savedviews.models import NAME_MAX_LENGTH, QUERY_MAX_LENGTH, SavedView

# what a person may keep: enough for a working day's lists, bounded for the sidebar
MAX_VIEWS_PER_PERSON = 20
# the list's own state that is no part of a view: the page, the "bad filter"
# flag, the popup and the filters remembered for a change page
_NOT_PART_OF_A_VIEW = {"p", "e", "_popup", "_to_field", "_changelist_filters"}


def view_query(raw: str) -> str:
    """The customer list's query string as a view keeps it: without the page
    number and the list's own flags, parameters in a stable order (so the
    same filters are the same view), empty values dropped."""
    pairs = [(key, value) for key, value in parse_qsl(raw.lstrip("?"), keep_blank_values=False)
             if key not in _NOT_PART_OF_A_VIEW]
    return urlencode(sorted(pairs))


def may_save_views(user: User) -> bool:
    return user.is_active and user.has_perm("customers.view_customer")


@transaction.atomic
def saved_view_save(*, owner: User, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the list's current filters, search and sort under ``name``; a
    view of the same name is replaced. Only managers share views."""
    if not may_save_views(owner):
        raise PermissionDenied
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the view a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(_("A view's name has at most %(n)d characters.")
                              % {"n": NAME_MAX_LENGTH})
    query = view_query(query or "")
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError(_("These filters are too long to save as a view."))
    if shared and not is_manager(owner):
        raise ValidationError(_("Only sales managers share views with the team."))
    existing = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
    if existing:
        existing.query, existing.shared = query, shared
        existing.save(update_fields=["query", "shared", "updated_at"])
        return existing
    if SavedView.objects.filter(owner=owner).count() >= MAX_VIEWS_PER_PERSON:
        raise ValidationError(_("You have %(n)d saved views, the most one person keeps: "
                                "delete one first.") % {"n": MAX_VIEWS_PER_PERSON})
    return SavedView.objects.create(owner=owner, name=name, query=query, shared=shared)


def saved_view_delete(*, view: SavedView, by: User) -> None:
    """A view is deleted by its owner only (a shared view too)."""
    if view.owner_id != by.pk:
        raise PermissionDenied
    view.delete()
