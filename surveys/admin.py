from django.contrib import admin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("ticket", "round", "email", "sent_at", "outcome", "score", "answered_at")
    list_filter = ("outcome",)
    search_fields = ("ticket__reference", "email")
    list_select_related = ("ticket",)
    exclude = ("token",)  # the token is the customer's key to answer: staff never need to see it
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Survey._meta.fields if f.name != "token"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
