"""Login throttling (django-axes) per username and address, and per address.

AXES_LOCKOUT_PARAMETERS counts failures for a username from an address and
for the address across all usernames, but axes has one AXES_FAILURE_LIMIT for
both: an office behind one address would be locked out by five typos among
all its people. This handler applies AXES_ADDRESS_FAILURE_LIMIT to the
address's count by expressing it on the per-username scale, which axes then
compares with its one limit everywhere it decides (the backend that refuses a
locked-out attempt before any password is hashed, and the lockout after a
failure).
"""

from django.conf import settings
from django.db.models import Sum
from axes.handlers.database import AxesDatabaseHandler

# axes' lockout parameters, in this order (config/settings.py)
LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]


class AxesAddressLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        if settings.AXES_LOCKOUT_PARAMETERS != LOCKOUT_PARAMETERS:
            return super().get_failures(request, credentials)
        per_username, per_address = (
            attempts.aggregate(Sum("failures_since_start"))["failures_since_start__sum"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        address_limit = max(settings.AXES_ADDRESS_FAILURE_LIMIT, 1)
        # floor(n * limit / address_limit) >= limit exactly when n >= address_limit
        return max(per_username, per_address * limit // address_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that person's own failures from that
        address, never the address's: otherwise anyone with an account could
        guess another's password without end, signing in as themselves
        between guesses (and one colleague's sign-in would unlock an attacker
        sharing the office's address)."""
        if settings.AXES_LOCKOUT_PARAMETERS != LOCKOUT_PARAMETERS:
            return super().reset_user_attempts(request, credentials)
        own = self.filter_user_attempts(request, credentials)[0]
        count, _ = own.delete()
        return count
