"""The person's own account: sign-in (password, then the two-factor code), "Quên mật khẩu" (a new
password by e-mail link) and "Bảo mật tài khoản"."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from gemis.orgs import password_reset, security, twofactor
from gemis.orgs.forms import ForgotPasswordForm, LoginForm, NewPasswordForm
from gemis.orgs.requests import AuthenticatedRequest


class SignInView(LoginView):
    """Django's sign-in, stopping before the login when the person has a second factor."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        if twofactor.has_two_factor(user):
            twofactor.start_pending(self.request, user, self.get_success_url())
            return redirect("orgs:login-verify")
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["idle_expired"] = self.request.GET.get("expired") == "idle"
        return context


class ForgotPasswordView(PasswordResetView):
    """“Quên mật khẩu”: a reset link to the account's address; the same answer whether it exists or not."""

    form_class = ForgotPasswordForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("orgs:password_reset_done")

    def get_extra_email_context(self) -> dict[str, Any]:
        return {"link_base": password_reset.link_base(), "valid_hours": password_reset.valid_hours()}

    def form_valid(self, form: ForgotPasswordForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if not password_reset.allow_request(self.request, email):
            # Same page as a sent link: the limit says nothing about the address either.
            security.log_event("password_reset_throttled", request=self.request, login=email)
            return redirect(self.success_url)
        security.log_event("password_reset_requested", request=self.request, login=email)
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)

    def form_invalid(self, form: ForgotPasswordForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class NewPasswordView(PasswordResetConfirmView):
    """The page the e-mailed link opens: a new password, then the sign-in page (with the second factor)."""

    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("orgs:password_reset_complete")
    post_reset_login = False  # never: signing in after a reset asks for the second factor as always

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        security.log_event("password_reset_completed", user=form.user, request=self.request)
        return response

    def form_invalid(self, form: NewPasswordForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_not_required  # the second step of signing in: the password was right, the code is asked
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_verify(request: HttpRequest) -> HttpResponse:
    """Second step: the six-digit code from the app, or a recovery code."""
    found = twofactor.pending(request)
    if found is None:
        twofactor.clear_pending(request)
        messages.info(request, _("Please sign in again."))
        return redirect("orgs:login")
    user, data = found
    credentials = {"username": user.username, "stage": "otp"}
    if not AxesProxyHandler.is_allowed(request, credentials):
        twofactor.clear_pending(request)
        return get_lockout_response(request, None, credentials)
    error = ""
    if request.method == "POST":
        device = twofactor.verify(user, request.POST.get("code", ""))
        if device is not None:
            twofactor.clear_pending(request)
            auth_login(request, user, backend=data["backend"])
            otp_login(request, device)
            if device.persistent_id.startswith("otp_static"):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d are left. Create new ones under "
                        "“Account security” if you are running out."
                    )
                    % {"left": left},
                )
            return redirect(data.get("next") or "orgs:home")
        # A wrong code is a failed sign-in: axes counts it towards the lockout, the log records it.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            twofactor.clear_pending(request)
            return get_lockout_response(request, None, credentials)
        error = _(
            "The code is not correct. Type the 6 digits your authenticator app shows now, or a recovery code."
        )
    return render(request, "registration/login_verify.html", {"error": error}, status=400 if error else 200)


def account_security(request: AuthenticatedRequest) -> HttpResponse:
    """Turn two-factor sign-in on (QR code, confirm, recovery codes), renew the codes, or turn it off."""
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    context: dict = {}
    status = 200
    if action == "start":
        twofactor.start_enrolment(user)
        return redirect("orgs:account-security")
    if action == "confirm":
        device = twofactor.pending_device(user)
        codes = twofactor.confirm_enrolment(user, device, request.POST.get("code", "")) if device else None
        if codes is None:
            context["confirm_error"] = _(
                "The code is not correct. Check that the phone's clock is right and type the code shown now."
            )
            security.log_event("otp_failed", request=request, stage="enrolment")
            status = 400
        else:
            otp_login(request, twofactor.authenticator(user))
            security.log_event("two_factor_enabled", request=request)
            context["recovery_codes"] = codes
    elif action == "regenerate" and twofactor.has_two_factor(user):
        context["recovery_codes"] = twofactor.new_recovery_codes(user)
        security.log_event("recovery_codes_renewed", request=request)
    elif action == "disable" and twofactor.has_two_factor(user):
        if twofactor.is_required() and twofactor.needs_two_factor(user):
            messages.error(
                request, _("Two-factor sign-in is required for your role; it cannot be turned off.")
            )
            return redirect("orgs:account-security")
        if not user.check_password(request.POST.get("password", "")):
            context["disable_error"] = _("The password is not correct.")
            status = 400
        else:
            twofactor.disable(user)
            security.log_event("two_factor_disabled", request=request)
            messages.success(request, _("Two-factor sign-in has been turned off."))
            return redirect("orgs:account-security")
    enabled = twofactor.has_two_factor(user)
    pending = None if enabled and "recovery_codes" in context else twofactor.pending_device(user)
    context.update(
        {
            "enabled": enabled,
            "pending": pending,
            "qr_svg": twofactor.qr_svg(pending) if pending else "",
            "secret": twofactor.secret_text(pending) if pending else "",
            "codes_left": twofactor.recovery_codes_left(user) if enabled else 0,
            "required": twofactor.is_required() and twofactor.needs_two_factor(user),
            "meant_for_role": twofactor.needs_two_factor(user),
        }
    )
    return render(request, "registration/account_security.html", context, status=status)
