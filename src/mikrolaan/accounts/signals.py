"""Every log-in, failed log-in, lock-out and log-out becomes an audit record.

The attempted user name and the address go into ``what``; the password never does.
"""

from axes.signals import user_locked_out
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from mikrolaan.accounts.lockout import client_ip
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def audit_logged_in(sender, request, user, **kwargs):
    backend = request.session.get(BACKEND_SESSION_KEY, "") if request is not None else ""
    log(user, Action.LOGIN, obj=user, what=f"ip {client_ip(request)}; backend {backend}")


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    log(None, Action.LOGIN_FAILED, what=f"username {username!r}; ip {client_ip(request)}")


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def audit_logged_out(sender, request, user, **kwargs):
    if user is None:
        return  # nobody was logged in
    log(user, Action.LOGOUT, obj=user, what=f"ip {client_ip(request)}")


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    log(None, Action.LOCKOUT, what=f"username {str(username or '')[:150]!r}; ip {ip_address}")
