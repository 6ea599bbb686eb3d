"""Usernames unique whatever their case: sign-in ignores case, so twins lock one another out.

Before the constraint is added, existing twins ("NOIVU" beside "noivu") are looked for; if any
exist the migration stops and lists them, so the administrator can rename or merge them first.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_case_twins(apps, schema_editor):
    user_model = apps.get_model("orgs", "User")
    twins = (
        user_model.objects.annotate(key=Lower("username"))
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("key", flat=True)
    )
    groups = []
    for key in twins:
        names = user_model.objects.filter(username__iexact=key).order_by("pk").values_list("pk", "username")
        groups.append(", ".join(f"{name} (id {pk})" for pk, name in names))
    if groups:
        # The operator reads this on the console: Vietnamese first, English below.
        raise RuntimeError(
            "Tên đăng nhập phải khác nhau không phân biệt chữ hoa/thường, nhưng các tài khoản sau "
            "chỉ khác nhau ở chữ hoa/thường / these accounts differ only in case:\n  "
            + "\n  ".join(groups)
            + "\nĐổi tên mọi tài khoản trừ một trong mỗi nhóm (trang quản trị hoặc `gemis shell`), "
            "rồi chạy lại `gemis migrate`. / Rename all but one account of each group "
            "(admin site or `gemis shell`), then run `gemis migrate` again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_case_twins, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"), name="user_username_unique_ci"
            ),
        ),
    ]
