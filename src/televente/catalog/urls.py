from django.urls import path

from . import manage_views, views

app_name = "catalog"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.product_detail, name="product"),
    path("export.<str:fmt>", views.catalogue_export, name="export"),
    # Management (product managers, admin)
    path("gestion/", manage_views.manage_home, name="manage"),
    path("gestion/articles/nouveau/", manage_views.product_edit, name="manage_product_new"),
    path("gestion/articles/<int:pk>/", manage_views.product_edit, name="manage_product"),
    path("gestion/tarifs/", manage_views.price_lists, name="manage_price_lists"),
    path("gestion/tarifs/nouveau/", manage_views.price_list_edit, name="manage_price_list_new"),
    path("gestion/tarifs/<int:pk>/", manage_views.price_list_edit, name="manage_price_list"),
    path("gestion/tarifs/<int:pk>/prix/", manage_views.price_item_set, name="manage_price_item_set"),
    path(
        "gestion/tarifs/<int:pk>/prix/<int:item_pk>/supprimer/",
        manage_views.price_item_delete,
        name="manage_price_item_delete",
    ),
    path("gestion/promotions/", manage_views.promotions, name="manage_promotions"),
    path("gestion/promotions/nouvelle/", manage_views.promotion_edit, name="manage_promotion_new"),
    path("gestion/promotions/apercu/", manage_views.promotion_preview, name="manage_promotion_preview"),
    path("gestion/promotions/<int:pk>/", manage_views.promotion_edit, name="manage_promotion"),
    path("gestion/imports/<str:kind>/", manage_views.import_start, name="import_start"),
    path("gestion/import/<int:pk>/", manage_views.import_detail, name="import"),
]
