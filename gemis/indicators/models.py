"""Indicators, their data and their targets.

The shapes follow the usual aggregate-statistics design (as in DHIS2):

* a :class:`DataElement` is one thing counted ("births", "deputies elected"),
  broken down by a :class:`CategoryCombo` (sex; sex × age group…) into cells,
  one :class:`CategoryOptionCombo` each;
* a :class:`DataValue` is one number for one data element × cell × unit × period,
  attached to the unit it was reported for, with who/when, a comment, a version
  and its history;
* an :class:`Indicator` is a formula over data elements: a count, or a numerator
  over a denominator times 100 (percentage, sex ratio at birth) or 1000. Its
  numerator and denominator are lists of *terms* (``{"element": "0101.numerator",
  "options": {"sex": "female"}, "weight": 1}``), summed separately over the units
  and periods asked for before the ratio is taken (see ``aggregate.py``);
* a :class:`Target` is what an indicator should reach in a year (≥, ≤, a range,
  "about"), nationally (Nghị quyết 28/NQ-CP) or for one unit.

The catalog (categories, data elements, indicators, periods, datasets) is
shared by everyone: ``ACCESS_PUBLIC``. Values, locks and exceptions, local
targets and succession shares belong to a unit (``ACCESS_UNIT_FIELD``).

A sex-disaggregated data element has two cells, male and female; its total is
their sum, computed, never stored (a form's "Tổng số" column is checked
against them by ``validation.py``). A data element entered without breakdown
has the single cell ``default``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gemis.core import numbers
from gemis.core.versioning import VersionedModel
from gemis.orgs.models import OrgUnit, UnitSuccession

# --------------------------------------------------------------------------- categories


class Category(VersionedModel):
    """A dimension of disaggregation (phân tổ): sex, age group, ethnicity, urban/rural."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    history = HistoricalRecords()

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CategoryOption(VersionedModel):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("category option")
        verbose_name_plural = _("category options")
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="category_option_unique")]

    def __str__(self) -> str:
        return self.name


