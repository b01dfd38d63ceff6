from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course


class CohortForm(forms.Form):
    SOURCES = [("departments", _("Whole departments")), ("manager", _("A manager's team")),
               ("upload", _("Upload a CSV or XLSX list of emails"))]
    name = forms.CharField(label=_("Cohort name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.ChoiceField(label=_("Members from"), choices=SOURCES, widget=forms.RadioSelect)
    departments = forms.MultipleChoiceField(label=_("Departments"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    manager = forms.ModelChoiceField(label=_("Manager"), required=False,
                                     queryset=User.objects.filter(reports__isnull=False).distinct())
    upload = forms.FileField(label=_("File (first column or a column named email)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = (User.objects.exclude(department="").order_by("department")
                       .values_list("department", flat=True).distinct())
        self.fields["departments"].choices = [(d, d) for d in departments]

    def clean(self):
        data = super().clean()
        needed = {"departments": "departments", "manager": "manager", "upload": "upload"}.get(data.get("source"))
        if needed and not data.get(needed):
            self.add_error(needed, _("Required for this way of choosing members."))
        return data


class RetrainingForm(forms.Form):
    """A due date from today on: retraining after a material change."""

    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due


class AssignForm(RetrainingForm):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(archived_at__isnull=True))
    field_order = ["course", "due_date"]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=200)


class ExtensionForm(forms.Form):
    new_due_date = forms.DateField(label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class OfflineCreditForm(forms.Form):
    prefix = "offline"  # the learner page also shows an extension form with a "reason" field
    title = forms.CharField(label=_("Training"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Credit hours"), min_value=Decimal("0.01"), max_value=Decimal(24),
                               max_digits=4, decimal_places=2)
    category = forms.CharField(label=_("Category"), max_length=50)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("The session cannot be in the future."))
        return held_on
class ExamTimeForm(forms.Form):
    """Extra minutes for one learner on one timed exam (accessibility); 0 withdraws them."""

    module = forms.IntegerField(widget=forms.HiddenInput)
    extra_minutes = forms.IntegerField(label=_("Extra minutes"), min_value=0, max_value=600)
    reason = forms.CharField(label=_("Reason"), max_length=300)
