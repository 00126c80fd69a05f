"""A person's named customer-list view: its filters, search and sort."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 80
QUERY_MAX_LENGTH = 2000


class SavedView(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="saved_views", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    # the customer list's query string, without its page number (savedviews.services)
    query = models.CharField(_("filters, search and sort"), max_length=QUERY_MAX_LENGTH,
                             blank=True)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedview_owner_name_unique"),
        ]
        indexes = [
            # the team's shared views, read on every page's sidebar
            models.Index(fields=["name"], name="savedview_shared_idx",
                         condition=models.Q(shared=True)),
        ]

    def __str__(self) -> str:
        return self.name