class CategoryCombo(VersionedModel):
    """The breakdown of a data element: no category ("default"), sex, sex × age group…"""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True)
    history = HistoricalRecords()

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("category combination")
        verbose_name_plural = _("category combinations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CategoryOptionCombo(models.Model):
    """One cell of a combination: "female", "female|15-24", or "default" (no breakdown).

    Generated from the combination's categories by ``catalog.ensure_option_combos``;
    nobody edits them by hand, so no version or history.
    """

    combo = models.ForeignKey(CategoryCombo, on_delete=models.CASCADE, related_name="option_combos")
    code = models.CharField(_("code"), max_length=200)
    name = models.CharField(_("name"), max_length=300)
    options = models.ManyToManyField(CategoryOption, blank=True, related_name="option_combos")
    #: {"sex": "female", "age_group": "15-24"}: the options by category code, for fast matching.
    option_codes = models.JSONField(default=dict)

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("category option combination")
        verbose_name_plural = _("category option combinations")
        ordering = ["combo", "pk"]
        constraints = [models.UniqueConstraint(fields=["combo", "code"], name="category_option_combo_unique")]

    def __str__(self) -> str:
        return self.name

    def matches(self, options: dict[str, str]) -> bool:
        """Does this cell fall under the filter ``{"sex": "female"}``? An empty filter takes every cell."""
        return all(self.option_codes.get(cat) == opt for cat, opt in options.items())


# --------------------------------------------------------------------------- periods


class PeriodType(models.TextChoices):
    YEAR = "year", _("Year")
    HALF_YEAR = "half_year", _("Half-year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


# From the coarsest to the finest: a year's value is made from the coarsest type present.
PERIOD_TYPE_ORDER = [PeriodType.YEAR, PeriodType.HALF_YEAR, PeriodType.QUARTER, PeriodType.MONTH]

_PERIOD_CODE = re.compile(r"^(\d{4})(?:(H[12])|(Q[1-4])|-(0[1-9]|1[0-2]))?$")


def parse_period_code(code: str) -> tuple[str, dt.date, dt.date]:
    """ "2024" → (year, 1/1/2024, 31/12/2024); also "2024H1", "2024Q3", "2024-05"."""
    match = _PERIOD_CODE.match(code.strip())
    if not match:
        raise ValueError(f"not a period code: {code!r} (expected 2024, 2024H1, 2024Q3 or 2024-05)")
    year = int(match.group(1))
    if match.group(2):
        half = int(match.group(2)[1])
        first_month, months, kind = 6 * half - 5, 6, PeriodType.HALF_YEAR
    elif match.group(3):
        quarter = int(match.group(3)[1])
        first_month, months, kind = 3 * quarter - 2, 3, PeriodType.QUARTER
    elif match.group(4):
        first_month, months, kind = int(match.group(4)), 1, PeriodType.MONTH
    else:
        first_month, months, kind = 1, 12, PeriodType.YEAR
    start = dt.date(year, first_month, 1)
    end_month = first_month + months  # the month after the period
    end = (dt.date(year + 1, 1, 1) if end_month > 12 else dt.date(year, end_month, 1)) - dt.timedelta(days=1)
    return kind, start, end


class Period(models.Model):
    """A reporting period with a stable code: 2024, 2024H1, 2024Q3, 2024-05."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=PeriodType.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start", "-end"]
        indexes = [models.Index(fields=["type", "start"])]

    def __str__(self) -> str:
        return self.code

    @property
    def year(self) -> int:
        return self.start.year

    @classmethod
    def get(cls, code: str) -> Period:
        """The period of ``code``, created on first use."""
        kind, start, end = parse_period_code(code)
        period, _created = cls.objects.get_or_create(
            code=code.strip(), defaults={"type": kind, "start": start, "end": end}
        )
        return period

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


# --------------------------------------------------------------------------- data elements and indicators


class TimeAggregation(models.TextChoices):
    SUM = "sum", _("Sum over the period (a flow: births, cases)")
    LAST = "last", _("Last value of the period (a stock: deputies, population)")


class DataElement(VersionedModel):
    code = models.CharField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    # What one is counts in, for the officer who types it ("người", "trẻ", "cơ quan", "giờ/ngày").
    unit_label = models.CharField(_("unit of count"), max_length=60, blank=True, default="")
    category_combo = models.ForeignKey(
        CategoryCombo, verbose_name=_("disaggregation"), on_delete=models.PROTECT, related_name="+"
    )
    time_aggregation = models.CharField(
        _("over time"), max_length=4, choices=TimeAggregation.choices, default=TimeAggregation.SUM
    )
    is_integer = models.BooleanField(_("whole numbers only"), default=True)
    min_value = models.FloatField(_("lowest allowed value"), null=True, blank=True, default=0)
    max_value = models.FloatField(_("highest allowed value"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class IndicatorGroup(VersionedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    history = HistoricalRecords()

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Count")
    SUM = "sum", _("Sum")
    PERCENTAGE = "percentage", _("Percentage (numerator / denominator × 100)")
    RATIO = "ratio", _("Ratio (numerator / denominator)")
    PER_100 = "per_100", _("Per 100 (e.g. boys per 100 girls)")
    PER_1000 = "per_1000", _("Per 1,000")
    PER_100000 = "per_100000", _("Per 100,000 (e.g. maternal deaths per 100,000 live births)")
    VALUE = "value", _("Reported value (not added up across units)")


MULTIPLIERS: dict[str, float] = {
    IndicatorKind.PERCENTAGE: 100.0,
    IndicatorKind.RATIO: 1.0,
    IndicatorKind.PER_100: 100.0,
    IndicatorKind.PER_1000: 1000.0,
    IndicatorKind.PER_100000: 100000.0,
}
RATIO_KINDS = frozenset(MULTIPLIERS)


class Periodicity(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half_year", _("Half-yearly")
    YEAR = "year", _("Yearly")
    TWO_YEARS = "two_years", _("Every two years")
    FIVE_YEARS = "five_years", _("Every five years")
    TEN_YEARS = "ten_years", _("Every ten years")
    OTHER = "other", _("Other")


def validate_terms(terms: Any) -> None:
    """A formula side is a list of ``{"element": code, "options": {cat: opt}, "weight": number}``."""
    if not isinstance(terms, list):
        raise ValidationError(_("A formula must be a list of terms."))
    for term in terms:
        if not isinstance(term, dict) or not isinstance(term.get("element"), str):
            raise ValidationError(_("Each term of a formula names a data element."))
        if not isinstance(term.get("options", {}), dict):
            raise ValidationError(_("The category filter of a term must map categories to options."))
        if not isinstance(term.get("weight", 1), int | float):
            raise ValidationError(_("The weight of a term must be a number."))


class Indicator(VersionedModel):
    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("e.g. 0101"))
    group = models.ForeignKey(
        IndicatorGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    formula_text = models.TextField(_("formula (as written)"), blank=True)
    unit_label = models.CharField(_("unit of measure"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind.choices)
    catalog_kind = models.CharField(
        _("kind in the catalog"), max_length=20, blank=True, help_text=_("As the source file says.")
    )
    numerator = models.JSONField(_("numerator"), default=list, validators=[validate_terms])
    denominator = models.JSONField(_("denominator"), default=list, blank=True, validators=[validate_terms])
    periodicity = models.CharField(
        _("periodicity"), max_length=12, choices=Periodicity.choices, default=Periodicity.YEAR
    )
    periodicity_text = models.CharField(_("periodicity (as written)"), max_length=200, blank=True)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    disaggregation_text = models.TextField(_("disaggregation (as written)"), blank=True)
    source = models.TextField(_("data source"), blank=True)
    responsible_agency = models.TextField(_("responsible agency"), blank=True)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_national = models.BooleanField(_("national indicator"), default=False)
    # Gender-based violence figures: small counts are hidden below province level (DESIGN).
    sensitive = models.BooleanField(
        _("sensitive (small counts hidden below province level)"),
        default=False,
        help_text=_("Gender-based violence figures: counts of 1 to 4 are not shown below a province."),
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("owning unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_indicators",
        help_text=_("The unit whose coordinators defined this local indicator."),
    )
    history = HistoricalRecords()

    # The national catalog (no unit) is read by every member; a local indicator, like every unit-owned
    # row, by its unit, the units above it and the units below it that report into it — not by another
    # province that guesses its code. Who may edit a local one: ``permissions.may_change_indicator``.
    ACCESS_UNIT_FIELD = "owner_unit"
    ACCESS_UNIT_OPTIONAL = True
    ACCESS_PUBLISHED_DOWN = True

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_national=True, owner_unit__isnull=True)
                | models.Q(is_national=False, owner_unit__isnull=False),
                name="indicator_national_or_owned",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def multiplier(self) -> float | None:
        return MULTIPLIERS.get(self.kind)

    @property
    def is_ratio(self) -> bool:
        return self.kind in RATIO_KINDS

    def element_codes(self) -> set[str]:
        return {t["element"] for t in [*self.numerator, *self.denominator]}


# --------------------------------------------------------------------------- values


class DataValue(VersionedModel):
    """One number, attached for good to the unit it was reported for."""

    # Few indexes on purpose, for the speed of loading millions of values: the unique index
    # (unit, period, element, cell) serves every read and the unit's foreign key; the element's
    # index serves "has this element values". Deleting a period, a cell or a user (rare) scans.
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    option_combo = models.ForeignKey(
        CategoryOptionCombo, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="data_values", db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_index=False)
    value = models.FloatField(_("value"))
    comment = models.TextField(_("comment"), blank=True, default="", db_default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now, db_default=Now())
    history = HistoricalRecords()

    ACCESS_UNIT_FIELD = "org_unit"
    # The focal points of the unit's own agencies enter its values (not those of the units below).
    ACCESS_OWN_UNIT_CHANGE = True
    # A former unit's series is backfilled by the coordinators of the unit that succeeded it.
    ACCESS_FORMER_UNITS_CHANGE = {"coordinator"}

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            # Unit first: every read is "these units, these periods, these elements".
            models.UniqueConstraint(
                fields=["org_unit", "period", "data_element", "option_combo"], name="data_value_unique"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.data_element_id}/{self.option_combo_id}@{self.org_unit_id}/{self.period_id}={self.value}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with the totals of every unit above, in one transaction (``indicators.rollups``).

        A value that is not a storable number (NaN, infinite, beyond ``numbers.MAX_MAGNITUDE``)
        raises ``numbers.NumberError`` and nothing is written."""
        self.value = numbers.check_value(self.value)
        with transaction.atomic():
            # The rollups' receivers lock the old row before the write and move the difference after it.
            super().save(*args, **kwargs)


class ValueRollup(models.Model):
    """The sum of the values of every unit strictly below ``org_unit``, kept up to date on save.

    :mod:`gemis.indicators.rollups` keeps it right inside the transaction that
    writes a value (one value saved or deleted, or ``load_values``), so a saved
    value shows in its province total at once; ``rollups.rebuild_rollups``
    recomputes it from the values (after a raw bulk load or a change of the unit tree).
    """

    # The unique index serves every read; deleting an element, period or cell (rare) scans.
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+", db_index=False)
    option_combo = models.ForeignKey(
        CategoryOptionCombo, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    value = models.FloatField(default=0)
    count = models.IntegerField(default=0, help_text="number of values summed; 0 means no data")

    ACCESS_UNIT_FIELD = "org_unit"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "period", "data_element", "option_combo"], name="value_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Σ below {self.org_unit_id}: {self.value} ({self.count})"


class SuccessionShare(VersionedModel):
    """The share of a legacy unit's values that goes to one of its successors (a split commune).

    Without shares a legacy unit's values go wholly to its default successor.
    When a legacy unit has shares, they are used instead; they should add up to 1.
    """

    succession = models.OneToOneField(UnitSuccession, on_delete=models.CASCADE, related_name="share")
    share = models.FloatField(_("share"), help_text=_("Between 0 and 1, e.g. 0.4 for 40 %."))
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("Where the share comes from."))
    history = HistoricalRecords()

    ACCESS_UNIT_FIELD = "succession__successor"

    class Meta:
        verbose_name = _("succession share")
        verbose_name_plural = _("succession shares")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share__gte=0, share__lte=1), name="succession_share_between_0_and_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.succession}: {self.share:.0%}"


