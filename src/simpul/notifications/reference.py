"""Default notification templates, in Indonesian and English, for every event Simpul sends.

Loaded into the `Template` table on every start (missing rows only: an admin's edits are kept). When a row
is missing or inactive, `notification_send` falls back to these texts, so notifications work before the
reference data is loaded. WhatsApp uses the SMS text. An SMS is never cut mid-word: a text that needs more than
`SIMPUL_SMS_MAX_PARTS` parts has its free text (the officer's note, then long names) shortened at a word
boundary (`simpul.notifications.sms_text`); the message log shows how many parts each SMS took.

`EVENT_VARIABLES` lists the context each event's callers pass (besides `site_name`, always set, and
`tracking_url`, which defaults to the portal's tracking page).
"""

from __future__ import annotations

from typing import Any

from simpul.notifications.models import Channel, Template

EVENT_VARIABLES: dict[str, tuple[str, ...]] = {
    "case.submitted": ("reference", "service_name", "due_date", "tracking_url"),
    "case.revision_requested": ("reference", "service_name", "reason", "tracking_url"),
    "case.resubmitted": ("reference", "service_name", "due_date", "tracking_url"),
    "case.approved": ("reference", "service_name", "tracking_url"),
    "case.rejected": ("reference", "service_name", "reason", "tracking_url"),
    "case.status_changed": ("reference", "service_name", "status", "tracking_url"),
    "case.forwarded": ("reference", "service_name", "agency_name", "due_date", "tracking_url"),
    "complaint.received": ("reference", "tracking_url"),
    "complaint.resolved": ("reference", "reason", "tracking_url"),
    "application.down_alert": ("application_name", "since", "status", "tracking_url"),
    "assessment.invitation": ("round_name", "due_date", "survey_url"),
    "staff.invitation": ("full_name", "agency_name", "invitation_url", "valid_days"),
    "draft.resume_link": ("service_name", "resume_url"),
}

# Events whose messages carry a link that is itself a key (it logs a person in, opens a draft or a questionnaire
# without an account): once the message is sent or has failed for good, the stored copy keeps no link, so whoever
# may read the message log (a superuser, a backup) cannot use it.
SECRET_LINK_EVENTS = frozenset({"staff.invitation", "draft.resume_link", "assessment.invitation"})

# Other names callers may use for a variable: filled in when the template's own name is missing.
CONTEXT_ALIASES: dict[str, tuple[str, ...]] = {
    "service_name": ("service",),
    "agency_name": ("agency",),
    "reason": ("note", "public_note"),
}
# A display value that wins over the raw one when given (a translated status label over the status code).
CONTEXT_DISPLAY_OVERRIDES: dict[str, str] = {"status": "status_label"}
# Variables holding a date: an ISO date string is turned into a date, formatted for the message's language.
DATE_VARIABLES = ("due_date",)

