"""The main navigation. Apps register their items in AppConfig.ready(); the header shows only
the items whose roles the user holds. The CI smoke test fetches every item for every role."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .constants import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    order: int = 100


_items: dict[str, NavItem] = {}


def register(label, url_name: str, roles, order: int = 100) -> None:
    _items[url_name] = NavItem(label, url_name, frozenset(roles), order)


def items_for(user, roles: set[str]) -> list[dict]:
    result = []
    for item in sorted(_items.values(), key=lambda i: (i.order, str(i.label))):
        if not roles & item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"label": item.label, "url": url, "url_name": item.url_name})
    return result


ALL = set(Role.values)
register(_("Home"), "core:home", ALL, order=0)
register(_("Customers"), "core:customer_search", {Role.AGENT, Role.TEAMLEAD}, order=30)
register(_("Departments"), "core:department_list", ALL, order=80)
