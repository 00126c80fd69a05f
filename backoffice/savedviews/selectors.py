"""Which saved views a person sees: their own, then the team's shared ones."""

from django.db.models import Case, IntegerField, Q, Value, When

from backoffice.accounts.models import User
from backoffice.savedviews.models import SavedView
from backoffice.savedviews.services import MAX_VIEWS_PER_PERSON, may_save_views

# shared views shown beside a person's own, at most
MAX_SHARED_SHOWN = 20


def saved_views_for(user: User) -> list[SavedView]:
    """One query: the person's own views by name, then the views other people
    shared with the team (of active people), by name; bounded."""
    if not may_save_views(user):
        return []
    views = list(
        SavedView.objects.filter(Q(owner=user) | Q(shared=True, owner__is_active=True))
        .annotate(theirs=Case(When(owner=user, then=Value(0)), default=Value(1),
                              output_field=IntegerField()))
        .select_related("owner")
        .order_by("theirs", "name", "pk")[:MAX_VIEWS_PER_PERSON + MAX_SHARED_SHOWN]
    )
    return views


def saved_view_of(user: User, pk: int) -> SavedView | None:
    """The person's own view ``pk``, or None (another's view is not theirs to change)."""
    return SavedView.objects.filter(owner=user, pk=pk).first()


def saved_views_for_request(request) -> list[SavedView]:
    """saved_views_for(request.user), read once per request (the sidebar and
    the list's "Save view" control both show them)."""
    views = getattr(request, "_saved_views", None)
    if views is None:
        views = request._saved_views = saved_views_for(request.user)
    return views