# event -> language -> {"subject", "email", "sms"}
DEFAULT_TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "case.submitted": {
        "id": {
            "subject": "Permohonan {{ reference }} diterima",
            "email": "Permohonan {{ service_name }} Anda sudah kami terima.\n\nNomor permohonan: {{ reference }}\n"
            "Perkiraan selesai: {{ due_date }}\n\nCek status kapan saja di {{ tracking_url }} dengan nomor "
            "permohonan dan PIN Anda.\n\n{{ site_name }}",
            "sms": "Permohonan {{ service_name }} diterima. No: {{ reference }}. Perkiraan selesai {{ due_date }}. "
            "Cek status: {{ tracking_url }}",
        },
        "en": {
            "subject": "Application {{ reference }} received",
            "email": "We have received your {{ service_name }} application.\n\nReference: {{ reference }}\n"
            "Expected by: {{ due_date }}\n\nCheck its status at any time at {{ tracking_url }} with your "
            "reference and PIN.\n\n{{ site_name }}",
            "sms": "{{ service_name }} application received. Ref {{ reference }}. Expected by {{ due_date }}. "
            "Status: {{ tracking_url }}",
        },
    },
    "case.revision_requested": {
        "id": {
            "subject": "Permohonan {{ reference }} perlu diperbaiki",
            "email": "Petugas meminta perbaikan untuk permohonan {{ service_name }} ({{ reference }}).\n\n"
            "Catatan petugas: {{ reason }}\n\nPerbaiki lewat {{ tracking_url }}. Waktu layanan berhenti sampai "
            "perbaikan Anda kirim.\n\n{{ site_name }}",
            "sms": "Permohonan {{ reference }} perlu diperbaiki: {{ reason }} "
            "Perbaiki di {{ tracking_url }}",
        },
        "en": {
            "subject": "Application {{ reference }} needs changes",
            "email": "The officer asks you to correct your {{ service_name }} application ({{ reference }}).\n\n"
            "Officer's note: {{ reason }}\n\nMake the changes at {{ tracking_url }}. The service clock is paused "
            "until you send them.\n\n{{ site_name }}",
            "sms": "Application {{ reference }} needs changes: {{ reason }} "
            "Fix it at {{ tracking_url }}",
        },
    },
    "case.resubmitted": {
        "id": {
            "subject": "Perbaikan permohonan {{ reference }} diterima",
            "email": "Perbaikan permohonan {{ service_name }} ({{ reference }}) sudah kami terima dan akan "
            "diperiksa lagi.\n\nPerkiraan selesai: {{ due_date }}\nCek status: {{ tracking_url }}\n\n{{ site_name }}",
            "sms": "Perbaikan permohonan {{ reference }} diterima. Perkiraan selesai {{ due_date }}. "
            "Cek status: {{ tracking_url }}",
        },
        "en": {
            "subject": "Changes to application {{ reference }} received",
            "email": "We have received the changes to your {{ service_name }} application ({{ reference }}); "
            "it will be checked again.\n\nExpected by: {{ due_date }}\nStatus: {{ tracking_url }}\n\n{{ site_name }}",
            "sms": "Changes to application {{ reference }} received. Expected by {{ due_date }}. "
            "Status: {{ tracking_url }}",
        },
    },
    "case.approved": {
        "id": {
            "subject": "Permohonan {{ reference }} selesai",
            "email": "Permohonan {{ service_name }} ({{ reference }}) sudah selesai dan disetujui.\n\n"
            "Lihat hasil dan cara mengambilnya di {{ tracking_url }}.\n\n{{ site_name }}",
            "sms": "Permohonan {{ reference }} ({{ service_name }}) selesai dan disetujui. "
            "{% if reason %}{{ reason }} {% endif %}Lihat hasilnya: {{ tracking_url }}",
        },
        "en": {
            "subject": "Application {{ reference }} approved",
            "email": "Your {{ service_name }} application ({{ reference }}) is complete and approved.\n\n"
            "See the result and how to collect it at {{ tracking_url }}.\n\n{{ site_name }}",
            "sms": "Application {{ reference }} ({{ service_name }}) approved. {% if reason %}{{ reason }} {% endif %}"
            "See the result: {{ tracking_url }}",
        },
    },
    "case.rejected": {
        "id": {
            "subject": "Permohonan {{ reference }} ditolak",
            "email": "Mohon maaf, permohonan {{ service_name }} ({{ reference }}) ditolak.\n\nAlasan: {{ reason }}"
            "\n\nRinciannya ada di {{ tracking_url }}. Anda boleh mengajukan permohonan baru.\n\n{{ site_name }}",
            "sms": "Permohonan {{ reference }} ditolak: {{ reason }} Rincian: {{ tracking_url }}",
        },
        "en": {
            "subject": "Application {{ reference }} rejected",
            "email": "We are sorry: your {{ service_name }} application ({{ reference }}) was rejected.\n\n"
            "Reason: {{ reason }}\n\nDetails are at {{ tracking_url }}. You may apply again.\n\n{{ site_name }}",
            "sms": "Application {{ reference }} rejected: {{ reason }} Details: {{ tracking_url }}",
        },
    },
    "case.status_changed": {
        "id": {
            "subject": "Status permohonan {{ reference }}: {{ status }}",
            "email": "Status permohonan {{ service_name }} ({{ reference }}) sekarang: {{ status }}.\n\n"
            "Cek rinciannya di {{ tracking_url }}.\n\n{{ site_name }}",
            "sms": "Status permohonan {{ reference }}: {{ status }}. Cek: {{ tracking_url }}",
        },
        "en": {
            "subject": "Application {{ reference }} status: {{ status }}",
            "email": "The status of your {{ service_name }} application ({{ reference }}) is now: {{ status }}."
            "\n\nSee the details at {{ tracking_url }}.\n\n{{ site_name }}",
            "sms": "Application {{ reference }} status: {{ status }}. Details: {{ tracking_url }}",
        },
    },
    "case.forwarded": {
        "id": {
            "subject": "Permohonan {{ reference }} diteruskan",
            "email": "Permohonan {{ service_name }} ({{ reference }}) diteruskan ke {{ agency_name }} untuk "
            "diproses.\n\nPerkiraan selesai: {{ due_date }}\nCek status: {{ tracking_url }}\n\n{{ site_name }}",
            "sms": "Permohonan {{ reference }} diteruskan ke {{ agency_name }}. Cek status: {{ tracking_url }}",
        },
        "en": {
            "subject": "Application {{ reference }} forwarded",
            "email": "Your {{ service_name }} application ({{ reference }}) was forwarded to {{ agency_name }}."
            "\n\nExpected by: {{ due_date }}\nStatus: {{ tracking_url }}\n\n{{ site_name }}",
            "sms": "Application {{ reference }} forwarded to {{ agency_name }}. Status: {{ tracking_url }}",
        },
    },
    "complaint.received": {
        "id": {
            "subject": "Pengaduan {{ reference }} diterima",
            "email": "Pengaduan Anda sudah kami terima dengan nomor {{ reference }}.\n\nKami akan memeriksanya "
            "dan meneruskannya ke instansi yang berwenang. Ikuti perkembangannya di {{ tracking_url }}."
            "\n\n{{ site_name }}",
            "sms": "Pengaduan Anda diterima. No: {{ reference }}. Ikuti perkembangannya di {{ tracking_url }}",
        },
        "en": {
            "subject": "Complaint {{ reference }} received",
            "email": "We have received your complaint with reference {{ reference }}.\n\nWe will check it and "
            "pass it to the agency in charge. Follow it at {{ tracking_url }}.\n\n{{ site_name }}",
            "sms": "Your complaint was received. Ref {{ reference }}. Follow it at {{ tracking_url }}",
        },
    },
    "complaint.resolved": {
        "id": {
            "subject": "Pengaduan {{ reference }} selesai ditindaklanjuti",
            "email": "Pengaduan {{ reference }} sudah selesai ditindaklanjuti.\n\nTanggapan: {{ reason }}\n\n"
            "Rinciannya ada di {{ tracking_url }}. Terima kasih atas laporan Anda.\n\n{{ site_name }}",
            "sms": "Pengaduan {{ reference }} selesai ditindaklanjuti. Rincian: {{ tracking_url }} Terima kasih.",
        },
        "en": {
            "subject": "Complaint {{ reference }} resolved",
            "email": "Your complaint {{ reference }} has been resolved.\n\nResponse: {{ reason }}\n\n"
            "Details are at {{ tracking_url }}. Thank you for your report.\n\n{{ site_name }}",
            "sms": "Complaint {{ reference }} resolved. Details: {{ tracking_url }} Thank you.",
        },
    },
    "application.down_alert": {
        "id": {
            "subject": "Gangguan: {{ application_name }} tidak dapat diakses",
            "email": "Aplikasi {{ application_name }} tidak dapat diakses sejak {{ since }}.\n\n"
            "Status: {{ status }}\nPeriksa: {{ tracking_url }}\n\n{{ site_name }}",
            "sms": "GANGGUAN: {{ application_name }} tidak dapat diakses sejak {{ since }}. Status: {{ status }}.",
        },
        "en": {
            "subject": "Outage: {{ application_name }} is unreachable",
            "email": "The application {{ application_name }} has been unreachable since {{ since }}.\n\n"
            "Status: {{ status }}\nCheck: {{ tracking_url }}\n\n{{ site_name }}",
            "sms": "OUTAGE: {{ application_name }} unreachable since {{ since }}. Status: {{ status }}.",
        },
    },
    "assessment.invitation": {
        "id": {
            "subject": "Undangan mengisi kuesioner {{ round_name }}",
            "email": "Anda diundang mengisi kuesioner {{ round_name }} tentang layanan digital pemerintah "
            "daerah.\n\nIsi sebelum {{ due_date }} lewat {{ survey_url }}. Jawaban Anda membantu memperbaiki "
            "layanan.\n\n{{ site_name }}",
            "sms": "Anda diundang mengisi kuesioner {{ round_name }} sebelum {{ due_date }}: {{ survey_url }}",
        },
        "en": {
            "subject": "Invitation: {{ round_name }} questionnaire",
            "email": "You are invited to answer the {{ round_name }} questionnaire about the regency's digital "
            "services.\n\nPlease answer before {{ due_date }} at {{ survey_url }}. Your answers help improve the "
            "services.\n\n{{ site_name }}",
            "sms": "You are invited to answer the {{ round_name }} questionnaire by {{ due_date }}: {{ survey_url }}",
        },
    },
    "staff.invitation": {
        "id": {
            "subject": "Undangan bekerja di {{ site_name }}",
            "email": "Yth. {{ full_name }},\n\nAnda didaftarkan sebagai staf {{ agency_name }} di {{ site_name }}.\n\n"
            "Buka tautan ini untuk membuat kata sandi dan memasang aplikasi autentikator Anda:\n{{ invitation_url }}"
            "\n\nTautan ini hanya bisa dipakai sekali dan berlaku {{ valid_days }} hari. Jika Anda tidak merasa "
            "didaftarkan, abaikan e-mail ini.\n\n{{ site_name }}",
            "sms": "Anda diundang sebagai staf {{ site_name }}. Buat kata sandi di {{ invitation_url }}",
        },
        "en": {
            "subject": "Invitation to work in {{ site_name }}",
            "email": "Dear {{ full_name }},\n\nYou have been registered as staff of {{ agency_name }} in "
            "{{ site_name }}.\n\nOpen this link to choose a password and set up your authenticator app:\n"
            "{{ invitation_url }}\n\nThe link works once and for {{ valid_days }} days. If you did not expect "
            "this, ignore this e-mail.\n\n{{ site_name }}",
            "sms": "You are invited as staff of {{ site_name }}. Choose a password at {{ invitation_url }}",
        },
    },
    "draft.resume_link": {
        "id": {
            "subject": "Lanjutkan isian {{ service_name }}",
            "email": "Jawaban Anda untuk {{ service_name }} sudah disimpan.\n\nLanjutkan mengisi lewat "
            "{{ resume_url }}\n\n{{ site_name }}",
            "sms": "Jawaban {{ service_name }} Anda tersimpan. Lanjutkan di {{ resume_url }}",
        },
        "en": {
            "subject": "Continue your {{ service_name }} form",
            "email": "Your answers for {{ service_name }} are saved.\n\nContinue at {{ resume_url }}\n\n"
            "{{ site_name }}",
            "sms": "Your {{ service_name }} answers are saved. Continue at {{ resume_url }}",
        },
    },
}

