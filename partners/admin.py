from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from nlk_portal.core.exports import downloads, listings

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
        listings.typed("name_en"),
        listings.typed("name_ko"),
        "kind",
        "country",
        listings.typed("city"),
        "is_active",
        "is_verified",
    )
    return listings.Listing(str(_("Institutions")), INSTITUTION_HEADERS, rows)


# A website or endpoint typed without a scheme ("www.example.org") is taken as https, not http.
HTTPS_BY_DEFAULT = {models.URLField: {"assume_scheme": "https"}}


class InstitutionAliasInline(admin.TabularInline):
    model = InstitutionAlias
    extra = 1


# Who may change where NLK's messages go and how a peer proves who it is (superusers have every permission).
CREDENTIALS_PERMISSION = "partners.change_iso18626_peer_credentials"
# The peer's fields only they may change; others see them read-only, and a form posted with them changes nothing.
CREDENTIAL_FIELDS = ["endpoint_url", "account_id", "previous_code_valid_until", "client_networks", "send_account_id"]


def may_change_credentials(request) -> bool:
    return request.user.has_perm(CREDENTIALS_PERMISSION)


class PeerForm(forms.ModelForm):
    """A peer as staff without the credentials permission edit it: nothing of its credentials."""

    generated_code = None

    class Meta:
        model = Iso18626Peer
        fields = "__all__"


class PeerCredentialsForm(PeerForm):
    """A peer with its credentials: a new security code is generated, never typed, and shown once after
    saving; the code NLK sends is written and never shown again."""

    generate_code = forms.BooleanField(
        label=_("generate a new security code"),
        required=False,
        help_text=_(
            "The new code is shown once, after saving: tell it to the peer then. The code it replaces stays "
            "valid until the date below when one is given, else it is refused at once."
        ),
    )
    new_send_security_code = forms.CharField(
        label=_("new security code NLK sends"),
        required=False,
        strip=True,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("The securityCode the peer gave NLK. Never shown; leave empty to keep the one kept."),
    )

    def save(self, commit=True):
        peer = super().save(commit=False)
        if self.cleaned_data.get("generate_code"):
            until = self.cleaned_data.get("previous_code_valid_until")
            self.generated_code = peer.generate_security_code(previous_valid_until=until)
        if self.cleaned_data.get("new_send_security_code"):
            peer.send_security_code = self.cleaned_data["new_send_security_code"]
        if commit:
            peer.save()
        return peer


class PeerCredentialsAdmin:
    """What the peer's admin and the institution's inline share: the credentials, editable only with
    the permission, and the new code told once."""

    formfield_overrides = HTTPS_BY_DEFAULT
    peer_fields = ["agency_id_type", "agency_id_value", "endpoint_url", "messages_on", "account_id",
                   "code_state", "generate_code", "previous_code_valid_until", "client_networks",
                   "send_account_id", "send_code_state", "new_send_security_code"]
    form_only_fields = ["generate_code", "new_send_security_code"]

    def get_fields(self, request, obj=None):
        if may_change_credentials(request):
            return list(self.peer_fields)
        return [name for name in self.peer_fields if name not in self.form_only_fields]

    def get_readonly_fields(self, request, obj=None):
        shown = ["code_state", "send_code_state"]
        return shown if may_change_credentials(request) else shown + CREDENTIAL_FIELDS

    def peer_form(self, request):
        return PeerCredentialsForm if may_change_credentials(request) else PeerForm

    @admin.display(description=_("security code"))
    def code_state(self, peer):
        if peer is None or not peer.code_hash:
            return _("none: the peer's messages are refused until one is generated")
        if peer.previous_code_hash and peer.previous_code_valid_until:
            return _("set; the previous one is taken until %(date)s") % {
                "date": formats.date_format(timezone.localtime(peer.previous_code_valid_until), "DATETIME_FORMAT")
            }
        return _("set (kept only hashed)")

    @admin.display(description=_("security code NLK sends"))
    def send_code_state(self, peer):
        return _("set") if peer is not None and peer.send_security_code else _("none")


def tell_new_code(request, peer, code):
    messages.warning(
        request,
        _("The new security code of %(peer)s is %(code)s. It is shown only this once: tell it to the peer now.")
        % {"peer": peer, "code": code},
    )


class Iso18626PeerInline(PeerCredentialsAdmin, admin.StackedInline):
    """The institution's ILL system, when it exchanges ISO 18626 messages with NLK."""

    model = Iso18626Peer
    extra = 0
    max_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", self.peer_form(request))
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None):
        return may_change_credentials(request) and super().has_add_permission(request, obj)


@admin.register(Institution)
class InstitutionAdmin(downloads.ExportPermission, admin.ModelAdmin):
    list_display = ["name_en", "name_ko", "kind", "country", "city", "is_active", "is_verified"]
    list_filter = ["kind", ("country", CountryFilter), "is_active", "is_verified"]
    search_fields = ["name_en", "name_ko", "aliases__name", "city", "city_ko", "key"]
    prepopulated_fields = {"key": ["name_en"]}
    inlines = [InstitutionAliasInline, Iso18626PeerInline]
    formfield_overrides = HTTPS_BY_DEFAULT
    actions = ["mark_verified", *downloads.export_actions(institution_listing, "institutions")]
    fieldsets = [
        (None, {"fields": ["name_en", "name_ko", "key", "kind", "is_active", "is_verified"]}),
        (_("Where"), {"fields": ["country", "city", "city_ko", "address", "website", "ill_email"]}),
    ]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for each in formset.forms:
            if getattr(each, "generated_code", None):
                tell_new_code(request, each.instance, each.generated_code)

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
class Iso18626PeerAdmin(PeerCredentialsAdmin, admin.ModelAdmin):
    """The partner ILL systems NLK exchanges ISO 18626 messages with (`manage.py iso18626_peer` too)."""

    list_display = ["agency_symbol", "institution", "endpoint_url", "messages_on", "updated_at"]
    list_filter = ["messages_on", "agency_id_type"]
    search_fields = ["agency_id_value", "institution__name_en", "institution__name_ko", "endpoint_url"]
    autocomplete_fields = ["institution"]
    peer_fields = ["institution", *PeerCredentialsAdmin.peer_fields]
    list_select_related = ["institution"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("form", self.peer_form(request))
        return super().get_form(request, obj, change, **kwargs)

    def has_add_permission(self, request):
        # A new peer is its endpoint and credentials.
        return may_change_credentials(request) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "generated_code", None):
            tell_new_code(request, obj, form.generated_code)

    @admin.display(description=_("agency id"), ordering="agency_id_value")
    def agency_symbol(self, peer):
        return peer.agency_symbol
