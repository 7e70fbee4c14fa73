from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from televente.api import api

urlpatterns = [
    path("", include("televente.core.urls")),
    path("", include("televente.accounts.urls")),
    path("clients/", include("televente.customers.urls")),
    path("catalogue/", include("televente.catalog.urls")),
    path("commandes/", include("televente.orders.urls")),
    path("recommandations/", include("televente.recommend.urls")),
    path("appels/", include("televente.calls.urls")),
    path("reclamations/", include("televente.claims.urls")),
    path("messages/", include("televente.messaging.urls")),
    path("automatisations/", include("televente.automation.urls")),
    path("recouvrement/", include("televente.receivables.urls")),
    path("performance/", include("televente.reporting.urls")),
    path("savoir/", include("televente.knowledge.urls")),
    path("scripts/", include("televente.scripts.urls")),
    path("veille/", include("televente.market.urls")),
    path("campagnes/", include("televente.campaigns.urls")),
    path("qualite/", include("televente.quality.urls")),
    path("i18n/langue/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "televente.core.views.permission_denied"
handler404 = "televente.core.views.page_not_found"
handler500 = "televente.core.views.server_error"
