import hashlib
import hmac
import ipaddress
import secrets
from enum import IntEnum
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from nlk_portal.core import endpoints
from nlk_portal.core.folding import FoldedField, fold, with_folded_fields


class InstitutionKind(models.TextChoices):
    NATIONAL = "national", _("National library")
    ACADEMIC = "academic", _("Academic library")
    PUBLIC = "public", _("Public library")
    SPECIAL = "special", _("Special library")
    RESEARCH = "research", _("Research institute")
    INTERNATIONAL_ORG = "international_org", _("International organization")


# Common abbreviations of country names, which no country's name contains ("UK" is in no
# "United Kingdom"); a search that is one of them, dots and spaces aside, finds that country.
COUNTRY_ABBREVIATIONS = {
    "uk": "GB",
    "gb": "GB",
    "us": "US",
    "usa": "US",
    "uae": "AE",
    "prc": "CN",
    "rok": "KR",
    "dprk": "KP",
    "drc": "CD",
    "ksa": "SA",
    "nz": "NZ",
}

# Korean words for the kinds of institution besides the kinds' own labels (국립도서관, 대학도서관,
# 공공도서관, 전문도서관, 연구기관, 국제기구): "대학교" is the usual word for a university, and no
# label holds it. A search that is part of one of these words finds the institutions of that kind.
# The directory has no museums, so 박물관 finds what "museum" finds: nothing.
KOREAN_KIND_WORDS = {
    InstitutionKind.NATIONAL: ["국가도서관"],
    InstitutionKind.ACADEMIC: ["대학교도서관", "대학원도서관", "학술도서관"],
    InstitutionKind.PUBLIC: ["공립도서관", "시립도서관", "도립도서관", "구립도서관"],
    InstitutionKind.SPECIAL: ["특수도서관"],
    InstitutionKind.RESEARCH: ["연구소", "연구원", "연구센터"],
    InstitutionKind.INTERNATIONAL_ORG: ["국제기관", "국제단체"],
}


@lru_cache(maxsize=16)
def _folded_country_names(language):
    with translation.override(language):
        return tuple((code, fold(name)) for code, name in countries)


@lru_cache(maxsize=16)
def _kind_words(language):
    """(kind, word folded and without spaces) for each kind's label in language and its Korean words."""
    with translation.override(language):
        words = [(kind, str(label)) for kind, label in InstitutionKind.choices]
    words += [(kind, word) for kind, others in KOREAN_KIND_WORDS.items() for word in others]
    return tuple((kind, fold(word).replace(" ", "")) for kind, word in words)


def countries_matching(text):
    """Country codes whose name in English, Korean or the reader's language contains text, ignoring
    case and accents, or of which text is a common abbreviation ("UK", "U.S.A.").

    The Korean names are django-countries' own translations ("일본" is Japan, "독일" Germany).
    """
    text = fold(text)
    codes = set()
    for language in {"en", "ko", get_language() or "en"}:
        codes.update(code for code, name in _folded_country_names(language) if text in name)
    abbreviation = COUNTRY_ABBREVIATIONS.get(text.replace(".", "").replace(" ", ""))
    if abbreviation:
        codes.add(abbreviation)
    return codes


def kinds_matching(text):
    """Kinds of institution whose name in English, Korean or the reader's language, or one of their
    other Korean words, contains text, spaces aside ("대학교", "대학 도서관" and "academic library"
    all give academic libraries)."""
    text = fold(text).replace(" ", "")
    if not text:
        return set()
    kinds = set()
    for language in {"en", "ko", get_language() or "en"}:
        kinds.update(kind for kind, word in _kind_words(language) if text in word)
    return kinds


class SearchRank(IntEnum):
    """How well an institution matches a search; lower is better."""

    EXACT = 0  # a name or other spelling is the text
    PREFIX = 1  # a name or other spelling starts with it
    CONTAINS = 2  # a name or other spelling contains it
    OTHER = 3  # only the city, the country or the kind of institution matches


class InstitutionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def counts(self):
        """{"institutions": n, "countries": m}: international organizations have no country and count in none."""
        return self.aggregate(
            institutions=Count("id"), countries=Count("country", distinct=True, filter=~Q(country=""))
        )

    def search(self, text):
        """Institutions matching text, each with its `search_rank` (SearchRank), best first.

        Text is matched against the English and Korean names, the other spellings (aliases), the
        city in English and in Korean, the country's name and the kind of institution in English,
        Korean or the reader's language; so a Korean search finds what its English equivalent finds.
        Case, accents and other spellings of Latin letters are ignored both ways ("Malaga" finds
        "Málaga", "Kobenhavn" finds "København"): text is folded (nlk_portal.core.folding.fold) and
        compared with the folded copies stored on each row. The rank is the best of: a name or alias
        equal to the text (0), starting with it (1), containing it (2); an institution found only
        through its city, country or kind ranks 3. Equal ranks go by English name.
        """
        # No name holds a NUL character, and PostgreSQL refuses one in a query.
        text = text.replace("\x00", "").strip()
        if not text:
            return self.annotate(search_rank=Value(SearchRank.OTHER))
        folded = fold(text)
        if not folded:
            # Only marks that fold away (a stray combining accent): nothing to look for.
            return self.none().annotate(search_rank=Value(SearchRank.OTHER))

        def named(lookup):
            aliases = InstitutionAlias.objects.filter(
                institution=OuterRef("pk"), **{f"folded_name__{lookup}": folded}
            )
            return (
                Q(**{f"folded_name_en__{lookup}": folded})
                | Q(**{f"folded_name_ko__{lookup}": folded})
                | Q(Exists(aliases))
            )

        elsewhere = (
            Q(folded_city__contains=folded)
            | Q(country__in=countries_matching(folded))
            | Q(kind__in=kinds_matching(folded))
        )
        rank = Case(
            When(named("exact"), then=Value(SearchRank.EXACT)),
            When(named("startswith"), then=Value(SearchRank.PREFIX)),
            When(named("contains"), then=Value(SearchRank.CONTAINS)),
            default=Value(SearchRank.OTHER),
        )
        return (
            self.filter(named("contains") | elsewhere)
            .annotate(search_rank=rank)
            .order_by("search_rank", "name_en")
        )


