"""Made the target-year triggers once; they are gone (0007 drops them where they exist), and the
rule is checked by Target.clean, Plan.clean, Objective.clean, Indicator.clean and the importer."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("objectives", "0001_initial")]

    operations = []
