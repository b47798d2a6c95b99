from mikrolaan.accounts.oidc import ProviderConfig
from mikrolaan.settings.env import oidc_provider_settings


def test_staff_provider_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("MIKROLAAN_OIDC_ISSUER", "https://login.kommune.example/v2.0")
    monkeypatch.setenv("MIKROLAAN_OIDC_ROLE_MAP", "MIK-Leder=manager, MIK-Okonomi = finance_clerk")
    monkeypatch.setenv("MIKROLAAN_OIDC_RENEW_SECONDS", "300")
    config = ProviderConfig(name="staff", **oidc_provider_settings("MIKROLAAN_OIDC_"))
    assert config.enabled
    assert config.discovery_url == (
        "https://login.kommune.example/v2.0/.well-known/openid-configuration"
    )
    assert config.role_map == {"MIK-Leder": "manager", "MIK-Okonomi": "finance_clerk"}
    assert (config.renew_seconds, config.scopes, config.role_claim) == (
        300,
        "openid profile email",
        "role",
    )


def test_without_an_issuer_oidc_is_off(monkeypatch):
    monkeypatch.delenv("MIKROLAAN_OIDC_ISSUER", raising=False)
    config = ProviderConfig(name="staff", **oidc_provider_settings("MIKROLAAN_OIDC_"))
    assert not config.enabled


def test_a_discovery_url_is_taken_as_it_is():
    url = "https://adfs.kommune.example/adfs/.well-known/openid-configuration"
    assert ProviderConfig(name="staff", issuer=url).discovery_url == url


def test_the_system_check_names_what_is_missing_or_wrong(settings):
    from mikrolaan.accounts.checks import oidc_providers_are_complete

    settings.OIDC_PROVIDERS = {"staff": {"issuer": "https://x.example", "scopes": "openid"}}
    assert sorted(e.id for e in oidc_providers_are_complete(None)) == [
        "accounts.E001",
        "accounts.E001",
    ]
    settings.OIDC_PROVIDERS = {
        "staff": {
            "issuer": "https://x.example",
            "client_id": "c",
            "client_secret": "s",
            "scopes": "profile",
            "role_map": {"A": "boss"},
        }
    }
    assert [e.id for e in oidc_providers_are_complete(None)] == ["accounts.E002", "accounts.E003"]
    settings.OIDC_PROVIDERS = {"staff": {"issuer": ""}}
    assert oidc_providers_are_complete(None) == []
