"""Set up the test identity provider: ``test_provider setup|client|user|disable …``."""

import json

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand

from oidc_provider.models import Client, ResponseType, RSAKey
from tests.oidc_provider.models import ExtraClaims


class Command(BaseCommand):
    help = "Set up the test identity provider (database, signing key, clients, users)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("setup", help="Create the database and an RSA signing key.")
        client = sub.add_parser("client", help="Create or update a confidential client.")
        client.add_argument("client_id")
        client.add_argument("client_secret")
        client.add_argument("--redirect-uri", action="append", default=[])
        user = sub.add_parser("user", help="Create or update a user with extra claims.")
        user.add_argument("username")
        user.add_argument("password")
        user.add_argument("--first-name", default="")
        user.add_argument("--last-name", default="")
        user.add_argument("--email", default="")
        user.add_argument("--claims", default="{}", help="JSON object of extra claims")
        disable = sub.add_parser("disable", help="Deactivate a user.")
        disable.add_argument("username")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _setup(self, **options):
        call_command("migrate", verbosity=0)
        if not RSAKey.objects.exists():
            call_command("creatersakey")

    def _client(self, *, client_id, client_secret, redirect_uri, **options):
        client, _ = Client.objects.update_or_create(
            client_id=client_id,
            defaults={
                "name": client_id,
                "client_type": "confidential",
                "client_secret": client_secret,
                "jwt_alg": "RS256",
                "require_consent": False,
                "reuse_consent": True,
                "_redirect_uris": "\n".join(redirect_uri),
            },
        )
        client.response_types.set([ResponseType.objects.get(value="code")])

    def _user(self, *, username, password, first_name, last_name, email, claims, **options):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "is_active": True,
            },
        )
        if not user.check_password(password):
            # A new password hash would end the user's session at the provider.
            user.set_password(password)
            user.save()
        ExtraClaims.objects.update_or_create(user=user, defaults={"claims": json.loads(claims)})

    def _disable(self, *, username, **options):
        User.objects.filter(username=username).update(is_active=False)
