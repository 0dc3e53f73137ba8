from django.urls import path

from . import views, views_deposit, views_filing, views_json

app_name = "payments"
urlpatterns = [
    path("fees/", views.calculator, name="calculator"),
    path("filing/<str:reference>/pay/", views_filing.submission_pay, name="submission_pay"),
    path("fees/pay/", views.pay_standalone, name="pay_standalone"),
    path("order/<str:token>/", views.order_detail, name="order"),
    path("order/<str:token>/start/", views.order_start, name="start"),
    path("order/<str:token>/deposit/", views.order_pay_deposit, name="pay_deposit"),
    path("order/<str:token>/nil/", views.order_settle_nil, name="settle_nil"),
    path("order/<str:token>/cancel/", views.order_cancel, name="cancel"),
    path("order/<str:token>/return/", views.order_return, name="return"),
    path("order/<str:token>/receipt.pdf", views.receipt_download, name="receipt"),
    path("order/<str:token>/receipt.json", views_json.receipt_json, name="receipt_json"),
    path("mine/", views.my_payments, name="mine"),
    path("callback/<str:gateway>/", views.gateway_callback, name="callback"),
    path("deposit/", views.deposit_accounts, name="deposit_accounts"),
    path("deposit/open/", views_deposit.deposit_open, name="deposit_open"),
    path("deposit/<int:account_id>/top-up/", views_deposit.deposit_top_up, name="deposit_top_up"),
    path("deposit/<int:account_id>/", views.deposit_statement, name="deposit_statement"),
    path("deposit/<int:account_id>/statement.csv", views.deposit_statement_csv, name="deposit_statement_csv"),
    path("deposit/<int:account_id>/statement.pdf", views.deposit_statement_pdf, name="deposit_statement_pdf"),
]
