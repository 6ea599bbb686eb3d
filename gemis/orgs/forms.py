"""Forms of the orgs screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.template import loader
from django.utils.translation import gettext_lazy as _

from gemis.core.forms import BootstrapFormMixin
from gemis.core.versioning import VersionedModelForm
from gemis.orgs import access, password_reset
from gemis.orgs.models import Agency, Membership, OrgUnit, Role, User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username/e-mail or password is not correct. Check that Caps Lock is off and try again."
        ),
        "inactive": _("This account has been deactivated. Contact your unit's administrator."),
    }


class GemisPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass


class ForgotPasswordForm(BootstrapFormMixin, PasswordResetForm):
    """The address to send a reset link to; the e-mail goes out through a background task."""

    email = forms.EmailField(
        label=_("E-mail address of your account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Type the e-mail address of your GEMIS account."),
            "invalid": _("This is not an e-mail address. Check it, e.g. ten.ho@quangngai.gov.vn."),
        },
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        password_reset.send_reset_email.enqueue(subject, body, to_email)


class NewPasswordForm(BootstrapFormMixin, SetPasswordForm):
    """The new password, typed twice, on the page the e-mailed link opens."""


class StandingAgencyForm(VersionedModelForm):
    class Meta:
        model = OrgUnit
        fields = ["standing_agency"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standing_agency"].queryset = Agency.objects.filter(
            org_unit=self.instance, valid_to__isnull=True
        ).order_by("name")


class UserForm(VersionedModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "email", "position", "phone", "is_active"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if "@" in username:
            # Sign-in reads a login with "@" as an e-mail address: such a username could never sign in.
            raise forms.ValidationError(_("A username cannot contain “@”. Use letters, digits and . _ -"))
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _(
                    "Another account already uses this username (upper and lower case count as the "
                    "same letter). Choose another username."
                )
            )
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email


class NewUserForm(UserForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters, not a word repeated. The person can change it after signing in."
        ),
    )
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.FOCAL_POINT)

    class Meta(UserForm.Meta):
        fields = ["username", "full_name", "email", "position", "phone"]

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = manageable_agencies(manager)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, User(username=self.data.get("username", "")))
        return password

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        user.save()
        Membership.objects.create(
            user=user, agency=self.cleaned_data["agency"], role=self.cleaned_data["role"]
        )
        return user


class MembershipForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["agency", "role"]

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = manageable_agencies(manager)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            self.instance.user_id
            and Membership.objects.filter(
                user_id=self.instance.user_id, agency=data.get("agency"), role=data.get("role")
            ).exists()
        ):
            raise forms.ValidationError(_("This person already has that role in that agency."))
        return data


def manageable_agencies(manager: User):
    return access.filter_for(
        manager, Agency.objects.filter(valid_to__isnull=True).select_related("org_unit"), access.Action.MANAGE
    ).order_by("org_unit__path", "name")
