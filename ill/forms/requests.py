"""The International ILL & Document Delivery Service form an overseas librarian fills in, and its item fields."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from nlk_portal.core.calendar import library_today
from partners.models import Institution, InstitutionKind

from ..models import Delivery, IllRequest, ItemType, Service
from ..rules import bibliographic, copyright
from ..rules import delivery as delivery_rules
from ..selectors.fees import quote_on


def item_fieldset(*closing_fields):
    """The bibliographic fields of the item, laid out as both request forms show them; a chapter's own
    title and author follow the book's title."""
    return Fieldset(
        _("The item"),
        "item_type",
        "title",
        "part_title",
        "part_author",
        "article_title",
        "serial_title",
        Div(Div("volume", css_class="col-sm-6"), Div("issue", css_class="col-sm-6"), css_class="row"),
        "author",
        "publisher",
        Div(Div("place", css_class="col-sm-8"), Div("year", css_class="col-sm-4"), css_class="row"),
        Div(Div("isbn", css_class="col-sm-6"), Div("issn", css_class="col-sm-6"), css_class="row"),
        *closing_fields,
    )

# A chapter of a book, as both request forms ask for it.
PART_LABELS = {
    "part_title": _("Title of the chapter or part"),
    "part_author": _("Author of the chapter or part"),
}
PART_HELP_TEXTS = {
    "part_title": _("For a chapter or another part of a book: its own title."),
    "part_author": _("If the chapter has its own author."),
}


class LibraryField(forms.ModelChoiceField):
    def label_from_instance(self, institution):
        country = institution.country.name if institution.country else _("International organization")
        return f"{institution.display_name} ({country})"


class ItemChecks:
    """The bibliographic checks every request form makes: the titles its type needs, ISBN, ISSN, year."""

    def clean_isbn(self):
        return bibliographic.check_standard_number(self.cleaned_data["isbn"], "ISBN")

    def clean_issn(self):
        return bibliographic.check_standard_number(self.cleaned_data["issn"], "ISSN")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not bibliographic.is_publication_year(year, this_year=timezone.localdate().year):
            raise ValidationError(_("Enter the year of publication with four digits, for example 2019."))
        return year

    def _clean_item(self, data):
        if data.get("item_type") == ItemType.MONOGRAPH and not data.get("title"):
            self.add_error("title", _("Enter the title of the book."))
        if data.get("item_type") == ItemType.SERIAL_ARTICLE:
            # An article is itself the part of its serial: its title and author are the article's own.
            data["part_title"] = data["part_author"] = ""
            for field, message in [
                ("article_title", _("Enter the title of the article.")),
                ("serial_title", _("Enter the title of the serial the article appeared in.")),
            ]:
                if not data.get(field):
                    self.add_error(field, message)


