from mikrolaan.web.navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"menu": menu_for(user, request.path)}
