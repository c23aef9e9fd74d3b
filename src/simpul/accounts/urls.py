from django.urls import path

from simpul.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("daftar/", views.register_choice, name="register"),
    path("daftar/warga/", views.register_citizen, name="register_citizen"),
    path("daftar/usaha/", views.register_business, name="register_business"),
    path("verifikasi/", views.otp_verify, name="otp_verify"),
    path("verifikasi/pasang/", views.otp_setup, name="otp_setup"),
    path("saya/", views.my_account, name="my_account"),
    path("saya/ubah/", views.profile_edit, name="profile_edit"),
    path("saya/data/", views.my_data, name="my_data"),
    path("sandi/lupa/", views.password_reset, name="password_reset"),
    path("sandi/lupa/terkirim/", views.password_reset_done, name="password_reset_done"),
    path("sandi/atur/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("undangan/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("sandi/atur/selesai/", views.password_reset_complete, name="password_reset_complete"),
]
