from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Ops Academy"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    # The words of static/js in the active language (locale/*/LC_MESSAGES/djangojs.po).
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("trainer/insights/", include("insights.urls")),
    path("trainer/", include("courses.authoring.urls")),
    path("hr/", include("hr.urls")),
    path("evidence/", include("hr.evidence_urls")),
    path("scim/v2/", include("directory.scim_views")),
    path("", include("directory.urls")),
    path("reminders/", include("reminders.urls")),
    path("search/", include("search.urls")),
    path("", include("courses.urls")),
    path("", include("progress.urls")),
]

# Error pages that need neither the database nor the request body (config/errors.py).
handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"
