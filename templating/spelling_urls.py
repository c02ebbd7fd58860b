from django.urls import path

from templating.spelling_views import DictionaryView, DocumentSpellcheckView, SpellcheckView

urlpatterns = [
    path("spellcheck/", SpellcheckView.as_view(), name="spellcheck"),
    path("spellcheck/dictionary/", DictionaryView.as_view(), name="spellcheck-dictionary"),
    path(
        "documents/<int:pk>/spellcheck/",
        DocumentSpellcheckView.as_view(),
        name="document-spellcheck",
    ),
]