# --------------------------------------------------------------------------- datasets and locking


class Dataset(VersionedModel):
    """What a unit enters for each period of a type (a form), and until when."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    period_type = models.CharField(
        _("period type"), max_length=10, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    data_elements = models.ManyToManyField(
        DataElement, verbose_name=_("data elements"), related_name="datasets"
    )
    required_elements = models.ManyToManyField(
        DataElement,
        verbose_name=_("required data elements"),
        blank=True,
        related_name="required_in_datasets",
        help_text=_("Every cell of these must be filled."),
    )
    open_days_after_period = models.PositiveIntegerField(
        _("open days after the period ends"),
        null=True,
        blank=True,
        help_text=_("Entry closes this many days after the end of the period; empty: no automatic lock."),
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("owning unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_datasets",
        help_text=_("Empty for a national form; else the unit whose local indicators it collects."),
    )
    history = HistoricalRecords()

    # A national form (no unit) is read by every member; a unit's own form (its local indicators)
    # by that unit, the units below it that report into it, and those above.
    ACCESS_UNIT_FIELD = "owner_unit"
    ACCESS_UNIT_OPTIONAL = True
    ACCESS_PUBLISHED_DOWN = True

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RuleOperator(models.TextChoices):
    EQUAL = "==", "="
    AT_MOST = "<=", "≤"
    AT_LEAST = ">=", "≥"


class ValidationRule(VersionedModel):
    """A check across the cells of a form: ``left`` (terms) operator ``right`` (terms)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="validation_rules")
    name = models.CharField(_("name"), max_length=200)
    left = models.JSONField(_("left side"), validators=[validate_terms])
    operator = models.CharField(_("operator"), max_length=2, choices=RuleOperator.choices)
    right = models.JSONField(_("right side"), validators=[validate_terms])
    message = models.CharField(
        _("message"), max_length=300, blank=True, help_text=_("Shown when the rule fails; in Vietnamese.")
    )
    history = HistoricalRecords()

    ACCESS_PUBLIC = True

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["dataset", "name"]

    def __str__(self) -> str:
        return self.name


