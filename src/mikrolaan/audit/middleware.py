from mikrolaan.audit import context


class AuditOriginMiddleware:
    """Every audit record written during a request says it came from the web, and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        client_ip = request.META.get("REMOTE_ADDR") or None
        with context.origin(context.Origin(channel=context.Channel.WEB, client_ip=client_ip)):
            return self.get_response(request)
