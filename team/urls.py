from django.urls import path

from . import views

app_name = "team"
urlpatterns = [
    path("", views.team_home, name="home"),
    path("learners/<int:user_id>/", views.team_learner, name="learner"),
    path("learners/<int:user_id>/nudge/", views.team_nudge, name="nudge"),
]
