from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("KCC administration")
admin.site.site_title = _("KCC administration")

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("api/inbound/", include("channels.urls_api")),
    path("inbox/", include("channels.urls")),
    path("terugbellen/", include("callbacks.urls")),
    path("kennisbank/", include("knowledgebase.urls")),
    path("signalen/", include("signals.urls")),
    path("dashboard/", include("kcc.dashboard.urls")),
    path("privacy/", include("kcc.privacy.urls")),
    path("sso/", include("kcc.sso.urls")),
    path("commonground/", include("kcc.commonground.urls")),
    path("openklant/", include("kcc.openklant.urls")),
    path("", include("kcc.core.urls")),
]

handler403 = "kcc.core.errors.permission_denied"
handler404 = "kcc.core.errors.page_not_found"
handler500 = "kcc.core.errors.server_error"
