"""Catalog admin: services with their versions; drafts are edited, published versions only read.

Actions: publish a draft, draft a new version, export a service as YAML; an import page takes a YAML file.
Every write goes through `simpul.catalog.services` (which audits it).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from simpul.catalog.models import Service, ServiceVersion, VersionStatus
from simpul.catalog.services import (
    VERSION_FIELDS,
    CatalogImportError,
    service_export_yaml,
    service_import_yaml,
    service_search_reindex,
    service_version_draft_from,
    service_version_publish,
    service_version_update,
)
from simpul.core.admin import AuditedModelAdmin

EDITABLE_FIELDS = (*VERSION_FIELDS, "agency", "routing_agency")


class ServiceVersionInline(admin.TabularInline):
    model = ServiceVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("number", "status", "name_id", "agency", "published_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImportForm(forms.Form):
    file = forms.FileField(label=_("YAML file"), help_text=_("A file written by the export action."))


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ("code", "current_name", "current_agency", "current_number", "is_active")
    list_filter = ("is_active", "current_version__kind", "current_version__agency")
    search_fields = ("code", "versions__name_id", "versions__name_en")
    readonly_fields = ("current_version", "export_link")
    inlines = [ServiceVersionInline]
    actions = ["export_yaml", "new_draft"]
    change_list_template = "admin/catalog/service/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return super().get_queryset(request).select_related("current_version__agency")

    def save_model(self, request: HttpRequest, obj: Service, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "keywords" in form.changed_data:
            service_search_reindex(service=obj)  # the versions' search text reads the service's search words

    @admin.display(description=_("name"))
    def current_name(self, obj: Service) -> str:
        return obj.current_version.name if obj.current_version else "—"

    @admin.display(description=_("agency"))
    def current_agency(self, obj: Service) -> str:
        return str(obj.current_version.agency) if obj.current_version else "—"

    @admin.display(description=_("version"))
    def current_number(self, obj: Service) -> str:
        return str(obj.current_version.number) if obj.current_version else "—"

    @admin.display(description=_("export"))
    def export_link(self, obj: Service) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:catalog_service_export", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download as YAML"))

    def get_urls(self) -> list[Any]:
        extra = [
            path("<int:pk>/export/", self.admin_site.admin_view(self.export_view), name="catalog_service_export"),
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_service_import"),
        ]
        return extra + super().get_urls()

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        service = Service.objects.get(pk=pk)
        if not self.has_view_permission(request, service):
            return HttpResponse(status=403)
        response = HttpResponse(service_export_yaml(service=service), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{service.code}.yaml"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                service = service_import_yaml(text=text, actor=request.user)
            except UnicodeDecodeError:
                errors = [str(_("The file is not UTF-8 text."))]
            except CatalogImportError as failed:
                errors = list(failed.messages)
            else:
                self.message_user(request, _("Imported service {code}.").format(code=service.code))
                return HttpResponseRedirect(reverse("admin:catalog_service_change", args=[service.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "title": _("Import a service from YAML"), "opts": self.model._meta}
        return TemplateResponse(request, "admin/catalog/service/import.html", context)

    @admin.action(description=_("Export the selected service as YAML"))
    def export_yaml(self, request: HttpRequest, queryset: QuerySet[Service]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one service to export."), messages.WARNING)
            return None
        service = queryset.get()
        return self.export_view(request, service.pk)

    @admin.action(description=_("Draft a new version from the current one"))
    def new_draft(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset.select_related("current_version"):
            source = service.current_version or service.versions.order_by("-number").first()
            if source is None:
                continue
            try:
                draft = service_version_draft_from(version=source, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("Draft {draft} created.").format(draft=draft))


@admin.register(ServiceVersion)
class ServiceVersionAdmin(AuditedModelAdmin):
    list_display = ("service", "number", "status", "name_id", "kind", "audience", "agency", "published_at")
    list_filter = ("status", "kind", "audience", "agency")
    search_fields = ("service__code", "name_id", "name_en")
    list_select_related = ("service", "agency")
    actions = ["publish", "new_draft"]
    fieldsets = (
        (None, {"fields": ("service", "number", "status", "published_at")}),
        (_("What citizens see"), {"fields": ("name_id", "name_en", "description_id", "description_en", "kind",
                                             "audience", "requires_account")}),
        (_("Responsibility, fee and time"), {"fields": (
            "agency", "legal_basis", "fee_rupiah", "fee_note_id", "fee_note_en", "sla_working_days",
            "sla_extension_days", "retention_days")}),
        (_("Form, documents and workflow"), {"fields": (
            "form", "documents", "workflow", "complaint_category", "routing_agency")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: ServiceVersion | None = None) -> Any:
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in ServiceVersion._meta.fields if f.name not in ("id", "search_text")]
        return ["number", "status", "published_at"]

    def has_delete_permission(self, request: HttpRequest, obj: ServiceVersion | None = None) -> bool:
        return obj is not None and obj.status == VersionStatus.DRAFT and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ServiceVersion, form: Any, change: bool) -> None:
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
            if fields:
                updated = service_version_update(version=obj, actor=request.user, **fields)
                obj.pk = updated.pk
            return
        obj.number = (ServiceVersion.objects.filter(service=obj.service).aggregate(m=Max("number"))["m"] or 0) + 1
        obj.status = VersionStatus.DRAFT
        obj.full_clean()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ServiceVersion]) -> None:
        for version in queryset:
            try:
                service_version_publish(version=version, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("Published {version}.").format(version=version))

    @admin.action(description=_("Draft a new version from the selected one"))
    def new_draft(self, request: HttpRequest, queryset: QuerySet[ServiceVersion]) -> None:
        for version in queryset:
            try:
                draft = service_version_draft_from(version=version, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("Draft {draft} created.").format(draft=draft))
