"""Role groups and their model permissions.

Groups are (re)created after every `migrate` (post_migrate), so that permissions exist first.
Apps add the permissions their roles need to ROLE_PERMISSIONS in their AppConfig.ready().
"""

from django.contrib.auth.models import Group, Permission

from .constants import Role

# role -> set of "app_label.codename" permissions
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.AGENT: {"core.view_bsn"},
    Role.TEAMLEAD: {"core.view_bsn"},
    Role.BACKOFFICE: set(),
    Role.MANAGER: set(),
    Role.EDITOR: set(),
    Role.ADMIN: {
        "core.add_department", "core.change_department", "core.view_department",
        "core.add_membership", "core.change_membership", "core.delete_membership", "core.view_membership",
        "auth.add_user", "auth.change_user", "auth.view_user",
        "core.view_processinglogentry",
        "core.add_closureday", "core.change_closureday", "core.delete_closureday", "core.view_closureday",
        "core.view_outboundemail",
        # The Open Klant outbox with its failed list; "change" for the "Queue again" action.
        "openklant.view_syncitem", "openklant.change_syncitem", "openklant.view_remoteobject",
    },
}


def role_groups_ensure(**kwargs) -> None:
    """Create the role groups and set exactly their permissions. Idempotent."""
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role, set())
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
