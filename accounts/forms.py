from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's signup form; allauth calls signup() after creating the user."""

    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data.get("display_name", "")
        user.department = self.cleaned_data.get("department", "")
        user.save(update_fields=["display_name", "department"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "department", "employee_no", "timezone", "language", "reminder_opt_in"]
        widgets = {"language": forms.Select(choices=[("zh-hans", "简体中文"), ("en", "English")])}
