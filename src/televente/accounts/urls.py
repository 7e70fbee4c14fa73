from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/", views.profile, name="profile"),
    path("compte/preferences/", views.preferences_update, name="preferences"),
    path("compte/mot-de-passe/", views.password_change, name="password_change"),
    path("compte/cles-api/", views.token_create, name="token_create"),
    path("compte/cles-api/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
    path("equipe/", views.my_team, name="my_team"),
    path("equipes/<int:pk>/", views.team_detail, name="team_detail"),
]
