"""Input and output serializers of the agency exchange API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from simpul.api.serializers import StrictFieldsMixin
from simpul.cases.permissions import contact_display, identity_masked, masked_answer_names
from simpul.core.http.serializers import BASE64_PATTERN

MASK = "••••"


class AgencyCaseSummarySerializer(serializers.Serializer):
    reference = serializers.CharField()
    service_code = serializers.CharField()
    kind = serializers.CharField()
    workflow = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    agency = serializers.CharField(source="agency.code")
    channel = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class AgencyCaseListSerializer(serializers.Serializer):
    results = AgencyCaseSummarySerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True, help_text="Pass as `cursor` for the next page; null at the end.")


class AgencyCaseHistorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.CharField()
    actor = serializers.CharField(source="actor_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    public_note = serializers.CharField()
    internal_note = serializers.CharField()


class AgencyCaseDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    spec_code = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    round = serializers.IntegerField()
    is_result = serializers.BooleanField()
    uploaded_at = serializers.DateTimeField()


class AgencyDispositionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_agency = serializers.CharField(source="from_agency.code")
    to_agency = serializers.CharField(source="to_agency.code")
    status = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class AgencyCaseDetailSerializer(AgencyCaseSummarySerializer):
    applicant_name = serializers.SerializerMethodField(
        help_text="The applicant's name; for a confidential or anonymous reporter only that word.")
    phone = serializers.SerializerMethodField(help_text="Empty or masked for a confidential or anonymous reporter.")
    email = serializers.SerializerMethodField(help_text="Empty or masked for a confidential or anonymous reporter.")
    identity = serializers.CharField(help_text="`open`, `confidential` or `anonymous` (SP4N-LAPOR!).")
    desa = serializers.CharField(source="desa.code", allow_null=True, default=None)
    answers = serializers.SerializerMethodField(
        help_text="The form answers; NIK and KK numbers are masked, and so is a protected reporter's identity.")
    history = AgencyCaseHistorySerializer(many=True, source="history_rows")
    documents = AgencyCaseDocumentSerializer(many=True, source="document_rows")
    dispositions = AgencyDispositionSerializer(many=True, source="disposition_rows")
    allowed_actions = serializers.ListField(child=serializers.CharField(), source="allowed_action_codes")

    # What the client sees of the reporter is decided by `simpul.cases.permissions`, as for every page.
    def get_applicant_name(self, case: Any) -> str:
        return contact_display(case)["name"]

    def get_phone(self, case: Any) -> str:
        return contact_display(case)["phone"] if identity_masked(case) else str(case.phone or "")

    def get_email(self, case: Any) -> str:
        return contact_display(case)["email"] if identity_masked(case) else str(case.email or "")

    def get_answers(self, case: Any) -> dict[str, Any]:
        hidden = masked_answer_names(case)
        return {k: (MASK if k in hidden or (isinstance(v, str) and v.startswith("enc:")) else v)
                for k, v in (case.form_data or {}).items()}


class AgencyActionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    action = serializers.CharField(max_length=40, help_text="A workflow action, e.g. `verify`, `process`, `approve`.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                 help_text="Message to the applicant; required for some actions (e.g. `reject`).")


class AgencyDocumentInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """A document sent as JSON: its content in base64."""

    spec_code = serializers.CharField(max_length=60, required=False, default="attachment")
    filename = serializers.CharField(max_length=200, required=False, default="")
    content_base64 = serializers.RegexField(BASE64_PATTERN, help_text="The file as base64.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AgencyDocumentUploadInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """A document sent as multipart/form-data: the file itself."""

    spec_code = serializers.CharField(max_length=60, required=False, default="attachment")
    filename = serializers.CharField(max_length=200, required=False, default="")
    file = serializers.FileField(help_text="The file.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AgencyDispositionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    to_agency = serializers.SlugField(max_length=60, help_text="Code of the agency to forward the case to.")
    reason = serializers.CharField(max_length=5000)


class AgencyDecisionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                 help_text="Required when returning a case.")


class AgencyActionOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    agency = serializers.CharField()
