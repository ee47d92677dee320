from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from nlk_portal.core import exports

from .models import Institution, InstitutionAlias, Iso18626Peer, Librarian, LibraryUser

INSTITUTION_HEADERS = [
    _("Name (English)"),
    _("Name (Korean)"),
    _("Kind"),
    _("Country"),
    _("City"),
    _("Active"),
    _("Verified"),
]


def institution_listing(queryset):
    """The institutions as the list's CSV and XLSX downloads carry them."""
    rows = queryset.order_by("name_en", "id").values_list(
        exports.typed("name_en"),
        exports.typed("name_ko"),
        "kind",
        "country",
        exports.typed("city"),
        "is_active",
        "is_verified",
    )
    return exports.Listing(str(_("Institutions")), INSTITUTION_HEADERS, rows)


# A website or endpoint typed without a scheme ("www.example.org") is taken as https, not http.
HTTPS_BY_DEFAULT = {models.URLField: {"assume_scheme": "https"}}


class InstitutionAliasInline(admin.TabularInline):
    model = InstitutionAlias
    extra = 1


class Iso18626PeerInline(admin.StackedInline):
    """The institution's ILL system, when it exchanges ISO 18626 messages with NLK."""

    model = Iso18626Peer
    extra = 0
    max_num = 1
    fields = ["agency_id_type", "agency_id_value", "endpoint_url", "messages_on"]
    formfield_overrides = HTTPS_BY_DEFAULT


@admin.register(Institution)
class InstitutionAdmin(exports.ExportPermission, admin.ModelAdmin):
    list_display = ["name_en", "name_ko", "kind", "country", "city", "is_active", "is_verified"]
    list_filter = ["kind", "country", "is_active", "is_verified"]
    search_fields = ["name_en", "name_ko", "aliases__name", "city", "city_ko", "key"]
    prepopulated_fields = {"key": ["name_en"]}
    inlines = [InstitutionAliasInline, Iso18626PeerInline]
    formfield_overrides = HTTPS_BY_DEFAULT
    actions = ["mark_verified", *exports.export_actions(institution_listing, "institutions")]
    fieldsets = [
        (None, {"fields": ["name_en", "name_ko", "key", "kind", "is_active", "is_verified"]}),
        (_("Where"), {"fields": ["country", "city", "city_ko", "address", "website", "ill_email"]}),
    ]

    @admin.action(permissions=["change"], description=_("Mark selected institutions as verified and list them"))
    def mark_verified(self, request, queryset):
        updated = queryset.update(is_verified=True, is_active=True)
        self.message_user(request, _("%(count)d institutions marked as verified.") % {"count": updated})


@admin.register(Librarian)
class LibrarianAdmin(admin.ModelAdmin):
    """Staff link a confirmed librarian to the institution they work for."""

    list_display = ["__str__", "library_named", "institution", "email_confirmed_at", "created_at"]
    list_filter = [("institution", admin.EmptyFieldListFilter), "email_confirmed_at"]
    search_fields = [
        "user__email", "user__first_name", "user__last_name", "library_named", "institution__name_en",
    ]
    autocomplete_fields = ["institution"]
    fields = ["user", "library_named", "email_confirmed_at", "institution"]
    readonly_fields = ["user", "library_named", "email_confirmed_at"]

    def has_add_permission(self, request):
        # Accounts come from the registration form, with a confirmed email.
        return False


@admin.register(LibraryUser)
class LibraryUserAdmin(admin.ModelAdmin):
    """Users in Korea who borrow from abroad through NLK; their accounts come from registration."""

    list_display = ["__str__", "phone", "email_confirmed_at", "created_at"]
    list_filter = ["email_confirmed_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "phone"]
    fields = ["user", "phone", "postal_address", "email_confirmed_at", "created_at"]
    readonly_fields = ["user", "email_confirmed_at", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Iso18626Peer)
class Iso18626PeerAdmin(admin.ModelAdmin):
    """The partner ILL systems NLK exchanges ISO 18626 messages with (`manage.py iso18626_peer` too)."""

    list_display = ["agency_symbol", "institution", "endpoint_url", "messages_on", "updated_at"]
    list_filter = ["messages_on", "agency_id_type"]
    search_fields = ["agency_id_value", "institution__name_en", "institution__name_ko", "endpoint_url"]
    autocomplete_fields = ["institution"]
    fields = ["institution", "agency_id_type", "agency_id_value", "endpoint_url", "messages_on"]
    list_select_related = ["institution"]
    formfield_overrides = HTTPS_BY_DEFAULT

    @admin.display(description=_("agency id"), ordering="agency_id_value")
    def agency_symbol(self, peer):
        return peer.agency_symbol
