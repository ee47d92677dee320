"""ISO 18626 in the admin: every message in and out beneath a request, each message's own page with its
XML, staff's answer to a peer's request to cancel, and what the request's page says of its peer."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models.functions import Substr
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nlk_portal.core.posted import posted_number

from ..models import MAX_TEXT, Iso18626Message
from ..selectors.iso18626 import pending_cancels
from ..services import iso18626, peer_messages
from .columns import WideList, cut
from .pages import form_page


def way(message):
    return _("in ←") if message.incoming else _("out →")


# The request's page shows its latest messages, each cut short; the whole of each is on its own page.
LATEST = 10
SHOWN_CHARACTERS = 500
# A message's last error, beneath the request, is cut to this many characters.
ERROR_CHARACTERS = 160


class LatestMessages(BaseInlineFormSet):
    """The request's latest LATEST messages, oldest first: a request with hundreds opens as fast as one with five."""

    def get_queryset(self):
        if not hasattr(self, "_latest"):
            self._latest = list(reversed(self.queryset.order_by("-created_at", "-id")[:LATEST]))
        return self._latest


class Iso18626MessageInline(admin.TabularInline):
    """The request's latest messages in and out, in the order they were stored, each cut short; each opens
    on its own page with the whole of it, and the list of messages holds them all."""

    model = Iso18626Message
    formset = LatestMessages
    fk_name = "request"
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("ISO 18626 messages (the latest)")
    fields = readonly_fields = [
        "created_at", "direction", "message_type", "reason", "status", "answer", "state", "attempts",
        "next_attempt_at", "resends", "last_error", "body_start",
    ]
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        # The bodies stay in the database: only their first characters are read.
        return (
            super().get_queryset(request).select_related("request").defer("body", "confirmation")
            .annotate(body_head=Substr("body", 1, SHOWN_CHARACTERS + 1))
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("way"))
    def direction(self, message):
        return way(message)

    @admin.display(description=_("answer"))
    def answer(self, message):
        return "—" if message.answer_yes_no is None else (_("yes") if message.answer_yes_no else _("no"))

    @admin.display(description=Iso18626Message._meta.get_field("error").verbose_name)
    def last_error(self, message):
        # The whole error is on the message's own page.
        return cut(message.error, ERROR_CHARACTERS) if message.error else "—"

    @admin.display(description=_("message (XML)"))
    def body_start(self, message):
        return cut_short(message.body_head, reverse("admin:ill_iso18626message_change", args=[message.pk]))


def cut_short(text, url):
    """The start of a message's XML, escaped, and a link to its own page when there is more."""
    if len(text) <= SHOWN_CHARACTERS:
        return format_html('<code class="ill-xml">{}</code>', text)
    return format_html(
        '<code class="ill-xml">{}…</code> <a href="{}">{}</a>', text[:SHOWN_CHARACTERS], url, _("the whole message")
    )


# A peer is named in the list by its agency and institution, cut to this many characters.
PEER_CHARACTERS = 40


def short_time(moment):
    """The date and minute, in the portal's time zone, in the narrowest form."""
    return localtime(moment).strftime("%Y-%m-%d %H:%M")


def all_messages_url(ill_request):
    return f"{reverse('admin:ill_iso18626message_changelist')}?request__id__exact={ill_request.pk}"


@admin.register(Iso18626Message)
class Iso18626MessageAdmin(WideList, admin.ModelAdmin):
    """All messages exchanged with partner systems, to follow a failed delivery and send it again."""

    # Narrow cells, so that at 1280 px the state and the way are in view beside the filters.
    list_display = [
        "stored", "reference", "direction", "peer_name", "message_type", "reason", "status", "state", "attempts",
        "next_attempt_at",
    ]
    list_display_links = ["stored"]
    list_filter = ["state", "incoming", "message_type"]
    search_fields = ["request__reference", "peer__agency_id_value", "peer__institution__name_en"]
    list_select_related = ["request", "peer__institution"]
    ordering = ["-created_at", "-id"]
    actions = ["send_again", "drop"]
    fields = readonly_fields = [
        "request", "peer", "direction", "message_type", "reason", "status", "answer_yes_no", "timestamp",
        "created_at", "state", "attempts", "next_attempt_at", "confirmed_at", "error", "in_reply_to",
        "answered_at", "answered_by", "resends", "last_resent_at", "body_xml", "confirmation_xml",
    ]

    class Media:
        css = {"all": ["ill/admin.css"]}

    @admin.display(description=_("way"), ordering="incoming")
    def direction(self, message):
        return way(message)

    @admin.display(description=Iso18626Message._meta.get_field("created_at").verbose_name, ordering="created_at")
    def stored(self, message):
        return format_html('<span class="ill-nowrap">{}</span>', short_time(message.created_at))

    @admin.display(description=Iso18626Message._meta.get_field("request").verbose_name, ordering="request__reference")
    def reference(self, message):
        return message.request.reference

    @admin.display(description=Iso18626Message._meta.get_field("peer").verbose_name)
    def peer_name(self, message):
        return cut(str(message.peer), PEER_CHARACTERS)

    @admin.display(description=_("message (XML)"))
    def body_xml(self, message):
        return format_html('<pre class="ill-xml">{}</pre>', message.body)

    @admin.display(description=_("confirmation (XML)"))
    def confirmation_xml(self, message):
        return format_html('<pre class="ill-xml">{}</pre>', message.confirmation) if message.confirmation else "—"

    def has_add_permission(self, request):
        # Messages are kept as they come and go; none is written by hand.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(permissions=["change"], description=_("Send the selected messages again"))
    def send_again(self, request, queryset):
        count = peer_messages.send_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
            % {"count": count},
        )


    @admin.action(permissions=["change"], description=_("Drop the selected refused messages (never send them)"))
    def drop(self, request, queryset):
        count = peer_messages.drop(queryset)
        self.message_user(
            request,
            ngettext("%(count)d message dropped; the next message about its request is sent.",
                     "%(count)d messages dropped; the next message about each request is sent.", count)
            % {"count": count},
        )


