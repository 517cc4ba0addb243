from django.contrib import admin

from zichtbaar.nudges.models import Message, Preference, Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["org", "name", "kind", "masked_url", "language", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "org__name"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["membership", "email", "frequency", "max_per_week", "unsubscribed_at"]
    list_filter = ["email", "frequency"]
    raw_id_fields = ["membership"]
    exclude = ["feed_token"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["key", "org", "channel", "kind", "status", "attempts", "next_try_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["key", "to"]
    raw_id_fields = ["membership", "moment", "webhook"]
    readonly_fields = ["claimed_by", "claimed_at", "attempts", "sent_at", "created_at"]