EVENTS = tuple(DEFAULT_TEMPLATES)


# Earlier built-in SMS texts: a stored template still holding one of them was never edited by an admin, so
# loading the reference data replaces it with today's text (edited ones are kept).
FORMER_SMS_DEFAULTS: dict[tuple[str, str], tuple[str, ...]] = {
    ('case.revision_requested', 'id'): ('Permohonan {{ reference }} perlu diperbaiki: {{ reason|truncatechars:50 }} Perbaiki di {{ tracking_url }}',),
    ('case.revision_requested', 'en'): ('Application {{ reference }} needs changes: {{ reason|truncatechars:50 }} Fix it at {{ tracking_url }}',),
    ('case.approved', 'id'): ('Permohonan {{ reference }} ({{ service_name }}) selesai dan disetujui. Lihat hasilnya: {{ tracking_url }}',),
    ('case.approved', 'en'): ('Application {{ reference }} ({{ service_name }}) approved. See the result: {{ tracking_url }}',),
    ('case.rejected', 'id'): ('Permohonan {{ reference }} ditolak: {{ reason|truncatechars:60 }} Rincian: {{ tracking_url }}',),
    ('case.rejected', 'en'): ('Application {{ reference }} rejected: {{ reason|truncatechars:60 }} Details: {{ tracking_url }}',),
}


