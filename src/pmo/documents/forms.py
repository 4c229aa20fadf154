from __future__ import annotations

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .filetypes import ACCEPTED
from .models import Document
from .services import DOCUMENT_FIELDS

FILE_HELP = f"{ACCEPTED}; the content must match the extension"


class DocumentForm(VersionedForm):
    class Meta:
        model = Document
        fields = list(DOCUMENT_FIELDS)
        widgets = {"review_date": DATE, "retain_until": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_for_choice()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class UploadForm(DocumentForm):
    """A new document: its metadata and the first file."""

    file = forms.FileField(help_text=FILE_HELP, allow_empty_file=True)
    note = forms.CharField(label="Note", max_length=500, required=False,
                           help_text="what this version is (optional)")

    def __init__(self, *args, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{FILE_HELP}; at most {max_mb} MB"
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["note"].widget.attrs["class"] = "form-control"


class VersionForm(forms.Form):
    """A new version of a document."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(help_text=FILE_HELP, allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    note = forms.CharField(label="What changed", max_length=500, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
