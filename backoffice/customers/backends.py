"""Object permissions on customers, through Django's auth backends.

Managers hold a model-level permission (``view_all_customers``) that extends
to every customer; a counsellor holds view/change on the customers assigned to
them. Explicit shares with anyone else are guardian's ObjectPermissionBackend,
listed after this one in AUTHENTICATION_BACKENDS.
"""

from backoffice.customers.models import Customer

# What a counsellor may do to a customer assigned to them.
OWNER_PERMISSIONS = {"customers.view_customer", "customers.change_customer"}


class CustomerAccessBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if not isinstance(obj, Customer) or not user_obj.is_active:
            return False
        # The model-level permission comes first: without it no object grants it.
        if not user_obj.has_perm(perm):
            return False
        if user_obj.has_perm("customers.view_all_customers"):
            return True
        return perm in OWNER_PERMISSIONS and obj.assigned_to_id == user_obj.pk
