"""The usual award forms and issuing authorities; editable afterwards."""

from django.db import migrations

AUTHORITIES = [
    ("bo-truong-bca", "Bộ trưởng Bộ Công an", "Minister of Public Security", "ministry"),
    ("cuc-truong-v05", "Cục trưởng Cục Xây dựng phong trào bảo vệ an ninh Tổ quốc",
     "Head of the Ministry's movement department (V05)", "ministry_department"),
    ("chu-tich-ubnd-tinh", "Chủ tịch Ủy ban nhân dân tỉnh",
     "Chairman of the provincial People's Committee", "province"),
    ("giam-doc-cat", "Giám đốc Công an tỉnh", "Director of the provincial police",
     "provincial_police"),
    ("chu-tich-ubnd-xa", "Chủ tịch Ủy ban nhân dân xã", "Chairman of the commune People's Committee",
     "commune"),
]
FORMS = [
    ("bang-khen", "Bằng khen", "Certificate of merit", "certificate_of_merit", False, None,
     ["bo-truong-bca", "chu-tich-ubnd-tinh"]),
    ("giay-khen", "Giấy khen", "Certificate of commendation", "commendation", False, None,
     ["cuc-truong-v05", "giam-doc-cat", "chu-tich-ubnd-xa"]),
    ("co-thi-dua", "Cờ thi đua", "Emulation flag", "emulation_flag", False, None,
     ["bo-truong-bca", "chu-tich-ubnd-tinh"]),
    ("kniem-chuong-bvantq", "Kỷ niệm chương \u201cBảo vệ an ninh Tổ quốc\u201d",
     "Commemorative medal \u201cFor the protection of national security\u201d",
     "commemorative_medal", True, 5, ["bo-truong-bca"]),
]


def load(apps, schema_editor):
    Authority = apps.get_model("awards", "Authority")
    AwardForm = apps.get_model("awards", "AwardForm")
    by_code = {}
    for code, name, name_en, level in AUTHORITIES:
        by_code[code], _ = Authority.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "level": level}
        )
    for code, name, name_en, kind, once, years, authorities in FORMS:
        form, _ = AwardForm.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "kind": kind, "once_per_life": once,
                      "min_service_years": years},
        )
        form.authorities.add(*[by_code[a] for a in authorities])


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_awards")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
