"""The citizen's own pages, in Danish under /borger/. The self-assessment (issue 11 part
2) is answered at ``selvvurdering/<case>/<point>/``."""

from django.urls import path

from mikrolaan.selfservice import views

app_name = "selfservice"
urlpatterns = [
    path("", views.home, name="home"),
    path("laan/<int:pk>/", views.loan, name="loan"),
    path("laan/<int:pk>/anmod/<slug:kind>/", views.ask, name="ask"),
    path("anmodninger/<int:pk>/", views.request_detail, name="request"),
    path("breve/<int:pk>/", views.letter_pdf, name="letter"),
    path("selvvurdering/<int:pk>/<slug:point>/", views.self_assessment, name="assessment"),
    path("kontakt/", views.contact, name="contact"),
    path("log-ud/", views.sign_out, name="sign_out"),
]
