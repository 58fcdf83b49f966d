from django.db import migrations


def fill(apps, schema_editor):
    from core.phones import phone_digits

    model = apps.get_model("accounts", "User")
    batch = []
    for row in model.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        row.phone_digits = phone_digits(row.phone)
        batch.append(row)
        if len(batch) >= 2000:
            model.objects.bulk_update(batch, ["phone_digits"])
            batch = []
    model.objects.bulk_update(batch, ["phone_digits"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_add_phone_digits")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
