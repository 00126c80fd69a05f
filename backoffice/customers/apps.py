from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "backoffice.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self):
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from backoffice.customers.landing import index_landing, note_landing

        user_logged_in.connect(note_landing, dispatch_uid="customers.note_landing")
        # the site's urls are built later (config/urls.py), from this index
        if not getattr(admin.site.index, "_alims_landing", False):
            admin.site.index = index_landing(admin.site.index)
            admin.site.index._alims_landing = True
