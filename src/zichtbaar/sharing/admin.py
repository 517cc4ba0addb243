from django.contrib import admin

from zichtbaar.sharing.models import LinkedInConnection, LinkedInPost, Share, TrackedLink


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


@admin.register(LinkedInConnection)
class LinkedInConnectionAdmin(admin.ModelAdmin):
    list_display = ["user", "state", "expires_at", "connected_at"]
    list_filter = ["state"]
    raw_id_fields = ["user"]
    # The token never shows, not even encrypted.
    exclude = ["token"]
    readonly_fields = ["member_sub", "name", "scopes", "expires_at", "connected_at"]


@admin.register(LinkedInPost)
class LinkedInPostAdmin(admin.ModelAdmin):
    list_display = ["pk", "membership", "moment", "state", "problem", "run_at", "attempts"]
    list_filter = ["state", "problem", "org"]
    raw_id_fields = ["membership", "moment", "share"]
    readonly_fields = [
        "text",
        "idempotency",
        "claimed_by",
        "claimed_at",
        "reached",
        "image_urn",
        "post_urn",
        "post_url",
        "sent_at",
    ]
