from django.http import HttpResponse
from django.shortcuts import render

from mikrolaan.audit.services import log_list
from mikrolaan.core.home import citizens_shown, panels_for


def home(request):
    panels = panels_for(request.user)
    log_list(request.user, citizens_shown(panels), what="start page")
    return render(request, "web/home.html", {"panels": panels})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
