from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from gemis.orgs import views, views_account, views_jobs
from gemis.orgs.forms import GemisPasswordChangeForm

app_name = "orgs"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views_account.SignInView.as_view(), name="login"),
    path("login/verify/", views_account.login_verify, name="login-verify"),
    path("account/security/", views_account.account_security, name="account-security"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            form_class=GemisPasswordChangeForm, success_url=reverse_lazy("orgs:password_change_done")
        ),
        name="password_change",
    ),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # "Quên mật khẩu": Django's reset by e-mail link (gemis/orgs/password_reset.py says what GEMIS adds).
    path("password/forgot/", views_account.ForgotPasswordView.as_view(), name="password_reset"),
    path(
        "password/forgot/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views_account.NewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("units/", views.unit_list, name="unit-list"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/standing-agency/", views.unit_standing_agency, name="unit-standing-agency"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("manage/users/", views.user_list, name="user-list"),
    path("manage/users/new/", views.user_create, name="user-create"),
    path("manage/users/<int:pk>/", views.user_detail, name="user-detail"),
    path("manage/users/<int:pk>/memberships/", views.membership_add, name="membership-add"),
    path("manage/memberships/<int:pk>/remove/", views.membership_remove, name="membership-remove"),
    path("manage/agency-options/", views.agency_options, name="agency-options"),
    path("jobs/<uuid:pk>/", views_jobs.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/download/", views_jobs.job_download, name="job-download"),
]
