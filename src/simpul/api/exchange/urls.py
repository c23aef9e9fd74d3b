"""URLs of the agency exchange and the webhook management API (included from simpul.api.urls)."""

from django.urls import path

from simpul.api.exchange import views
from simpul.api.exchange import webhook_views as hooks

urlpatterns = [
    path("agency/cases/", views.CaseListApi.as_view(), name="agency-cases-list"),
    path("agency/cases/<str:reference>/", views.CaseDetailApi.as_view(), name="agency-cases-detail"),
    path("agency/cases/<str:reference>/actions/", views.CaseActionApi.as_view(), name="agency-cases-action"),
    path("agency/cases/<str:reference>/documents/", views.CaseDocumentApi.as_view(), name="agency-cases-documents"),
    path("agency/cases/<str:reference>/dispositions/", views.DispositionCreateApi.as_view(),
         name="agency-cases-dispose"),
    path("agency/cases/<str:reference>/dispositions/accept/", views.DispositionAcceptApi.as_view(),
         name="agency-cases-disposition-accept"),
    path("agency/cases/<str:reference>/dispositions/return/", views.DispositionReturnApi.as_view(),
         name="agency-cases-disposition-return"),
    path("webhooks/event-types/", hooks.EventTypeListApi.as_view(), name="webhooks-event-types"),
    path("webhooks/subscriptions/", hooks.SubscriptionListApi.as_view(), name="webhooks-subscriptions"),
    path("webhooks/subscriptions/<int:pk>/", hooks.SubscriptionDetailApi.as_view(), name="webhooks-subscription"),
    path("webhooks/subscriptions/<int:pk>/deliveries/", hooks.DeliveryListApi.as_view(),
         name="webhooks-deliveries"),
    path("webhooks/deliveries/<int:pk>/resend/", hooks.DeliveryResendApi.as_view(), name="webhooks-resend"),
]
