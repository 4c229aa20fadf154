from django.urls import path

from . import views

app_name = "procurement"
urlpatterns = [
    path("", views.register, name="register"),
    path("export/", views.export, name="export"),
    path("inbox/", views.inbox, name="inbox"),
    path("vendors/new/", views.vendor_create, name="vendor_create"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("vendors/<int:pk>/edit/", views.vendor_edit, name="vendor_edit"),
    path("programs/<int:program_pk>/contracts/new/", views.contract_create, name="program_contract_create"),
    path("projects/<int:project_pk>/contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/payments/", views.payment_create, name="payment_create"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/edit/", views.payment_edit, name="payment_edit"),
    path("projects/<int:project_pk>/orders/new/", views.order_create, name="order_create"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("orders/<int:pk>/lines/", views.line_create, name="line_create"),
    path("orders/<int:pk>/invoices/", views.invoice_create, name="invoice_create"),
    path("order-lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("order-lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/approve/", views.invoice_approve, name="invoice_approve"),
    path("invoices/<int:pk>/pay/", views.invoice_pay, name="invoice_pay"),
    path("invoices/<int:pk>/reject/", views.invoice_reject, name="invoice_reject"),
]
