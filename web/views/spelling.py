"""The document page's Spelling section and the organisation's dictionary in administration.

The section costs the document page nothing: it holds a Language choice and a Check spelling
button, and the check runs when asked (htmx swaps the result into the section; without
JavaScript the button opens the result as a page). Both call the use cases the API calls
(`templating.proofing`), so the same 404, the same refusals and the same audit events hold.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.record import context_from
from permissions.access import get_document, require_admin
from repository.models import Document
from templating import proofing
from templating.spelling import LANGUAGES
from web.outcomes import ServiceError, only_for, service_error, show_on_form

LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Russian",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
}
PAGE_SIZE = 50
# The list of words with their suggestions stops here; every error is still marked in the text.
WORDS_LISTED = 200


LANGUAGE_CHOICES = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


def spelling_section(document: Document) -> dict[str, Any]:
    """The document page's context for the Spelling section: the choices only, as the check
    runs when asked."""
    return {"spelling_languages": LANGUAGE_CHOICES}


def _pieces(text: str, report: proofing.SpellingReport) -> list[dict[str, Any]]:
    """The text cut into plain runs and misspelled words, in order, for <mark>ing."""
    pieces: list[dict[str, Any]] = []
    at = 0
    for finding in report.errors:
        error = finding.misspelling
        if error.offset < at:
            continue
        if error.offset > at:
            pieces.append({"text": text[at : error.offset], "error": None})
        pieces.append({"text": error.word, "error": finding})
        at = error.offset + error.length
    if at < len(text):
        pieces.append({"text": text[at:], "error": None})
    return pieces


def _words(report: proofing.SpellingReport) -> list[dict[str, Any]]:
    """Each misspelled word once, with its suggestions and how often it occurs."""
    listed: dict[str, dict[str, Any]] = {}
    for finding in report.errors:
        error = finding.misspelling
        item = listed.get(error.word)
        if item is None:
            if len(listed) >= WORDS_LISTED:
                continue
            item = {
                "word": error.word,
                "suggestions": error.suggestions,
                "language": LANGUAGE_NAMES.get(finding.language, finding.language),
                "count": 0,
            }
            listed[error.word] = item
        item["count"] += 1
    return list(listed.values())


@require_GET
@login_required
def document_spelling(request: HttpRequest, pk: int) -> HttpResponse:
    """The check's result: the text with its errors marked, and the suggestions."""
    language = request.GET.get("language", "")
    context: dict[str, Any] = {
        "nav_area": "documents",
        "spelling_languages": LANGUAGE_CHOICES,
        "chosen_language": language,
    }
    status = 200
    try:
        report = proofing.check_document(
            context=context_from(request), document_id=pk, language=language or None
        )
    except ServiceError as error:
        outcome = service_error(error)  # raises Http404 for a document out of sight
        context["spelling_error"] = outcome.message
        status = outcome.status
    else:
        context.update(
            {
                "report": report,
                "language_name": LANGUAGE_NAMES.get(report.language, report.language),
                "pieces": _pieces(report.text, report),
                "words": _words(report),
            }
        )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/spelling/_result.html", context, status=status)
    # Without JavaScript the result is a page of its own (the document is visible: a hidden
    # one was the 404 page above).
    context["document"] = get_document(request.user, pk)
    return render(request, "web/spelling/result.html", context, status=status)


class WordForm(forms.Form):
    word = forms.CharField(label="Word", max_length=proofing.dictionary.MAX_LENGTH)


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def dictionary(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _dictionary_page(request, WordForm())
    form = WordForm(request.POST)
    if not form.is_valid():
        return _dictionary_page(request, form, status=400)
    try:
        entry = proofing.add_word(context=context_from(request), word=form.cleaned_data["word"])
    except ServiceError as refused:
        return _dictionary_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"{entry.word} added to the dictionary.")
    return redirect("administration-dictionary")


@require_POST
@only_for(require_admin)
def dictionary_remove(request: HttpRequest) -> HttpResponse:
    word = request.POST.get("word", "")
    try:
        proofing.remove_word(context=context_from(request), word=word)
    except ServiceError as refused:
        outcome = service_error(refused)  # raises Http404 for a word that is not there
        return _dictionary_page(request, WordForm(), status=outcome.status, error=outcome.message)
    messages.success(request, f"{word.strip()} removed from the dictionary.")
    return redirect("administration-dictionary")


def _dictionary_page(
    request: HttpRequest, form: WordForm, status: int = 200, error: str = ""
) -> HttpResponse:
    words = proofing.dictionary_words().select_related("added_by")
    context = {
        "nav_area": "administration",
        "admin_area": "dictionary",
        "form": form,
        "page": Paginator(words, PAGE_SIZE).get_page(request.GET.get("page")),
        "error": error,
    }
    return render(request, "web/spelling/dictionary.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("documents/<int:pk>/spelling/", document_spelling, name="document_spelling"),
    path("administration/dictionary/", dictionary, name="administration-dictionary"),
    path(
        "administration/dictionary/remove/",
        dictionary_remove,
        name="administration-dictionary-remove",
    ),
]
