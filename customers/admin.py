from django.contrib import admin

from .models import Device, Organisation, Product, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "email", "is_key_customer")
    search_fields = ("name", "phone", "email")
    list_filter = ("is_key_customer",)
    inlines = [SiteInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product_line")
    search_fields = ("code", "name", "product_line")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("serial_number", "product", "organisation", "site", "delivered_on", "warranty_until")
    search_fields = ("serial_number", "organisation__name", "product__name")
    list_filter = ("product",)
    list_select_related = ("product", "organisation", "site")
    autocomplete_fields = ("organisation", "product")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "province", "city")
    search_fields = ("name", "organisation__name", "city")
    list_select_related = ("organisation",)