class Institution(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_("A short stable identifier, used by the reference data."),
    )
    name_en = models.CharField(_("name (English)"), max_length=255, db_index=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    country = CountryField(_("country"), blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    city_ko = models.CharField(
        _("city (Korean)"),
        max_length=120,
        blank=True,
        default="",
        # Rows written outside the ORM (the benchmark's COPY) leave it empty too.
        db_default="",
        help_text=_("The city's name in Korean, shown and searched on the Korean pages."),
    )
    # Folded copies of the names and cities (nlk_portal.core.folding.fold) that the search compares.
    folded_name_en = FoldedField(of=["name_en"])
    folded_name_ko = FoldedField(of=["name_ko"])
    folded_city = FoldedField(of=["city", "city_ko"])
    address = models.TextField(_("postal address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    ill_email = models.EmailField(_("ILL contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_verified = models.BooleanField(
        _("verified"),
        default=True,
        help_text=_("Institutions entered by requesters stay unverified until staff check them."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.name_en

    @property
    def display_name(self):
        """The name in the reader's language where the directory has it."""
        if self.name_ko and (get_language() or "").startswith("ko"):
            return self.name_ko
        return self.name_en

    @property
    def display_city(self):
        """The city in the reader's language where the directory has it."""
        if self.city_ko and (get_language() or "").startswith("ko"):
            return self.city_ko
        return self.city

    def save(self, *args, update_fields=None, **kwargs):
        if not self.key:
            self.key = self._unique_key()
        super().save(*args, update_fields=with_folded_fields(Institution, update_fields), **kwargs)

    def _unique_key(self):
        base = slugify(self.name_en)[:90] or "institution"
        key, n = base, 1
        while Institution.objects.filter(key=key).exclude(pk=self.pk).exists():
            n += 1
            key = f"{base}-{n}"
        return key


class InstitutionAlias(models.Model):
    """Another spelling of an institution's name, as printed in a source."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=255)
    folded_name = FoldedField(of=["name"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="unique_alias_per_institution")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        super().save(*args, update_fields=with_folded_fields(InstitutionAlias, update_fields), **kwargs)


class Librarian(models.Model):
    """A partner librarian's account; staff link it to an institution once they have checked it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="librarian")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="librarians",
        verbose_name=_("institution"),
        help_text=_(
            "Set once staff have checked that the librarian works there; they then see its requests."
        ),
    )
    library_named = models.CharField(
        _("library named at registration"), max_length=255, help_text=_("As the librarian typed it.")
    )
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner librarian")
        verbose_name_plural = _("partner librarians")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} <{self.user.email}>"

    @property
    def is_confirmed(self):
        return self.email_confirmed_at is not None


class LibraryUser(models.Model):
    """A user in Korea who asks NLK to borrow material from abroad; active once the email is confirmed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_user")
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), max_length=2000, blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    # The privacy notice the user agreed to at registration (settings.PRIVACY_NOTICE_VERSION), and when.
    privacy_notice_version = models.CharField(
        _("privacy notice agreed to"), max_length=20, blank=True, default="", db_default=""
    )
    privacy_consent_at = models.DateTimeField(_("privacy consent given"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("library user in Korea")
        verbose_name_plural = _("library users in Korea")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} <{self.user.email}>"

    @property
    def is_confirmed(self):
        return self.email_confirmed_at is not None


# A peer's security code: what it sends in header/requestingAgencyAuthentication/securityCode.
MIN_CODE_LENGTH = 24
CODE_SCHEME = "hmac-sha256"
# Hashed in place of a peer's code when the agency is no peer, so that answer takes as long as any other.
_NO_PEER_HASH = ""


def new_security_code() -> str:
    """A fresh security code for a peer to send: 43 random URL-safe characters."""
    return secrets.token_urlsafe(32)


def _digest(salt: bytes, code: str) -> bytes:
    return hmac.new(salt, code.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()


def hash_security_code(code: str) -> str:
    """The code as kept: `hmac-sha256$<salt>$<digest>`, a salted HMAC-SHA256 (cheap to check, unlike a
    password hasher, since every message is checked; a code of 24 random characters needs no stretching)."""
    if len(code) < MIN_CODE_LENGTH:
        raise ValidationError(
            _("A security code has at least %(count)d characters."), params={"count": MIN_CODE_LENGTH}
        )
    salt = secrets.token_bytes(16)
    return f"{CODE_SCHEME}${salt.hex()}${_digest(salt, code).hex()}"


def security_code_matches(code: str | None, kept: str) -> bool:
    """Whether `code` is the code `kept` is the hash of, compared in constant time. A missing code or
    hash still costs one hash, so a refusal takes as long whatever was missing."""
    scheme, _dollar, rest = (kept or "").partition("$")
    salt_hex, _dollar, digest_hex = rest.partition("$")
    try:
        salt, digest = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        salt, digest = b"", b""
    known = scheme == CODE_SCHEME and len(salt) == 16 and len(digest) == 32
    if not known:
        salt, digest = b"\0" * 16, b"\0" * 32
    matches = hmac.compare_digest(_digest(salt, code or ""), digest)
    return matches and known and code is not None


def read_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The client networks written one a line or separated by commas or spaces (CIDR, e.g. 192.0.2.0/24;
    a bare address is a network of one). Raises ValueError naming the first that is no network."""
    networks = []
    for item in (text or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(item) from None
    return networks


def address_in_networks(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return any(ip in network or (mapped is not None and mapped in network) for network in networks)


class Iso18626PeerQuerySet(models.QuerySet):
    def with_agency(self, id_type, value):
        """The peer with this agency id (e.g. ISIL, DK-710100): type and value, each compared without case."""
        return self.filter(agency_id_type__iexact=id_type.strip(), agency_id_value__iexact=value.strip())

    def authenticated(self, id_type, value, *, account_id, security_code, address, now=None):
        """The peer with this agency id, when the account id and security code are its own and the
        address is in its client networks; else None. Every refusal does the same work (an unknown
        agency's code is hashed all the same), so how long it takes tells nothing of which peers exist."""
        peer = self.with_agency(id_type, value).select_related("institution").first()
        if peer is None:
            security_code_matches(security_code, _NO_PEER_HASH)
            security_code_matches(security_code, _NO_PEER_HASH)
            return None
        return peer if peer.authenticates(account_id, security_code, address, now=now) else None


class Iso18626Peer(models.Model):
    """An institution's ILL system (ReShare, Alma, Koha, a broker) that exchanges ISO 18626 messages with NLK.

    Only a registered peer's messages are answered OK; NLK's own messages go to its endpoint
    while messages to it are on.
    """

    institution = models.OneToOneField(
        Institution,
        on_delete=models.PROTECT,
        related_name="iso18626_peer",
        verbose_name=_("institution"),
    )
    agency_id_type = models.CharField(
        _("agency id type"), max_length=50, default="ISIL", help_text=_("Usually ISIL.")
    )
    agency_id_value = models.CharField(
        _("agency id"), max_length=100, help_text=_("As the peer's messages carry it, e.g. DK-710100.")
    )
    endpoint_url = models.URLField(
        _("ISO 18626 endpoint"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where NLK posts its messages to this peer."),
    )
    messages_on = models.BooleanField(
        _("messages to it are on"),
        default=True,
        help_text=_("Off: NLK's messages to this peer are kept and sent once this is on again."),
    )
    account_id = models.CharField(
        _("account id"),
        max_length=100,
        blank=True,
        help_text=_("What the peer sends as its accountId in every message's requestingAgencyAuthentication."),
    )
    code_hash = models.CharField(_("security code (hashed)"), max_length=200, blank=True, editable=False)
    previous_code_hash = models.CharField(
        _("previous security code (hashed)"), max_length=200, blank=True, editable=False
    )
    previous_code_valid_until = models.DateTimeField(
        _("previous code valid until"),
        null=True,
        blank=True,
        help_text=_("The code replaced last is still taken until then, so the peer can switch without a gap."),
    )
    client_networks = models.TextField(
        _("client networks"),
        blank=True,
        help_text=_(
            "The networks the peer posts from, in CIDR (e.g. 192.0.2.0/24), one a line; "
            "empty: any address."
        ),
    )
    send_account_id = models.CharField(
        _("account id NLK sends"),
        max_length=100,
        blank=True,
        help_text=_("The accountId the peer gave NLK, carried by every message NLK sends it."),
    )
    send_security_code = models.CharField(
        _("security code NLK sends"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The securityCode the peer gave NLK, carried by every message NLK sends it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = Iso18626PeerQuerySet.as_manager()

    class Meta:
        ordering = ["agency_id_type", "agency_id_value"]
        verbose_name = _("ISO 18626 peer")
        verbose_name_plural = _("ISO 18626 peers")
        permissions = [
            ("change_iso18626_peer_credentials", _("Can change ISO 18626 peers' endpoints, codes and networks")),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("agency_id_type"), Lower("agency_id_value"), name="one_peer_per_agency_id"
            )
        ]

    def __str__(self):
        return f"{self.agency_symbol} ({self.institution})"

    @property
    def agency_symbol(self):
        """The agency id written TYPE:VALUE, as the setting ILL_ISO18626_AGENCY writes NLK's."""
        return f"{self.agency_id_type}:{self.agency_id_value}"

    @property
    def has_code(self):
        return bool(self.code_hash)

    def set_security_code(self, code: str, *, previous_valid_until=None) -> None:
        """Keep `code` (hashed) as the code the peer must send. The code it replaces stays valid until
        `previous_valid_until` (none: it is refused at once)."""
        new_hash = hash_security_code(code)
        if previous_valid_until is not None and self.code_hash:
            self.previous_code_hash = self.code_hash
            self.previous_code_valid_until = previous_valid_until
        else:
            self.previous_code_hash, self.previous_code_valid_until = "", None
        self.code_hash = new_hash

    def generate_security_code(self, *, previous_valid_until=None) -> str:
        """A new code for the peer, kept hashed; returned in clear to be told to the peer once."""
        code = new_security_code()
        self.set_security_code(code, previous_valid_until=previous_valid_until)
        return code

    def authenticates(self, account_id, security_code, address, *, now=None) -> bool:
        """Whether a message with this account id and code, posted from `address`, is this peer's."""
        now = now or timezone.now()
        current = security_code_matches(security_code, self.code_hash)
        previous_valid = bool(self.previous_code_hash) and (
            self.previous_code_valid_until is not None and now < self.previous_code_valid_until
        )
        previous = security_code_matches(security_code, self.previous_code_hash) and previous_valid
        account = hmac.compare_digest(
            (account_id or "").encode("utf-8", "surrogatepass"), self.account_id.encode("utf-8")
        )
        account = account and bool(self.account_id)
        networks = read_networks(self.client_networks) if self.client_networks.strip() else None
        place = networks is None or address_in_networks(address, networks)
        return (current or previous) and account and place

    def clean(self):
        try:
            networks = read_networks(self.client_networks)
        except ValueError as error:
            raise ValidationError(
                {"client_networks": _("%(value)s is not a network (e.g. 192.0.2.0/24).") % {"value": error}}
            ) from None
        self.client_networks = "\n".join(str(network) for network in networks)
        self.agency_id_type = self.agency_id_type.strip()
        self.agency_id_value = self.agency_id_value.strip()
        if ":" in self.agency_id_type:
            raise ValidationError({"agency_id_type": _("The type is the part before the colon, e.g. ISIL.")})
        others = Iso18626Peer.objects.with_agency(self.agency_id_type, self.agency_id_value).exclude(pk=self.pk)
        if self.agency_id_value and others.exists():
            raise ValidationError({"agency_id_value": _("Another peer has this agency id.")})
        if self.endpoint_url and (problem := endpoint_problem(self.endpoint_url)):
            raise ValidationError({"endpoint_url": problem})


def endpoint_problem(url):
    """Why NLK may not post to `url` (the setting ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS), or None."""
    policy = endpoints.Policy.from_settings()
    if not policy.require_public:
        return None
    try:
        policy.resolve(url)
    except endpoints.EndpointRefused as refused:
        if refused.reason == refused.NOT_HTTPS:
            return _("The endpoint must be an https address.")
        if refused.reason == refused.NOT_ALLOWED:
            return _(
                "The endpoint's host is on an address NLK may not send to (a local, private or reserved "
                "network). A partner on the library's own network can be allowed by the portal's administrators."
            )
        return _("Enter a valid http or https address.")
    except OSError:
        return _("The endpoint's host name could not be found.")
    return None
