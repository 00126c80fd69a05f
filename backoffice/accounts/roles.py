"""The roles, as Django groups, and the permissions each one holds.

This is the only list of role permissions; the data migrations call
``roles_sync`` with it, and the tests read it.
"""

from django.contrib.auth.models import AnonymousUser

SALES_MANAGER = "Sales Manager"
STUDENT_COUNSELLOR = "Student Counsellor"
COMPLIANCE = "Compliance"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SALES_MANAGER: [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "customers.delete_customer",
        "customers.view_all_customers",
        "customers.assign_customer",
        "customers.export_customer",
        "customers.view_statuschange",
        "accounts.view_user",
        "accounts.set_monthly_target",
        "accounts.unlock_sign_in",
        "imports.view_importrun",
        "imports.add_importrun",
        "imports.revert_importrun",
        "imports.view_datasource",
        "imports.add_datasource",
        "imports.change_datasource",
        "audit.view_activitylog",
        "customers.view_historicalcustomer",
        # leave days of any counsellor (backoffice/followups)
        "followups.view_leaveday",
        "followups.add_leaveday",
        "followups.change_leaveday",
        "followups.delete_leaveday",
        # outgoing webhooks (backoffice/webhooks): the endpoints and their log
        "webhooks.view_endpoint",
        "webhooks.add_endpoint",
        "webhooks.change_endpoint",
        "webhooks.delete_endpoint",
        "webhooks.view_delivery",
    ],
    STUDENT_COUNSELLOR: [
        "customers.view_customer",
        "customers.add_customer",  # walk-in and phoned-in enquiries, assigned to themselves
        "customers.change_customer",
        "customers.view_statuschange",
        # their own leave days only (the admin scopes the rows)
        "followups.view_leaveday",
        "followups.add_leaveday",
        "followups.change_leaveday",
        "followups.delete_leaveday",
    ],
    # Read-only: who changed what, who signed in, what was imported. No
    # customer list, no writes of any kind.
    COMPLIANCE: [
        "customers.view_historicalcustomer",
        "audit.view_activitylog",
        "axes.view_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "imports.view_importrun",
        "imports.view_datasource",
        "followups.view_leaveday",
        "webhooks.view_endpoint",  # never the signing secret (the admin leaves it out)
        "webhooks.view_delivery",
    ],
}


def roles_sync(apps=None) -> None:
    """Create the role groups and set exactly the permissions listed above.

    Data migrations call it with their historical ``apps``; a permission of an
    app not migrated yet is skipped then and granted by the later migration
    that calls this again (customers.0005 and on)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def _group_names(user) -> set[str]:
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_manager(user) -> bool:
    """Managers (and superusers) see every customer."""
    return bool(user.is_active and user.is_authenticated) and (
        user.is_superuser or user.has_perm("customers.view_all_customers")
    )


def is_counsellor(user) -> bool:
    return STUDENT_COUNSELLOR in _group_names(user)


def is_compliance(user) -> bool:
    return COMPLIANCE in _group_names(user)


def role_label(user) -> str:
    if user.is_superuser:
        return "Administrator"
    names = _group_names(user)
    for role in (SALES_MANAGER, STUDENT_COUNSELLOR, COMPLIANCE):
        if role in names:
            return role
    return "No role"
