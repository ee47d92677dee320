from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Institution, InstitutionAlias


class InstitutionAliasInline(admin.TabularInline):
    model = InstitutionAlias
    extra = 1


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ko", "kind", "country", "city", "is_active", "is_verified"]
    list_filter = ["kind", "country", "is_active", "is_verified"]
    search_fields = ["name_en", "name_ko", "aliases__name", "city", "key"]
    prepopulated_fields = {"key": ["name_en"]}
    inlines = [InstitutionAliasInline]
    actions = ["mark_verified"]
    fieldsets = [
        (None, {"fields": ["name_en", "name_ko", "key", "kind", "is_active", "is_verified"]}),
        (_("Where"), {"fields": ["country", "city", "address", "website", "ill_email"]}),
    ]

    @admin.action(description=_("Mark selected institutions as verified"))
    def mark_verified(self, request, queryset):
        updated = queryset.update(is_verified=True)
        self.message_user(request, _("%(count)d institutions marked as verified.") % {"count": updated})
