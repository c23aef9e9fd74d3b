"""Declare the applicant's fields by role in every service version's form (`simpul.catalog.forms_engine.FieldRole`).

Until now the applicant's name was guessed from seven field names and the NIK, phone and email from the first
field of their type. Each form now says it: the first text field with one of those names becomes
`applicant_name`, the first NIK field `applicant_nik`, the first phone field `applicant_phone` and the first email
field `applicant_email`. A field that already has a role, and a role a form already gives, are left as they are,
so running it again changes nothing. Going back keeps the roles (older code ignores them).
"""

from django.db import migrations

# The names the old code took for the applicant's name (kept here: a migration never imports app code).
OLD_NAME_FIELDS = ("applicant_name", "full_name", "nama_lengkap", "nama", "name", "nama_pelapor", "nama_pemohon")
ROLE_BY_TYPE = {"nik": "applicant_nik", "phone": "applicant_phone", "email": "applicant_email"}


def _role_for(field):
    kind = field.get("type", "text")
    if kind == "text" and field.get("name") in OLD_NAME_FIELDS:
        return "applicant_name"
    return ROLE_BY_TYPE.get(kind)


def declare_form_roles(form):
    """Give the form's fields their roles as described above, in place; returns whether any field changed."""
    if not isinstance(form, dict) or not isinstance(form.get("pages"), list):
        return False
    fields = [field for page in form["pages"] if isinstance(page, dict) and isinstance(page.get("fields"), list)
              for field in page["fields"] if isinstance(field, dict)]
    taken = {field["role"] for field in fields if isinstance(field.get("role"), str)}
    changed = False
    for field in fields:
        role = None if field.get("role") else _role_for(field)
        if role and role not in taken:
            field["role"] = role
            taken.add(role)
            changed = True
    return changed


def declare_roles(apps, schema_editor):
    ServiceVersion = apps.get_model("catalog", "ServiceVersion")
    for version in ServiceVersion.objects.only("pk", "form").iterator(chunk_size=200):
        form = version.form
        if declare_form_roles(form):
            # a published version is otherwise never edited: update the row, not the model's save()
            ServiceVersion.objects.filter(pk=version.pk).update(form=form)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_serviceversion_add_search_title"),
    ]

    operations = [
        migrations.RunPython(declare_roles, migrations.RunPython.noop),
    ]