class PeriodLock(VersionedModel):
    """A deadline set by a coordinator: after ``lock_after`` the units below no longer enter the period."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="locks")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("for the units under"), on_delete=models.CASCADE, related_name="+"
    )
    lock_after = models.DateField(_("last day of entry"))
    history = HistoricalRecords()

    ACCESS_UNIT_FIELD = "org_unit"

    class Meta:
        verbose_name = _("period lock")
        verbose_name_plural = _("period locks")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "period", "org_unit"], name="period_lock_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.period} — {self.org_unit}: {self.lock_after}"


class LockException(VersionedModel):
    """A coordinator reopens a locked period for one unit (and the units below it) until a date."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="lock_exceptions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    until = models.DateField(_("open until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_UNIT_FIELD = "org_unit"
    # A former unit's periods are reopened for backfilling by its successor's coordinators (orgs/access.py).
    ACCESS_FORMER_UNITS_CHANGE = {"coordinator"}

    class Meta:
        verbose_name = _("lock exception")
        verbose_name_plural = _("lock exceptions")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "period", "org_unit"], name="lock_exception_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.period} — {self.org_unit} ≤ {self.until}"


# --------------------------------------------------------------------------- targets


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    RANGE = "range", _("within a range")
    ABOUT = "about", _("about")


class Target(VersionedModel):
    """What an indicator should reach in a year, nationally (no unit) or for one unit.

    National targets (Nghị quyết 28/NQ-CP) have no unit: every member reads them,
    only superusers change them (``ACCESS_UNIT_OPTIONAL``); a unit's own targets
    are read by the units below it (``ACCESS_PUBLISHED_DOWN = True``).
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_targets",
        help_text=_("Empty for a national target."),
    )
    code = models.CharField(_("code"), max_length=40, blank=True, help_text=_("e.g. NQ28-2.3"))
    year = models.PositiveSmallIntegerField(_("target year"))
    comparator = models.CharField(_("comparator"), max_length=5, choices=Comparator.choices)
    value = models.FloatField(_("target value"), null=True, blank=True)
    low = models.FloatField(_("lower bound"), null=True, blank=True)
    high = models.FloatField(_("upper bound"), null=True, blank=True)
    text = models.TextField(_("target (as written)"), blank=True)
    name_en = models.TextField(_("target (English)"), blank=True)
    unit_label = models.CharField(_("unit of measure"), max_length=120, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    citation = models.CharField(_("source citation"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    ACCESS_UNIT_FIELD = "org_unit"
    # National targets (no unit) are a catalog every member reads and only superusers change;
    # a unit's own targets are read by the units below it, which work towards them.
    ACCESS_UNIT_OPTIONAL = True
    ACCESS_PUBLISHED_DOWN = True

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator__code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org_unit", "year"],
                condition=models.Q(org_unit__isnull=False),
                name="target_unique_per_unit_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(org_unit__isnull=True),
                name="target_unique_national_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(comparator="range") | models.Q(low__isnull=False, high__isnull=False),
                name="target_range_has_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code or self.indicator.code} {self.year}"

    @property
    def is_national(self) -> bool:
        return self.org_unit_id is None


class NationalTargetManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(org_unit__isnull=True)


class NationalTarget(Target):
    """The national targets (no unit); the access rule reads them as Target's unit-less catalog."""

    objects = NationalTargetManager()

    class Meta:
        proxy = True
        verbose_name = _("national target")
        verbose_name_plural = _("national targets")


class FormCompletion(VersionedModel):
    """A unit says its form for a period is entered in full (``indicators.completion``): the cells a
    figure needs are all there, so the units above may count on it."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="completions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)
    history = HistoricalRecords()

    ACCESS_UNIT_FIELD = "org_unit"

    class Meta:
        verbose_name = _("completed form")
        verbose_name_plural = _("completed forms")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "period", "org_unit"], name="form_completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.period} — {self.org_unit}"
