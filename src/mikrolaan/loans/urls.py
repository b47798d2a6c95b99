from django.urls import path

from mikrolaan.loans import views

app_name = "loans"
urlpatterns = [
    path("", views.loan_list, name="list"),
    path("fund/", views.fund, name="fund"),
    path("<int:pk>/", views.loan_detail, name="detail"),
    path("<int:pk>/payout/", views.payout, name="payout"),
    path("<int:pk>/deferral/", views.deferral, name="deferral"),
    path("<int:pk>/payment/", views.payment, name="payment"),
    path("<int:pk>/entries/<int:entry_id>/reverse/", views.reverse, name="reverse"),
    path("<int:pk>/write-off/", views.write_off, name="write_off"),
    path("<int:pk>/overpayments/<int:overpayment_id>/refund/", views.refund, name="refund"),
    path("set-up/<int:decision_id>/", views.set_up, name="set_up"),
]
