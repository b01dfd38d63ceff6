from django.urls import path

from . import views

app_name = "authoring"
M = "courses/<slug:course_slug>/<slug:module_slug>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
    path("courses/<slug:course_slug>/", views.course_detail, name="course"),
    path("courses/<slug:course_slug>/new/", views.module_new, name="module_new"),
    path("courses/<slug:course_slug>/export/", views.course_export, name="course_export"),
    path(M + "edit/", views.module_edit, name="edit"),
    path(M + "preview/", views.module_preview_json, name="preview"),
    path(M + "draft/", views.module_draft, name="draft"),
    path(M + "draft/<int:number>/", views.module_draft, name="revision"),
    path(M + "history/", views.module_history, name="history"),
    path(M + "history/<int:number>/restore/", views.revision_restore, name="restore"),
    path(M + "move/<str:direction>/", views.module_reorder, name="reorder"),
    path(M + "move/", views.module_move, name="move"),
    path(M + "export/", views.module_export, name="module_export"),
    path(M + "gift/", views.module_gift, name="gift"),
    path(M + "gift/export/", views.module_gift_export, name="gift_export"),
    path(M + "excel/", views.module_excel, name="excel"),
    path(M + "excel/template.xlsx", views.module_excel_template, name="excel_template"),
]
