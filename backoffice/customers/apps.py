from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "backoffice.customers"
    label = "customers"
    verbose_name = "Customers"
