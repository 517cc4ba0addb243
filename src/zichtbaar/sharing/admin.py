from django.contrib import admin

from zichtbaar.sharing.models import Share, TrackedLink


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    list_display = ["moment", "user", "shared_at"]
    list_filter = ["org"]
    raw_id_fields = ["moment", "user", "link"]


@admin.register(TrackedLink)
class TrackedLinkAdmin(admin.ModelAdmin):
    list_display = ["code", "moment", "user", "created_at"]
    list_filter = ["org"]
    raw_id_fields = ["moment", "user"]
    readonly_fields = ["code", "destination"]
