"""The API clients, their keys, call log and acting users move from the api app to this app.

Only Django's record of the models moves (SeparateDatabaseAndState): the tables keep the names the api app gave
them (`api_apiclient`, `api_apiclient_allowed_agencies`, `api_apikey`, `api_apicalllog`, `api_apiclientactor`),
so no row is copied and an existing database changes nothing but its content types, whose app becomes
`clients` (their permissions and admin log entries follow). On a fresh database the api app's migrations create
the tables first (this migration depends on them), and this one records them here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["apiclient", "apikey", "apicalllog", "apiclientactor"]


def content_types_to_clients(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="api", model__in=MOVED).update(app_label="clients")


def content_types_to_api(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="clients", model__in=MOVED).update(app_label="api")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("agencies", "0002_agency_add_handles_complaints"),
        ("api", "0004_intake_scope_for_case_writers"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ApiClient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                        ('scopes', models.JSONField(blank=True, default=list, verbose_name='scopes')),
                        ('allowed_service_codes', models.JSONField(blank=True, default=list, verbose_name='allowed service codes')),
                        ('allowed_service_kinds', models.JSONField(blank=True, default=list, verbose_name='allowed service kinds')),
                        ('rate_limit_per_minute', models.PositiveIntegerField(default=120, verbose_name='rate limit per minute')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires at')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='contact email')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='api_clients', to='agencies.agency', verbose_name='agency')),
                        ('allowed_agencies', models.ManyToManyField(blank=True, related_name='+', to='agencies.agency', verbose_name='may also act for agencies')),
                    ],
                    options={
                        'verbose_name': 'API client',
                        'verbose_name_plural': 'API clients',
                        'db_table': 'api_apiclient',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiClientActor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('client', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='actor', to='clients.apiclient')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='api_client_actor', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'API client actor',
                        'verbose_name_plural': 'API client actors',
                        'db_table': 'api_apiclientactor',
                    },
                ),
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('prefix', models.CharField(db_index=True, max_length=8, verbose_name='prefix')),
                        ('secret_hash', models.CharField(max_length=64, unique=True, verbose_name='key hash')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used at')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='keys', to='clients.apiclient', verbose_name='client')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'verbose_name': 'API key',
                        'verbose_name_plural': 'API keys',
                        'db_table': 'api_apikey',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiCallLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                        ('key_prefix', models.CharField(blank=True, max_length=8, verbose_name='key prefix')),
                        ('method', models.CharField(max_length=10, verbose_name='method')),
                        ('operation', models.CharField(max_length=200, verbose_name='operation')),
                        ('object_id', models.CharField(blank=True, max_length=200, verbose_name='object')),
                        ('status', models.PositiveSmallIntegerField(verbose_name='result status')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calls', to='clients.apiclient', verbose_name='client')),
                    ],
                    options={
                        'verbose_name': 'API call',
                        'verbose_name_plural': 'API calls',
                        'db_table': 'api_apicalllog',
                        'ordering': ['-id'],
                        'indexes': [models.Index(fields=['client', 'at'], name='api_apicall_client__372d83_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_clients, content_types_to_api),
    ]
