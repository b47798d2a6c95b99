"""How every form's widgets render: Django's own templates, with a Danish empty choice.

Django offers "---------" as the empty choice of a select (a model field with choices and
``blank=True``, a ``ModelChoiceField``'s ``empty_label``, a hand-made ``("", "---------")``);
this renderer (settings ``FORM_RENDERER``) shows "Vælg …" instead, for every form of every app
and those still to come, so no form has to remember it.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext

DJANGO_BLANK = "---------"


def choose_label() -> str:
    """The empty choice of a select: "Vælg …"."""
    return gettext("Choose …")


class Renderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and "optgroups" in widget:
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if str(option.get("label")) == DJANGO_BLANK:
                        option["label"] = choose_label()
        return super().render(template_name, context, request=request)