def refused_notice(ill_request):
    """What the request's page says of the first message the peer refused, which holds the later ones: the
    message, the peer's error, how many wait behind it; None when the peer refused nothing."""
    if link_of(ill_request) is None:
        return None
    message = peer_messages.refused_for(ill_request).first()
    if message is None:
        return None
    return {
        "message": message,
        "url": reverse("admin:ill_iso18626message_change", args=[message.pk]),
        "held": peer_messages.held_behind(message),
        "action_url": reverse("admin:ill_illrequest_iso18626_refused", args=[ill_request.pk]),
    }


def refused_view(request, ill_request, change_url):
    """Staff's answer to a refused message from the request's page: send it again, or drop it."""
    if request.method != "POST":
        return HttpResponseRedirect(change_url)
    rows = peer_messages.refused_for(ill_request).filter(pk=posted_number(request.POST.get("message")) or 0)
    choice = request.POST.get("choice")
    if choice == "send_again":
        done = peer_messages.send_again(rows)
        text = _("The refused message will be sent again; the later ones wait until the peer confirms it.")
    elif choice == "drop":
        done = peer_messages.drop(rows)
        text = _("The refused message is dropped and will never be sent; the next message is sent now.")
    else:
        done, text = 0, ""
    if done:
        messages.success(request, f"{ill_request.reference}: {text}")
    else:
        messages.error(request, _("That message is no longer refused: look at the request's page again."))
    return HttpResponseRedirect(change_url)


def link_of(ill_request):
    """The request's ISO 18626 transaction, read with it (IllRequestAdmin.get_object), or None."""
    return getattr(ill_request, "iso18626", None)


def has_cancel_requests(ill_request):
    """Whether the requesting library's system asked to cancel and waits for staff's answer."""
    link = link_of(ill_request)
    return link is not None and not ill_request.is_borrowing and pending_cancels(ill_request).exists()


def transaction_summary(ill_request):
    """What the request's page shows of its ISO 18626 exchange: the peer, the ids, what the peer reported."""
    link = link_of(ill_request)
    if link is None:
        return "—"
    rows = [
        (_("peer"), f"{link.peer.agency_symbol} · {link.peer.institution}"),
        (_("requester's request id"), link.requesting_agency_request_id),
        (_("supplier's request id"), link.supplying_agency_request_id or "—"),
        (_("service asked for"), link.service_type or "—"),
        (_("patron reference"), link.patron_reference or "—"),
        (_("maximum cost"), f"{link.max_cost_currency} {link.max_cost}" if link.max_cost is not None else "—"),
        (_("needed before"), link.need_before.date().isoformat() if link.need_before else "—"),
    ]
    for label, moment in [
        (_("received by the requester"), link.requester_received_at),
        (_("loan shipped back by the requester"), link.return_shipped_at),
        (_("sent by the lender"), link.supplier_shipped_at),
        (_("due back to the lender"), link.supplier_due_at),
    ]:
        if moment:
            rows.append((label, moment.date().isoformat()))
    if not link.peer.messages_on:
        rows.append((_("messages"), _("off: NLK's messages to this peer are held")))
    count = ill_request.iso18626_messages.count()
    return format_html(
        '<table class="ill-iso18626"><tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
        format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows),
        all_messages_url(ill_request),
        ngettext("All %(count)d message exchanged", "All %(count)d messages exchanged", count) % {"count": count},
    )


class CancelAnswerForm(forms.Form):
    answer = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Accept: cancel the request")), ("no", _("Refuse: go on with the request"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the requesting library"), required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Optional, in English: it travels with the answer (and, for a cancellation, the status email)."),
    )


def cancel_view(request, model_admin, ill_request, change_url):
    """Staff accept or refuse a peer's request to cancel: the answer goes back as a CancelResponse."""
    if request.method == "POST":
        form = CancelAnswerForm(request.POST)
        if form.is_valid():
            try:
                iso18626.answer_cancel(
                    ill_request, accept=form.cleaned_data["answer"], by=request.user,
                    note=form.cleaned_data["note"], expected_version=posted_number(request.POST.get("version")),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                text = _("Cancelled, and the requesting library told.") if form.cleaned_data["answer"] else _(
                    "The requesting library is told the request goes on.")
                messages.success(request, f"{ill_request.reference}: {text}")
                return HttpResponseRedirect(change_url)
    else:
        form = CancelAnswerForm()
    cancels = [
        (message, reverse("admin:ill_iso18626message_change", args=[message.pk]))
        for message in pending_cancels(ill_request)
    ]
    return form_page(
        request, model_admin, "ill/admin/iso18626_cancel.html", title=_("A request to cancel"), form=form,
        cancel_url=change_url, ill_request=ill_request, cancels=cancels,
    )


def cancel_url(ill_request):
    return reverse("admin:ill_illrequest_iso18626_cancel", args=[ill_request.pk])
