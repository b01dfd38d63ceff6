from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderCategory, ReminderChannel


def field_name(category: str, channel: str) -> str:
    # Email keeps the original names, so forms and links from before the IM channels still work.
    return f"category_{category}" if channel == ReminderChannel.EMAIL else f"category_{category}_{channel}"


class PreferencesForm(forms.Form):
    reminder_opt_in = forms.BooleanField(label=_("Send me reminders"), required=False)

    def __init__(self, *args, categories: list[str], channels: list[str], opted_out: set[tuple[str, str]],
                 opted_in: bool, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["reminder_opt_in"].initial = opted_in
        self.categories, self.channels = categories, channels
        for category in categories:
            for channel in channels:
                label = ReminderCategory(category).label if len(channels) == 1 else ReminderChannel(channel).label
                self.fields[field_name(category, channel)] = forms.BooleanField(
                    label=label, required=False, initial=(category, channel) not in opted_out)

    def choices_on(self) -> set[tuple[str, str]]:
        return {(category, channel) for category in self.categories for channel in self.channels
                if self.cleaned_data.get(field_name(category, channel))}

    def category_fields(self) -> list:
        """With one channel: one checkbox per category."""
        return [self[field_name(c, self.channels[0])] for c in self.categories]

    def category_groups(self) -> list[tuple[str, list]]:
        """With several channels: per category, one checkbox per channel."""
        return [(ReminderCategory(c).label, [self[field_name(c, channel)] for channel in self.channels])
                for c in self.categories]
