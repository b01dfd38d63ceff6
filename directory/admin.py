from django.contrib import admin

from .models import DirectoryEntry, SyncRun


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ["source", "external_id", "user", "active", "synced_at"]
    list_filter = ["source", "active"]
    search_fields = ["external_id", "external_ref", "user__email", "user__display_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["fingerprint", "synced_at"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["source", "status", "started_at", "finished_at"]
    list_filter = ["source", "status"]
    readonly_fields = ["source", "status", "started_at", "finished_at", "summary", "error"]
