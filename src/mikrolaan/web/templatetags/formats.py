"""Template filters for money, numbers and dates (``mikrolaan.core.formatting``) and old stored
texts (``mikrolaan.core.stored_texts``), built in."""

from django import template

from mikrolaan.core import formatting, stored_texts

register = template.Library()

register.filter("money", formatting.money)
register.filter("number", formatting.number)
register.filter("short_date", formatting.short_date)
register.filter("long_date", formatting.long_date)
register.filter("month", formatting.month)
register.filter("months", formatting.months)
register.filter("days", formatting.days)
register.filter("stored_text", stored_texts.readable)
