from django import forms
from django.utils.translation import gettext_lazy as _

from courses.changes import REASON_MAX_LENGTH, ChangeNote
from courses.content.documents import MAX_FILE_BYTES
from courses.content.frontmatter import SLUG_RE
from courses.models import Change, Part

from .excel import MAX_FILE_BYTES as EXCEL_MAX_FILE_BYTES


class ModuleTextForm(forms.Form):
    text = forms.CharField(
        label=_("Module text (front matter, body and quiz)"), strip=False,
        widget=forms.Textarea(attrs={"rows": 32, "spellcheck": "false", "class": "editor-text",
                                     "autocapitalize": "off", "wrap": "off"}))
    base = forms.IntegerField(required=False, widget=forms.HiddenInput)
    change = forms.ChoiceField(label=_("What does publishing this change mean for people already trained?"),
                               choices=Change.choices, required=False, widget=forms.RadioSelect)
    change_reason = forms.CharField(label=_("Reason (required for a material change)"), required=False,
                                    max_length=REASON_MAX_LENGTH, widget=forms.TextInput(attrs={"size": 60}))

    def __init__(self, *args, module=None, publishing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module
        self.publishing = publishing

    def clean(self) -> dict:
        data = super().clean()
        if not self.publishing:
            return data
        if not data.get("change"):
            self.add_error("change", _("Choose whether this change is material or editorial before publishing."))
        elif data["change"] == Change.MATERIAL and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", _("Say in a few words what certified people must learn again."))
        else:
            data["change_note"] = ChangeNote(data["change"], data.get("change_reason") or "")
        return data

    def clean_base(self) -> int | None:
        """The revision the trainer started from must be one of this module's (the id is posted)."""
        base = self.cleaned_data.get("base")
        if base is not None and self.module is not None and not self.module.revisions.filter(pk=base).exists():
            raise forms.ValidationError(_("This form started from a revision of another module. Reload the "
                                          "editor and make your change again."))
        return base


class NewModuleForm(forms.Form):
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(label=_("Slug"), max_length=80, help_text=_(
        "Lowercase letters, digits and single hyphens, e.g. data-driven-decisions. It is the "
        "module's permanent identity and its web address."))

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = parts
        self.fields["part"].label_from_instance = lambda part: f"{part.order}. {part.title}"

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip()
        if not SLUG_RE.match(slug):
            raise forms.ValidationError(_("Use lowercase letters, digits and single hyphens only."))
        return slug


class MoveForm(forms.Form):
    part = forms.ModelChoiceField(label=_("Move to part"), queryset=Part.objects.none(), empty_label=None)

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = parts
        self.fields["part"].label_from_instance = lambda part: f"{part.order}. {part.title}"


class GiftForm(forms.Form):
    gift = forms.CharField(label=_("GIFT text"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false",
                                                        "class": "editor-text"}))
    file = forms.FileField(label=_("or a .gift / .txt file"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(_("The file is larger than 256 KB."))
            try:
                data["gift"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if not (data.get("gift") or "").strip():
            raise forms.ValidationError(_("Paste GIFT questions or choose a file."))
        return data


class ExcelForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx, from the template)"))
    target = forms.ChoiceField(label=_("Put the questions"), initial="module", widget=forms.RadioSelect,
                               choices=[("module", _("at the end of this module's quiz, in the editor")),
                                        ("bank", _("in a question bank file (_bank/…) to download"))])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > EXCEL_MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload
