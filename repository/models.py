from django.conf import settings
from django.db import models


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ARCHIVED = "archived", "Archived"


class TextStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class TextSource(models.TextChoices):
    TEXT = "text", "Text layer"
    OCR = "ocr", "OCR"


class Folder(models.Model):
    name = models.CharField(max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="folders"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_folder_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentType(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    metadata_schema = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    title = models.CharField(max_length=500)
    document_type = models.ForeignKey(
        DocumentType, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    folder = models.ForeignKey(
        Folder, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="documents")
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents"
    )
    current_version = models.OneToOneField(
        "Version", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registration_number = models.CharField(max_length=64, null=True, blank=True, unique=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locked_documents",
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Owner rights: the folder column lets the owned-documents count stay in the index.
            models.Index(fields=["owner", "is_deleted", "folder"], name="document_owner_idx"),
            models.Index(fields=["folder", "is_deleted"]),
            models.Index(fields=["status"]),
            # Covers the ACL-trimmed count: the visibility filter reads only these columns, so
            # counting scans this narrow index instead of the table.
            models.Index(fields=["is_deleted", "folder", "owner"], name="document_visibility_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.locked_by_id is not None


class FolderCount(models.Model):
    """Live (not trashed) documents directly in a folder, kept by database triggers.

    Lets a permission-trimmed count add up whole folders instead of scanning documents
    (`permissions.counts`). `repository.counts` holds the triggers and the rebuild.
    """

    folder = models.OneToOneField(
        Folder, primary_key=True, on_delete=models.CASCADE, related_name="document_count"
    )
    live_documents = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.folder_id}: {self.live_documents}"


class Version(models.Model):
    """An immutable version; its bytes live in the blob store under `blob_key(sha256)`."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_error = models.CharField(max_length=500, blank=True)
    # Where the text came from once it is read: the file's own text, or OCR of its pages.
    text_source = models.CharField(max_length=8, choices=TextSource.choices, blank=True)
    ocr_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class RenditionKind(models.TextChoices):
    SEARCHABLE_PDF = "searchable_pdf", "Searchable PDF"
    OFFICE_PDF = "office_pdf", "Office file as PDF"
    THUMBNAIL = "thumbnail", "Thumbnail"
    PREVIEW = "preview", "Page preview"


class RenditionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Rendition(models.Model):
    """A file derived from a version (its OCR'd PDF, a page picture), stored as a blob by hash.

    The row exists from the moment the rendition is asked for (`pending`), so a second request
    does not queue the work twice and a client is told to come back (Retry-After).
    """

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=16, choices=RenditionKind.choices)
    page = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=8, choices=RenditionStatus.choices, default=RenditionStatus.PENDING
    )
    error = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.BigIntegerField(default=0)
    mime_type = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind", "page"], name="unique_rendition_per_page"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.kind} {self.page}"


class LinkTarget(models.TextChoices):
    DOCUMENT = "document", "Document"
    LEAD = "lead", "Lead"
    CONTACT = "contact", "Contact"
    COMPANY = "company", "Company"
    DEAL = "deal", "Deal"


class DocumentLink(models.Model):
    """A relation from a document to another document or to a CRM record."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    target_type = models.CharField(max_length=16, choices=LinkTarget.choices)
    target_id = models.BigIntegerField()
    relation = models.CharField(max_length=32, default="related")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "target_type", "target_id", "relation"],
                name="unique_document_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.relation} {self.target_type}:{self.target_id}"


class IndexOutbox(models.Model):
    """One pending (re)index of a document, written in the transaction of the change.

    Written through `repository.outbox` by whatever changes a document's index record, drained
    by search (`search.indexer`), which deletes the rows it has completed. While the engine is
    down rows stay, with their attempts and the moment of the next try. A row whose document the
    engine refuses, or whose record cannot be built, is set aside (`set_aside_at`, the reason in
    `last_error`): it is not tried again, and the next successful index of that document
    removes it. The table keeps the name it had in the search app.
    """

    document_id = models.BigIntegerField(db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    set_aside_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "search_indexoutbox"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"outbox #{self.pk}: document {self.document_id}"


class HoldTarget(models.TextChoices):
    DOCUMENT = "document", "Document"
    FOLDER = "folder", "Folder"


class LegalHold(models.Model):
    """A hold on a document or a folder (and all below it): nothing under it may be deleted.

    A hold is lifted, never deleted, so the list shows the whole history. The table keeps the
    name it had in the audit app.
    """

    object_type = models.CharField(max_length=16, choices=HoldTarget.choices)
    object_id = models.BigIntegerField()
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audit_legalhold"
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "lifted_at"],
                name="audit_legal_object__29f8fd_idx",
            )
        ]

    def __str__(self) -> str:
        return f"hold on {self.object_type}:{self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class TextSignature(models.Model):
    """The MinHash signature of a version's extracted text (`repository.minhash`).

    Written once the text is read; a text too short to compare gets a row without a signature,
    so the backfill knows it was looked at. Its LSH bands are `SignatureBand` rows.
    """

    version = models.OneToOneField(
        Version, primary_key=True, on_delete=models.CASCADE, related_name="text_signature"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    minhashes = models.BinaryField(null=True)  # PERMUTATIONS little-endian uint32, or None
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"signature of version {self.version_id}"


class SignatureBand(models.Model):
    """One LSH band of a signature: texts sharing a band are candidates.

    The band's number is hashed into `band_hash` (`repository.minhash.band_hashes`), so one
    indexed `band_hash IN (...)` finds every text sharing any band; `band_no` says which.
    """

    signature = models.ForeignKey(TextSignature, on_delete=models.CASCADE, related_name="bands")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    band_no = models.PositiveSmallIntegerField()
    band_hash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band_hash"], name="signature_band_idx")]

    def __str__(self) -> str:
        return f"band {self.band_no} of version {self.signature_id}"
