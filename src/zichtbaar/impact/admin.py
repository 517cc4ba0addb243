from django.contrib import admin

from zichtbaar.impact.models import ReachSettings


@admin.register(ReachSettings)
class ReachSettingsAdmin(admin.ModelAdmin):
    list_display = ("org", "organic_reach_low", "organic_reach_high", "overlap", "updated_at")
    raw_id_fields = ("org", "updated_by")
