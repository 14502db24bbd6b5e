"""{% reply_tools contact knowledge as tools %}: the desk reply's text modules and default answer."""

from django import template

from channels.reply_tools import reply_tools as _reply_tools

register = template.Library()


@register.simple_tag
def reply_tools(contact, knowledge=None):
    links = knowledge.links if knowledge is not None and getattr(knowledge, "links", None) is not None else None
    return _reply_tools(contact=contact, links=links)
