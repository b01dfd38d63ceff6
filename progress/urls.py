from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("courses/<slug:course_slug>/", views.course_outline, name="outline"),
    path("courses/<slug:course_slug>/enrol/", views.course_enrol, name="enrol"),
    path("courses/<slug:course_slug>/continue/", views.course_continue, name="continue"),
    path("courses/<slug:course_slug>/<slug:module_slug>/", views.module_player, name="module"),
    path("courses/<slug:course_slug>/<slug:module_slug>/quiz/", views.quiz_submit, name="quiz_submit"),
    path("courses/<slug:course_slug>/<slug:module_slug>/exam/start/", views.exam_start, name="exam_start"),
    path("courses/<slug:course_slug>/<slug:module_slug>/exam/autosave/", views.exam_autosave, name="exam_autosave"),
    path("courses/<slug:course_slug>/<slug:module_slug>/exam/focus/", views.exam_focus, name="exam_focus"),
    path("courses/<slug:course_slug>/<slug:module_slug>/read/", views.module_read, name="module_read"),
    path("progress/beat/<int:module_id>/", views.heartbeat, name="heartbeat"),
    path("progress/reflections/<int:module_id>/", views.reflection_save, name="reflection_save"),
    path("progress/exercises/<int:module_id>/", views.exercise_submit, name="exercise_submit"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/mistakes/", views.mistakes, name="mistakes"),
    path("me/mistakes/<int:result_id>/retry/", views.mistake_retry, name="mistake_retry"),
    path("certificates/<str:code>/", views.certificate_detail, name="certificate"),
    path("certificates/<str:code>/pdf/", views.certificate_download, name="certificate_pdf"),
    path("verify/<str:code>/", views.certificate_verify, name="verify"),
]
