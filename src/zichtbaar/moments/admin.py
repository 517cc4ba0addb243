from django.contrib import admin

from zichtbaar.moments.models import Moment, MomentType


@admin.register(MomentType)
class MomentTypeAdmin(admin.ModelAdmin):
    list_display = ["key", "name_nl", "name_en", "org", "position"]
    list_filter = ["org"]


@admin.register(Moment)
class MomentAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "type", "status", "happened_on"]
    list_filter = ["org", "status", "type"]
    search_fields = ["title"]
    raw_id_fields = ["created_by", "submitted_by"]
    filter_horizontal = ["audience_teams"]
