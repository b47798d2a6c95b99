from django.http import HttpResponse
from django.shortcuts import render

from mikrolaan.web.home import panels_for


def home(request):
    return render(request, "web/home.html", {"panels": panels_for(request.user)})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
