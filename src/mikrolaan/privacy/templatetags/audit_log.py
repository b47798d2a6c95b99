"""``{{ record.role|role_label }}``: the role an audit record was written under, in words."""

from django import template

from mikrolaan.accounts.roles import role_label as label_of

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    return label_of(role or "")
