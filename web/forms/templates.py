"""Forms of the template pages: uploading a template or a version, generating a document."""

from django import forms

from templating.models import RenderFormat


class TemplateUploadForm(forms.Form):
    name = forms.CharField(label="Name", max_length=255)
    file = forms.FileField(label="File", help_text="A Word document (.docx) with Jinja tags.")


class TemplateVersionForm(forms.Form):
    file = forms.FileField(label="File", help_text="The new .docx; renders from now on use it.")


class GenerateForm(forms.Form):
    template = forms.TypedChoiceField(label="Template", coerce=int, choices=())
    format = forms.ChoiceField(
        label="Format", choices=RenderFormat.choices, initial=RenderFormat.DOCX
    )
    title = forms.CharField(
        label="Title", max_length=500, required=False, help_text="The template's name if empty."
    )
    folder = forms.TypedChoiceField(
        label="Folder", coerce=int, choices=(), required=False, empty_value=None
    )

    def __init__(
        self,
        *args: object,
        templates: list[tuple[int, str]],
        folders: list[tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["folder"].choices = [("", "Top level"), *(folders or [])]  # type: ignore[attr-defined]
        self.fields["template"].choices = [("", "Choose a template"), *templates]  # type: ignore[attr-defined]
