"""CRM records, their pipelines and custom fields.

A record's custom values live in its `fields` object keyed by the definition's code; a list
field stores the id of an item of its `FieldList`, so definitions sharing one list (a lead's and
those its conversion made) show a renamed item everywhere. Who sees a record is its owner, the
principals of its `RecordShare` rows and administrators (`crm.selectors`).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction


class Entity(models.TextChoices):
    LEAD = "lead", "Lead"
    CONTACT = "contact", "Contact"
    COMPANY = "company", "Company"
    DEAL = "deal", "Deal"


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    CONVERTED = "converted", "Converted"
    JUNK = "junk", "Junk"


class FieldType(models.TextChoices):
    STRING = "string", "String"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    BOOLEAN = "boolean", "Boolean"
    LIST = "list", "List"


class Pipeline(models.Model):
    """A deal direction: deals move through its ordered stages."""

    name = models.CharField(max_length=255, unique=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_pipeline",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=255)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["pipeline", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "code"], name="unique_stage_code"),
        ]

    def __str__(self) -> str:
        return f"{self.pipeline_id}:{self.code}"


class FieldList(models.Model):
    """The items of one or more list fields (shared by a lead's field and its copies)."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"list {self.pk}"


class ListItem(models.Model):
    field_list = models.ForeignKey(FieldList, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(max_length=255)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["field_list", "position", "id"]

    def __str__(self) -> str:
        return self.label


class FieldDefinition(models.Model):
    entity = models.CharField(max_length=16, choices=Entity.choices)
    code = models.SlugField(max_length=64)
    label = models.CharField(max_length=255)
    type = models.CharField(max_length=16, choices=FieldType.choices)
    required = models.BooleanField(default=False)
    field_list = models.ForeignKey(
        FieldList, null=True, blank=True, on_delete=models.PROTECT, related_name="definitions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "code"], name="unique_field_code"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}.{self.code}"


class CrmRecord(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-id"]


class Company(CrmRecord):
    title = models.CharField(max_length=255)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=64, blank=True)

    class Meta(CrmRecord.Meta):
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.title


class Contact(CrmRecord):
    name = models.CharField(max_length=255)
    last_name = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )

    def __str__(self) -> str:
        return f"{self.name} {self.last_name}".strip()


class Lead(CrmRecord):
    title = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    company_title = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    # What its conversion made (kept although those records may be deleted later).
    converted_at = models.DateTimeField(null=True, blank=True)
    converted_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_deal = models.ForeignKey(
        "Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.title


class Deal(CrmRecord):
    title = models.CharField(max_length=255)
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )

    def __str__(self) -> str:
        return self.title


class DealItem(models.Model):
    """A line of a deal (goods or a service): what templates fill table rows with."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)
    # quantity x unit price, rounded to cents when the line is written
    amount = models.DecimalField(max_digits=20, decimal_places=2)

    class Meta:
        ordering = ["deal", "position", "id"]

    def __str__(self) -> str:
        return self.name


class RecordShare(models.Model):
    """One principal (`group:<name>`, `role:<name>`, `user:<name>`) a record is shared with."""

    entity = models.CharField(max_length=16, choices=Entity.choices)
    record_id = models.BigIntegerField()
    principal = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["entity", "principal", "record_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "record_id", "principal"], name="unique_record_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity}:{self.record_id} -> {self.principal}"


# Typed loosely: django-stubs gives an abstract model's subclasses no common manager.
MODELS: dict[str, Any] = {
    Entity.LEAD: Lead,
    Entity.CONTACT: Contact,
    Entity.COMPANY: Company,
    Entity.DEAL: Deal,
}

DEFAULT_PIPELINE_NAME = "Sales"
DEFAULT_STAGES = (
    ("new", "New"),
    ("in_progress", "In progress"),
    ("won", "Won"),
    ("lost", "Lost"),
)


def default_pipeline() -> Pipeline:
    """The default pipeline; a migration makes it, and this makes it again if it is gone (a test
    database flushed between tests loses the migration's rows). Of callers making it at once,
    one does and the others, refused by the one-default constraint, read it."""
    pipeline = Pipeline.objects.filter(is_default=True).first()
    if pipeline is not None:
        return pipeline
    try:
        with transaction.atomic():
            pipeline = Pipeline.objects.create(name=DEFAULT_PIPELINE_NAME, is_default=True)
            Stage.objects.bulk_create(
                Stage(pipeline=pipeline, code=code, name=name, position=position)
                for position, (code, name) in enumerate(DEFAULT_STAGES)
            )
    except IntegrityError:
        return Pipeline.objects.get(is_default=True)
    return pipeline


# What a lead's own edit may set; `converted` and `junk` come from its actions.
WRITABLE_LEAD_STATUSES = [
    (LeadStatus.NEW.value, LeadStatus.NEW.label),
    (LeadStatus.IN_PROGRESS.value, LeadStatus.IN_PROGRESS.label),
]


# What a record is called, per kind: the fields search indexes with the documents linked to it
# (`search.records`), and whose change queues those documents' reindex.
NAME_FIELDS: dict[str, tuple[str, ...]] = {
    Entity.LEAD: ("title", "name", "last_name", "company_title"),
    Entity.CONTACT: ("name", "last_name"),
    Entity.COMPANY: ("title",),
    Entity.DEAL: ("title",),
}


def record_names(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The names of the CRM records among (kind, id) pairs, one query per kind; records that do
    not exist (any more) are left out."""
    wanted: dict[str, set[int]] = {}
    for kind, record_id in pairs:
        if kind in NAME_FIELDS:
            wanted.setdefault(kind, set()).add(int(record_id))
    names: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        fields = NAME_FIELDS[kind]
        for row in MODELS[kind].objects.filter(pk__in=ids).values("pk", *fields):
            parts = [row[name] for name in fields if row[name]]
            names[(kind, row["pk"])] = " ".join(parts)
    return names
