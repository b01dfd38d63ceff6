from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("directory/callbacks/wecom/", views.wecom_callback, name="wecom_callback"),
    path("directory/callbacks/dingtalk/", views.dingtalk_callback, name="dingtalk_callback"),
    path("directory/callbacks/feishu/", views.feishu_callback, name="feishu_callback"),
    path("directory/runs/", views.sync_runs, name="runs"),
    path("directory/runs/<int:run_id>/confirm/", views.sync_confirm, name="sync_confirm"),
]
