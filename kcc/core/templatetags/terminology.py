"""The organisation profile's words in templates (kcc/core/terminology.py).

    {% load terminology %}
    {% term "resident" %}                 inwoner / huurder
    {% term "address" capital=True %}     Adres / Verhuureenheid

The context variable ``terms`` (``{{ terms.residents }}``) gives the same words.
"""

from django import template
from django.utils.text import capfirst

from kcc.core.terminology import term as profile_term

register = template.Library()


@register.simple_tag
def term(key, capital=False):
    word = profile_term(key)
    return capfirst(word) if capital else word
