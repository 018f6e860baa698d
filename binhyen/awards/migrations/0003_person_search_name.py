"""People are searched by name without diacritics ("nguyen van an" finds "Nguyễn Văn
An"): the folded full name, kept by the model (schemes' Searchable), filled here for the
people already recorded."""

from django.db import migrations, models

from binhyen.core.text import fold


def fill(apps, schema_editor):
    Person = apps.get_model("awards", "Person")
    people = list(Person.objects.only("pk", "full_name"))
    for person in people:
        person.search_name = fold(person.full_name or "")[:400]
    Person.objects.bulk_update(people, ["search_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_starting_catalogue")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_name",
            field=models.CharField(db_index=True, default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
