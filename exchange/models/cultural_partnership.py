"""The Cultural Partnership Program: its yearly cohorts and their participants."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .fields import institution_field, year_field


class PartnershipCohort(models.Model):
    """One row of the program's table: the librarians who trained together."""

    position = models.PositiveSmallIntegerField(_("row in the table"), unique=True)
    year = year_field(_("year"), null=True, blank=True, unique=True, help_text=_("Leave empty if not known."))
    training_weeks = models.PositiveSmallIntegerField(_("weeks of training"), default=14)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("Cultural Partnership cohort")
        verbose_name_plural = _("Cultural Partnership cohorts")

    def __str__(self):
        return str(self.year or _("Year not stated"))


class PartnershipParticipant(models.Model):
    """A visiting librarian, known by their library."""

    cohort = models.ForeignKey(
        PartnershipCohort, on_delete=models.CASCADE, related_name="participants", verbose_name=_("cohort")
    )
    institution = institution_field("partnership_participants")
    country = CountryField(_("country"))

    class Meta:
        ordering = ["cohort", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "institution"], name="one_participant_per_library_and_cohort"
            )
        ]

    def __str__(self):
        return f"{self.institution} ({self.cohort})"
