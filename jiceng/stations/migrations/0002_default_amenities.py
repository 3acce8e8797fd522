from django.db import migrations

# The configurable amenity list starts with these; staff add or retire entries in the admin.
DEFAULT = [("rest", "临时休息"), ("hot_water", "热水"), ("charging", "充电"), ("repair", "设备维修"),
           ("toilet", "卫生间"), ("microwave", "微波炉"), ("first_aid", "急救箱"), ("drinking_water", "饮水"),
           ("rain_gear", "雨具"), ("wifi", "无线网络")]


def up(apps, schema_editor):
    Amenity = apps.get_model("stations", "Amenity")
    for i, (code, name) in enumerate(DEFAULT):
        Amenity.objects.get_or_create(code=code, defaults={"name": name, "sort": i})


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(up, migrations.RunPython.noop)]
