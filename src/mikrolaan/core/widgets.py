"""Form widgets every app's forms share."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as ISO 8601 (YYYY-MM-DD), whatever
    the language, and carries the design system's input class."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "form-input", **(attrs or {})}, format="%Y-%m-%d")
