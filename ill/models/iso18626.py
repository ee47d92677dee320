"""Requests exchanged with partner ILL systems by ISO 18626, and every message in and out of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Iso18626Peer

from ..choices import Direction
from ..iso18626.vocabulary import MessageType
from .requests import IllRequest


class Iso18626Transaction(models.Model):
    """An ILL request exchanged with a peer: which peer, the ids both sides know it by, and what the
    peer said beyond the request's own fields.

    When NLK supplies, the peer is the requesting library and its request id is its own; when NLK
    borrows, the peer is the lender and NLK's request id is the request's reference.
    """

    request = models.OneToOneField(
        IllRequest, on_delete=models.PROTECT, related_name="iso18626", verbose_name=_("ILL request")
    )
    peer = models.ForeignKey(Iso18626Peer, on_delete=models.PROTECT, related_name="+", verbose_name=_("peer"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    requesting_agency_request_id = models.CharField(_("requester's request id"), max_length=255)
    supplying_agency_request_id = models.CharField(_("supplier's request id"), max_length=255, blank=True)
    service_type = models.CharField(_("service asked for"), max_length=20, blank=True)
    patron_reference = models.CharField(_("patron reference"), max_length=255, blank=True)
    max_cost = models.DecimalField(_("maximum cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_cost_currency = models.CharField(_("currency of the maximum cost"), max_length=3, blank=True)
    need_before = models.DateTimeField(_("needed before"), null=True, blank=True)
    # What the requesting library reported when NLK supplies (ISO 18626 Received, ShippedReturn)...
    requester_received_at = models.DateTimeField(_("received by the requester"), null=True, blank=True)
    return_shipped_at = models.DateTimeField(_("loan shipped back by the requester"), null=True, blank=True)
    # ...and what the lender reported when NLK borrows (its Loaned or CopyCompleted).
    supplier_shipped_at = models.DateTimeField(_("sent by the lender"), null=True, blank=True)
    supplier_due_at = models.DateTimeField(_("due back to the lender"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("ISO 18626 transaction")
        verbose_name_plural = _("ISO 18626 transactions")
        constraints = [
            # A peer's messages name the request by the requester's id: one request per id and way.
            models.UniqueConstraint(
                fields=["peer", "direction", "requesting_agency_request_id"], name="one_request_per_peer_request_id"
            )
        ]

    def __str__(self):
        return f"{self.request.reference} ↔ {self.peer.agency_symbol}: {self.requesting_agency_request_id}"


class Iso18626Message(models.Model):
    """One ISO 18626 message about a request, received from its peer or sent to it, as it went on the wire.

    A message NLK sends is stored first and then delivered by a task until the peer confirms it
    (ill.services.peer_messages): `state`, `attempts`, `error` and `next_attempt_at` say how far it got
    (while it is being sent, `next_attempt_at` is when the send is taken as lost and the message handed over again).
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("Received and answered")
        PENDING = "pending", _("Waiting to be sent")
        WAITING = "waiting", _("Waiting for an earlier message to be confirmed")
        SENDING = "sending", _("Being sent")
        RETRYING = "retrying", _("Not delivered: will be tried again")
        HELD = "held", _("Held: messages to this peer are off")
        CONFIRMED = "confirmed", _("Confirmed by the peer")
        REFUSED = "refused", _("Refused by the peer")
        DROPPED = "dropped", _("Dropped by staff: not sent")

    # A message NLK sends that the peer has not confirmed yet; with those it refused, the ones still NLK's to
    # finish (ill.services.peer_messages, the purge and /metrics).
    NOT_YET_CONFIRMED = (State.PENDING, State.WAITING, State.SENDING, State.RETRYING, State.HELD)
    UNFINISHED = (*NOT_YET_CONFIRMED, State.REFUSED)

    request = models.ForeignKey(
        IllRequest, on_delete=models.PROTECT, related_name="iso18626_messages", verbose_name=_("ILL request")
    )
    peer = models.ForeignKey(Iso18626Peer, on_delete=models.PROTECT, related_name="+", verbose_name=_("peer"))
    incoming = models.BooleanField(_("from the peer"), help_text=_("Received from the peer, or else sent to it."))
    message_type = models.CharField(
        _("message"), max_length=30, choices=[(kind.value, kind.value) for kind in MessageType]
    )
    # reasonForMessage of a supplyingAgencyMessage, action of a requestingAgencyMessage.
    reason = models.CharField(_("reason or action"), max_length=30, blank=True)
    status = models.CharField(_("status carried"), max_length=30, blank=True)
    answer_yes_no = models.BooleanField(_("answer"), null=True, blank=True)
    timestamp = models.DateTimeField(_("message timestamp"))
    created_at = models.DateTimeField(_("stored"), default=timezone.now)
    # An incoming message is kept in its canonical form (ill.iso18626.parsing.canonical_form); the same
    # message sent again is counted on its row, found by the digest of that form.
    body = models.TextField(_("message (XML)"))
    body_digest = models.CharField(max_length=64, blank=True, editable=False)
    resends = models.PositiveIntegerField(
        _("sent again"), default=0, help_text=_("How many more times the peer sent this very message.")
    )
    last_resent_at = models.DateTimeField(_("last sent again"), null=True, blank=True)
    confirmation = models.TextField(_("confirmation (XML)"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # What a message NLK sends answers (a StatusRequest, a Cancel, a Renew).
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies", verbose_name=_("in reply to")
    )
    # A peer's Cancel waits for staff: accepted or refused, by whom and when.
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )
    # One message per event NLK reports (a status change, an answer), however often it is asked for.
    key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ISO 18626 message")
        verbose_name_plural = _("ISO 18626 messages")
        # Also how /metrics finds each peer's unfinished messages among all ever sent.
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="iso18626_state_next")]

    def __str__(self):
        way = "←" if self.incoming else "→"
        what = f" {self.reason}" if self.reason else ""
        return f"{self.request.reference} {way} {self.message_type}{what}"
