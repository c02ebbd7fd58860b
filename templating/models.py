"""The organisation's own words, never flagged by the spell-checker, and the generation counter
that tells every process when they changed."""

from django.conf import settings
from django.db import models


class DictionaryWord(models.Model):
    """A word of the organisation's dictionary: a name or a product term, any language."""

    word = models.CharField(max_length=100)
    # The form lookups use (composed accents, lower case): one entry per form.
    key = models.CharField(max_length=100, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.word


class DictionaryGeneration(models.Model):
    """One row; `value` takes a new random value with every change of the dictionary, in the
    same transaction, so a process holding the words in memory knows with one query whether
    they are current."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"dictionary generation {self.value}"