class IllRequestForm(ItemChecks, forms.ModelForm):
    requesting_library = LibraryField(
        queryset=Institution.objects.active().order_by("name_en"),
        required=False,
        label=_("Requesting library"),
        empty_label=_("Choose your library"),
        help_text=_("Your library as the directory lists it. If it is not there, enter it below."),
    )
    new_library_name = forms.CharField(
        label=_("Library not in the directory: its name"), max_length=255, required=False
    )
    new_library_kind = forms.ChoiceField(
        label=_("Kind of library"),
        choices=InstitutionKind.choices,
        initial=InstitutionKind.ACADEMIC,
        required=False,
    )
    new_library_country = forms.ChoiceField(
        label=_("Country"), choices=[("", "---------"), *countries], required=False
    )
    new_library_city = forms.CharField(label=_("City"), max_length=120, required=False)
    confirms_published_in_korea = forms.BooleanField(
        label=_("The material was published or issued in Korea."),
        error_messages={
            "required": _("NLK supplies only material published or issued in Korea: please confirm.")
        },
    )
    confirms_not_available_elsewhere = forms.BooleanField(
        label=_("The material is not available elsewhere."),
        error_messages={"required": _("NLK supplies only material not available elsewhere: please confirm.")},
    )
    # Longer than the stored compact form: librarians type hyphens and spaces.
    isbn = forms.CharField(
        label=_("ISBN"),
        max_length=20,
        required=False,
        help_text=_("For a monograph, if known. Hyphens are fine."),
    )
    issn = forms.CharField(
        label=_("ISSN"), max_length=12, required=False, help_text=_("For a serial, if known.")
    )
    # A trap for bots: people never see it, so anything typed here is not a person.
    referrer_code = forms.CharField(label=_("Leave this field empty"), required=False, max_length=100)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = IllRequest
        fields = [
            "requesting_library",
            "contact_name",
            "email",
            "postal_address",
            "item_type",
            "title",
            "part_title",
            "part_author",
            "article_title",
            "serial_title",
            "volume",
            "issue",
            "author",
            "publisher",
            "place",
            "year",
            "isbn",
            "issn",
            "nlk_number",
            "citation_source",
            "service",
            "delivery",
            "pages_wanted",
            "total_pages",
            "max_cost_usd",
            "notes",
            "confirms_published_in_korea",
            "confirms_not_available_elsewhere",
        ]
        labels = {
            "contact_name": _("Contact person"),
            "email": _("Email"),
            "postal_address": _("Postal address for delivery"),
            "item_type": _("Type of material"),
            "title": _("Title of the book"),
            "article_title": _("Title of the article"),
            "serial_title": _("Title of the serial"),
            "volume": _("Volume"),
            "issue": _("Issue"),
            "author": _("Author"),
            **PART_LABELS,
            "publisher": _("Publisher"),
            "place": _("Place of publication"),
            "year": _("Year of publication"),
            "nlk_number": _("NLK call number or control number"),
            "citation_source": _("Where the citation was found"),
            "service": _("Service"),
            "delivery": _("Delivery"),
            "pages_wanted": _("Pages wanted"),
            "total_pages": _("Total pages of the item"),
            "max_cost_usd": _("The most your library will pay (USD)"),
            "notes": _("Notes"),
        }
        help_texts = {
            "postal_address": _("Needed when the material is sent by post."),
            "title": _("For a monograph."),
            "article_title": _("For a serial article."),
            "serial_title": _("For a serial article: the journal, magazine or newspaper."),
            "nlk_number": _("If you know it, from the NLK catalogue."),
            "citation_source": _("A bibliography, database or catalogue."),
            **PART_HELP_TEXTS,
            "pages_wanted": _("Pages or ranges, for example 12-30, 45. For a copy."),
            "total_pages": _(
                "The number of pages of the whole item, if known: a copy must be less than one third of it."
            ),
        }
        widgets = {
            "item_type": forms.RadioSelect,
            "service": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quote = self.page_count = None
        # Radio buttons need no "---------" choice; a copy by post is what most libraries ask for.
        for name, choices in [("item_type", ItemType), ("service", Service), ("delivery", Delivery)]:
            self.fields[name].choices = choices.choices
        self.fields["service"].initial = Service.COPY
        self.fields["delivery"].initial = Delivery.POST
        self.fields["pages_wanted"].widget.attrs["aria-controls"] = "fee-preview"
        self.fields["total_pages"].widget.attrs["aria-controls"] = "fee-preview"
        self.fields["referrer_code"].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("referrer_code"):
            raise ValidationError(_("This request could not be accepted."), code="honeypot")
        self._clean_library(data)
        self._clean_item(data)
        self._clean_service(data)
        if not self.errors:
            self._clean_cost(data)
        return data

    def _clean_library(self, data):
        chosen, new_name = data.get("requesting_library"), data.get("new_library_name")
        if chosen and new_name:
            self.add_error(
                "new_library_name", _("Choose your library from the directory or enter a new one, not both.")
            )
        elif not chosen and not new_name:
            self.add_error(
                "requesting_library", _("Choose your library, or enter its name below if it is not listed.")
            )
        elif new_name and not data.get("new_library_country"):
            self.add_error("new_library_country", _("Enter the country of your library."))

    def _clean_service(self, data):
        service, delivery = data.get("service"), data.get("delivery")
        if delivery == Delivery.POST and not data.get("postal_address", "").strip():
            self.add_error("postal_address", _("Enter the postal address to send the material to."))
        try:
            delivery_rules.check_delivery(service, delivery)
        except ValidationError as error:
            self.add_error("delivery", error)
        if service == Service.LOAN:
            data["pages_wanted"] = ""
        elif service == Service.COPY and "pages_wanted" in data:
            try:
                copyright.check_copy_limit(data["pages_wanted"], data.get("total_pages"))
            except ValidationError as error:
                self.add_error("pages_wanted", error)

    def _clean_cost(self, data):
        is_copy = data["service"] == Service.COPY
        self.page_count = copyright.count_pages(data["pages_wanted"]) if is_copy else None
        self.quote = quote_on(
            library_today(), service=data["service"], delivery=data["delivery"], pages=self.page_count
        )
        limit = data.get("max_cost_usd")
        if limit is not None and limit < self.quote.total:
            self.add_error(
                "max_cost_usd",
                _("The estimated fee is %(currency)s %(total)s, more than the %(limit)s your library will pay.")
                % {"currency": self.quote.currency, "total": self.quote.total, "limit": limit},
            )

    def library_for_request(self):
        """The chosen library, or an unsaved new one that staff will verify."""
        data = self.cleaned_data
        return data["requesting_library"] or Institution(
            name_en=data["new_library_name"],
            kind=data["new_library_kind"] or InstitutionKind.ACADEMIC,
            country=data["new_library_country"],
            city=data["new_library_city"],
            address=data["postal_address"],
        )

    def request_details(self):
        details = {name: self.cleaned_data[name] for name in self._meta.fields}
        details["requesting_library"] = self.library_for_request()
        return details


def fresh_form(form_class, data, error, **options):
    """The details posted, on a form with a new submission key, showing `error` above them."""
    data = data.copy()
    data["submission_key"] = str(uuid.uuid4())
    form = form_class(data, **options)
    form.is_valid()
    form.add_error(None, error)
    return form


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(
        Fieldset(
            _("Your library"),
            HTML('{% include "ill/includes/library_search.html" %}'),
            "requesting_library",
            Div(
                "new_library_name",
                "new_library_kind",
                "new_library_country",
                "new_library_city",
                css_class="new-library border-start ps-3 mb-3",
            ),
            "contact_name",
            "email",
            "postal_address",
            HTML('{% include "includes/privacy_notice.html" with kind="request" %}'),
        ),
        item_fieldset("nlk_number", "citation_source"),
        Fieldset(
            _("The service"),
            "service",
            "delivery",
            Div(
                Div("pages_wanted", "total_pages", css_class="col-md-6"),
                Div(HTML('{% include "ill/includes/fee_preview.html" %}'), css_class="col-md-6"),
                css_class="row",
            ),
            "max_cost_usd",
            "notes",
        ),
        Fieldset(
            _("Conditions"),
            HTML("{% load ill_tags %}{% ill_terms %}"),
            "confirms_published_in_korea",
            "confirms_not_available_elsewhere",
        ),
        Div("referrer_code", css_class="ill-hp", aria_hidden="true"),
        "submission_key",
    )
    return helper
