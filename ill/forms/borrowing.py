"""The form a user in Korea fills in to ask NLK to borrow material from a library abroad."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from nlk_portal.core import privacy
from partners.models import Institution

from ..models import MAX_TEXT, Delivery, IllRequest, ItemType, Service
from ..rules import delivery as delivery_rules
from ..selectors import borrowing
from .requests import PART_HELP_TEXTS, PART_LABELS, ItemChecks, LibraryField, item_fieldset

MAX_AMOUNT_KRW = 10_000_000


class BorrowingRequestForm(ItemChecks, forms.ModelForm):
    lender = LibraryField(
        queryset=Institution.objects.active().exclude(country="KR").order_by("name_en"),
        required=False,
        label=_("Preferred lending institution"),
        empty_label=_("Choose from the directory"),
        help_text=_("A library abroad that holds the material. If it is not listed, type its name below."),
    )
    lender_name = forms.CharField(
        label=_("Lending institution not in the directory: its name"), max_length=255, required=False
    )
    lender_country = forms.ChoiceField(
        label=_("Its country"), choices=[("", "---------"), *countries], required=False
    )
    max_amount = forms.DecimalField(
        label=_("The most you will pay (KRW)"),
        min_value=0,
        max_value=MAX_AMOUNT_KRW,
        decimal_places=0,
        help_text=_("If the lending institution's fees are higher, we ask you before going on."),
    )
    confirms_not_available_elsewhere = forms.BooleanField(
        label=_("The material is not available in Korea."),
        error_messages={
            "required": _("NLK borrows from abroad only what is not available in Korea: please confirm.")
        },
    )
    accepts_prepayment = forms.BooleanField(
        label=_(
            "I understand that the fees are paid in advance and that the difference is refunded after processing."
        ),
        error_messages={"required": _("Please confirm that you will pay the fees in advance.")},
    )
    transfer_consent = forms.BooleanField(
        label=_("I agree to the details of this request going to a library abroad, as described here."),
        error_messages={
            "required": _(
                "Tick the box to agree to the details going to a library abroad: without it NLK cannot borrow "
                "the material for you."
            )
        },
    )
    isbn = forms.CharField(label=_("ISBN"), max_length=20, required=False,
                           help_text=_("For a monograph, if known. Hyphens are fine."))
    issn = forms.CharField(
        label=_("ISSN"), max_length=12, required=False, help_text=_("For a periodical, if known.")
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = IllRequest
        fields = [
            "item_type", "title", "article_title", "serial_title", "volume", "issue", "author", "part_title",
            "part_author", "publisher",
            "place", "year", "isbn", "issn", "citation_source", "service", "delivery", "pages_wanted",
            "postal_address", "notes", "confirms_not_available_elsewhere",
        ]
        labels = {
            "item_type": _("Type of material"),
            "title": _("Title of the book"),
            "article_title": _("Title of the article"),
            "serial_title": _("Title of the periodical"),
            "volume": _("Volume"),
            "issue": _("Issue"),
            "author": _("Author"),
            **PART_LABELS,
            "publisher": _("Publisher"),
            "place": _("Place of publication"),
            "year": _("Year of publication"),
            "citation_source": _("Where the citation was found"),
            "service": _("Copy or loan"),
            "delivery": _("Delivery"),
            "pages_wanted": _("Pages wanted"),
            "postal_address": _("Postal address for delivery"),
            "notes": _("Notes"),
        }
        help_texts = {
            "title": _("For a monograph."),
            "article_title": _("For a periodical article."),
            "serial_title": _("For a periodical article: the journal, magazine or newspaper."),
            **PART_HELP_TEXTS,
            "citation_source": _("A bibliography, database or catalogue."),
            "pages_wanted": _("Pages or ranges, for example 12-30, 45. For a copy."),
            "postal_address": _("Needed when the material is sent by post."),
        }
        widgets = {
            "item_type": forms.RadioSelect,
            "service": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in [("item_type", ItemType), ("service", Service), ("delivery", Delivery)]:
            self.fields[name].choices = choices.choices
        self.fields["service"].initial = Service.COPY
        self.fields["delivery"].initial = Delivery.POST
        self.fields["lender"].widget.attrs["data-lender-select"] = ""
        self.fields["lender_country"].widget.attrs["data-lender-country"] = ""
        self.fields["transfer_consent"].help_text = privacy.transfer_notice()
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        self._clean_item(data)
        self._clean_lender(data)
        self._clean_service(data)
        return data

    def _clean_lender(self, data):
        lender, name = data.get("lender"), data.get("lender_name", "").strip()
        if lender and name:
            self.add_error(
                "lender_name", _("Choose a lending institution from the directory or type one, not both.")
            )
        elif not lender and not name:
            self.add_error(
                "lender", _("Choose a lending institution, or type its name below if it is not listed.")
            )
        elif name and not data.get("lender_country"):
            self.add_error("lender_country", _("Enter the country of the lending institution."))
        elif lender:
            data["lender_country"] = lender.country.code
        if data.get("lender_country") == "KR":
            self.add_error(
                "lender_country",
                _("The lending institution must be abroad: this service is for material not available in Korea."),
            )

    def _clean_service(self, data):
        service, delivery, country = data.get("service"), data.get("delivery"), data.get("lender_country")
        if service == Service.COPY and country and not borrowing.copying_permitted(country):
            policy = borrowing.no_copy_policies().get(country=country)
            message = _("Copying is not permitted by the law of %(country)s: ask for a loan instead.") % {
                "country": policy.country.name
            }
            self.add_error("service", f"{message} {policy.note}".strip())
        if service == Service.COPY and not data.get("pages_wanted", "").strip():
            self.add_error("pages_wanted", _("Say which pages you want copied."))
        if service == Service.LOAN:
            data["pages_wanted"] = ""
        try:
            delivery_rules.check_delivery(service, delivery)
        except ValidationError as error:
            self.add_error("delivery", error)
        if delivery == Delivery.POST and not data.get("postal_address", "").strip():
            self.add_error("postal_address", _("Enter the postal address to send the material to."))

    def request_details(self):
        details = {name: self.cleaned_data[name] for name in self._meta.fields}
        details.update(
            lender=self.cleaned_data["lender"],
            lender_name="" if self.cleaned_data["lender"] else self.cleaned_data["lender_name"].strip(),
            lender_country=self.cleaned_data["lender_country"],
            max_amount=self.cleaned_data["max_amount"],
        )
        return details


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(
        item_fieldset("citation_source"),
        Fieldset(
            _("The lending institution"),
            "lender",
            Div("lender_name", "lender_country", css_class="border-start ps-3 mb-3"),
        ),
        Fieldset(
            _("Copy or loan"),
            HTML('{% include "ill/includes/copy_rules.html" %}'),
            "service",
            "pages_wanted",
            "delivery",
            "postal_address",
            "max_amount",
            "notes",
        ),
        Fieldset(
            _("Conditions"),
            HTML('{% include "ill/includes/borrowing_terms.html" %}'),
            "confirms_not_available_elsewhere",
            "accepts_prepayment",
        ),
        Fieldset(_("Sending the request abroad"), "transfer_consent"),
        "submission_key",
    )
    return helper
