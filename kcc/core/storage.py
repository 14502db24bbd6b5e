from django.core.files.storage import storages


def private_storage():
    """Storage for personal files (attachments, exports): never served directly by the web
    server, only streamed by views that check access."""
    return storages["private"]
