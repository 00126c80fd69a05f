from django.conf import settings
from django.core.exceptions import PermissionDenied

from backoffice.ops.network import (
    capture_path, client_ip, health_path, ip_allowed, networks_parse,
)
from backoffice.ops.views import api_error_or_none


class IPAllowlistMiddleware:
    """With ADMIN_IP_ALLOWLIST set, the back-office answers only those
    addresses and networks; everyone else gets 403 on every page (the health
    endpoint, that exact path, stays open for the load balancer, and so do the
    websites' enquiry forms, /capture/...)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = networks_parse(settings.ADMIN_IP_ALLOWLIST, setting="ADMIN_IP_ALLOWLIST")

    def __call__(self, request):
        path = request.path_info
        if self.networks and not (health_path(path) or capture_path(path)):
            if not ip_allowed(client_ip(request), self.networks):
                raise PermissionDenied("This address may not use the back-office.")
        return self.get_response(request)


class MaintenanceModeMiddleware:
    """django-maintenance-mode's middleware, with its address exemption done
    by network (MAINTENANCE_IP_ALLOWLIST: addresses and CIDR networks) rather
    than the library's regular expressions, where "10.0.0.1" also matches
    "10.0.0.12"."""

    def __init__(self, get_response):
        from maintenance_mode.middleware import MaintenanceModeMiddleware as Library

        self.library = Library(get_response)
        self.get_response = get_response
        self.networks = networks_parse(settings.MAINTENANCE_IP_ALLOWLIST,
                                       setting="MAINTENANCE_IP_ALLOWLIST")

    def __call__(self, request):
        from maintenance_mode.core import get_maintenance_mode

        # read once per request; the header's badge reads it from here
        request.maintenance_mode = get_maintenance_mode()
        if not request.maintenance_mode or (
            self.networks and ip_allowed(client_ip(request), self.networks)
        ):
            return self.get_response(request)
        response = self.library(request)
        if response.status_code == 503:  # the API's callers get it as JSON
            refused = api_error_or_none(request, 503, "Down for maintenance; try again later.")
            if refused:
                if response.has_header("Retry-After"):
                    refused["Retry-After"] = response["Retry-After"]
                return refused
        return response