def default_template(event: str, channel: str, language: str) -> tuple[str, str] | None:
    """(subject, body) of the built-in template, or None when the event is unknown."""
    texts = DEFAULT_TEMPLATES.get(event, {})
    text = texts.get(language) or texts.get("id")
    if text is None:
        return None
    if channel == Channel.EMAIL:
        return text["subject"], text["email"]
    return "", text["sms"]


def load(*, stdout: Any) -> None:
    existing = {(t.event, t.channel, t.language): t for t in Template.objects.all()}
    missing = []
    renewed = 0
    for event, languages in DEFAULT_TEMPLATES.items():
        for language in languages:
            for channel in Channel.values:
                subject, body = default_template(event, channel, language) or ("", "")
                stored = existing.get((event, channel, language))
                if stored is not None:
                    if channel != Channel.EMAIL and stored.body in FORMER_SMS_DEFAULTS.get((event, language), ()):
                        stored.body = body
                        stored.save(update_fields=["body", "updated_at"])
                        renewed += 1
                    continue
                template = Template(event=event, channel=channel, language=language, subject=subject, body=body)
                template.full_clean(validate_unique=False)
                missing.append(template)
    Template.objects.bulk_create(missing)
    stdout.write(f"notifications: {len(missing)} template(s) added, {renewed} unedited one(s) brought up to date")
