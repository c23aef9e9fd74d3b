"""The texts Simpul itself wrote into the registry (the 2020 study's applications, the sources of Table 1 and of
the demo's sample, the sample's upgrade-option labels) were English on Indonesian pages: rewritten in Indonesian,
the applications' English purpose kept as their second language. Rows an admin has changed are left alone: only
a row still holding the shipped English text is rewritten."""

from django.db import migrations

APPLICATIONS = {
    # code: (old purpose, purpose, purpose_en, old source, source)
    "simda": (
        "Sistem Informasi Manajemen Daerah", "Sistem Informasi Manajemen Daerah",
        "Regional management information system",
        "Study 2020 (Dinkominfo & Dinas PMD Muba). Owner assumed: SIMDA is the regional finance and asset system "
        "run by BPKAD.",
        "Kajian 2020 (Dinkominfo & Dinas PMD Muba). Pemilik diasumsikan: SIMDA adalah sistem keuangan dan aset "
        "daerah yang dijalankan BPKAD.",
    ),
    "cctv-jalan": (
        "Road CCTV", "CCTV jalan", "Road CCTV",
        "Study 2020 (Dinkominfo & Dinas PMD Muba). Owner: the host named in the study (Dinkominfo).",
        "Kajian 2020 (Dinkominfo & Dinas PMD Muba). Pemilik: penyelenggara server yang disebut kajian (Dinkominfo).",
    ),
    "web-mubakab": (
        "Regency web server", "Server web kabupaten", "Regency web server",
        "Study 2020 (Dinkominfo & Dinas PMD Muba). Owner: the host named in the study (Dinkominfo). The study "
        "spells it 'mukabab.go.id'.",
        "Kajian 2020 (Dinkominfo & Dinas PMD Muba). Pemilik: penyelenggara server yang disebut kajian (Dinkominfo). "
        "Kajian menuliskannya 'mukabab.go.id'.",
    ),
    "muba-siaga-112": (
        "Emergency call service (NTPD 112), Muba Command Center",
        "Layanan panggilan darurat (NTPD 112), Muba Command Center",
        "Emergency call service (NTPD 112), Muba Command Center",
        "Study 2020 (Dinkominfo & Dinas PMD Muba). Owner: Dinkominfo's Muba Command Center, as the study says.",
        "Kajian 2020 (Dinkominfo & Dinas PMD Muba). Pemilik: Muba Command Center Dinkominfo, sesuai kajian.",
    ),
    "wifi-desa-kecamatan": (
        "Village and district wifi areas, controlled by Dinas PMD's internet network server",
        "Area wifi desa dan kecamatan, dikendalikan oleh server jaringan internet Dinas PMD",
        "Village and district wifi areas, controlled by Dinas PMD's internet network server",
        "Study 2020 (Dinkominfo & Dinas PMD Muba). Owner: Dinas PMD, whose network server controls the village "
        "wifi.",
        "Kajian 2020 (Dinkominfo & Dinas PMD Muba). Pemilik: Dinas PMD, yang server jaringannya mengendalikan wifi "
        "desa.",
    ),
}
SOURCES = {
    "Table 1 of the 2020 study (Dinkominfo Muba 2020)": "Tabel 1 kajian 2020 (Dinkominfo Muba 2020)",
    "Sample data invented for the demo": "Data contoh yang dibuat untuk demo",
}
NOTES = {"Fiber bandwidth not reported in Table 1.": "Bandwidth serat optik tidak dilaporkan dalam Tabel 1."}
TECHNOLOGIES = ("fiber", "vsat", "leo", "radio", "cellular", "adsl", "village_wifi")


def forwards(apps, schema_editor):
    Application = apps.get_model("infrastructure", "Application")
    Site = apps.get_model("infrastructure", "Site")
    Link = apps.get_model("infrastructure", "Link")
    UpgradeOption = apps.get_model("infrastructure", "UpgradeOption")
    for code, (old_purpose, purpose, purpose_en, old_source, source) in APPLICATIONS.items():
        Application.objects.filter(code=code, purpose=old_purpose, purpose_en="").update(
            purpose=purpose, purpose_en=purpose_en)
        Application.objects.filter(code=code, source=old_source).update(source=source)
    for old, new in SOURCES.items():
        Site.objects.filter(source=old).update(source=new)
        Link.objects.filter(source=old).update(source=new)
    for old, new in NOTES.items():
        Site.objects.filter(notes=old).update(notes=new)
    Link.objects.filter(provider="Sample ISP", is_sample=True).update(provider="Penyedia contoh")
    # "cellular (sample)": the technology's code and an English word, where the page already names the technology
    UpgradeOption.objects.filter(is_sample=True, label__in=[f"{t} (sample)" for t in TECHNOLOGIES]).update(label="")


class Migration(migrations.Migration):
    dependencies = [("infrastructure", "0002_application_add_purpose_en")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
