from .models import GroupMapping


def group_mapping_grants(values: set[str]) -> set[tuple]:
    """(department, role) pairs that the mappings of these group or role names grant, in active
    departments only."""
    if not values:
        return set()
    mappings = GroupMapping.objects.filter(claim_value__in=values, department__is_active=True).select_related("department")
    return {(m.department, m.role) for m in mappings}
