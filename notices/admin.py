from django.contrib import admin

from .models import Notice, NoticePreference


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "email", "subject_ref", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("recipient",)
    search_fields = ("subject_ref", "email", "recipient__username")
    readonly_fields = ("created_at", "claimed_at", "sent_at", "last_error")


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "enabled")
    raw_id_fields = ("user",)
