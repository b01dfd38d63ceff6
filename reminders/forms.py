from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderCategory


class PreferencesForm(forms.Form):
    reminder_opt_in = forms.BooleanField(label=_("Send me reminder emails"), required=False)

    def __init__(self, *args, offered: list[str], opted_out: set[str], opted_in: bool, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["reminder_opt_in"].initial = opted_in
        self.offered = offered
        for category in offered:
            self.fields[f"category_{category}"] = forms.BooleanField(
                label=ReminderCategory(category).label, required=False, initial=category not in opted_out)

    def categories_on(self) -> set[str]:
        return {c for c in self.offered if self.cleaned_data.get(f"category_{c}")}

    def category_fields(self) -> list:
        return [self[f"category_{c}"] for c in self.offered]
