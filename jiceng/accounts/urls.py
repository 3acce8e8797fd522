from django.urls import path

from jiceng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("inbox/", views.notifications, name="notifications"),
    path("notifications/", views.notification_settings, name="notification_settings"),
]
