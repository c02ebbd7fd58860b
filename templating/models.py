"""Document templates (.docx with Jinja tags), their versions and what each render used.

A template's bytes are content-addressed blobs in the document store, as documents' are. A new
upload makes a new version; the template shows its current one. Each render records the version
it filled, so a generated document can be traced to the exact template text behind it.
"""

from django.conf import settings
from django.db import models


class DocumentTemplate(models.Model):
    name = models.CharField(max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    current_version = models.ForeignKey(
        "TemplateVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    template = models.ForeignKey(
        DocumentTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The variables the version reads, as dotted paths (`deal.title`, `today`).
    variables = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="unique_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"


class RenderFormat(models.TextChoices):
    DOCX = "docx", "Word (.docx)"
    PDF = "pdf", "PDF"


class TemplateRender(models.Model):
    """One filling of a template version: who, in which format, from which CRM records, and
    the document it was saved as (none when the file was only handed back)."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="renders")
    rendered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rendered_at = models.DateTimeField(auto_now_add=True)
    format = models.CharField(max_length=8, choices=RenderFormat.choices)
    records = models.JSONField(default=dict, blank=True)
    document = models.ForeignKey(
        "repository.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"render {self.pk} of {self.version}"
