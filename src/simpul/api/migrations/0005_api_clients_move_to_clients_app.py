"""The API clients, keys, call log and acting users now belong to the clients app (its migration 0001 records
them there): the api app forgets them and its webhook subscriptions point at `clients.ApiClient`. State only:
the tables and their rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0004_intake_scope_for_case_writers"),
        ("clients", "0001_api_clients_move_from_api_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="webhooksubscription",
                    name="client",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="webhook_subscriptions",
                        to="clients.apiclient", verbose_name="client"),
                ),
                migrations.DeleteModel(name="ApiClientActor"),
                migrations.DeleteModel(name="ApiCallLog"),
                migrations.DeleteModel(name="ApiKey"),
                migrations.DeleteModel(name="ApiClient"),
            ],
        ),
    ]
