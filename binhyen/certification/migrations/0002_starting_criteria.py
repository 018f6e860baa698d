"""The national criteria of Circular 124/2021/TT-BCA (summarised; provinces edit their
own versions), effective from 2021-12-01."""

import datetime as dt

from django.db import migrations

BASIS = "Thông tư 124/2021/TT-BCA (sửa đổi, bổ sung năm 2025)"
COMMON = [
    ("khong-phan-dong", "Không để xảy ra hoạt động xâm phạm an ninh quốc gia, truyền đạo "
     "trái pháp luật, tụ tập đông người gây mất an ninh, trật tự."),
    ("toi-pham", "Không để xảy ra tội phạm nghiêm trọng trở lên do người trong đơn vị gây "
     "ra; tội phạm, vi phạm pháp luật được kiềm chế, giảm so với năm trước."),
    ("te-nan", "Không phát sinh người nghiện ma túy, tụ điểm cờ bạc, mại dâm; tệ nạn xã hội "
     "được kiềm chế."),
    ("chay-no", "Không để xảy ra cháy, nổ, tai nạn giao thông, tai nạn lao động nghiêm "
     "trọng do nguyên nhân chủ quan."),
    ("phong-trao", "Tổ chức tốt phong trào Toàn dân bảo vệ an ninh Tổ quốc; có mô hình tự "
     "quản về an ninh, trật tự hoạt động hiệu quả."),
]
OWN = {
    "residential_area": [
        ("dang-ky", "100% hộ gia đình đăng ký và thực hiện tốt tiêu chuẩn \u201cAn toàn về "
         "an ninh, trật tự\u201d."),
        ("hoa-giai", "Các mâu thuẫn, tranh chấp được hòa giải kịp thời ở cơ sở."),
    ],
    "commune": [
        ("ban-chi-dao", "Ban Chỉ đạo phong trào hoạt động có hiệu quả; có kế hoạch, sơ kết, "
         "tổng kết theo quy định."),
        ("luc-luong", "Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở được củng cố, hoạt "
         "động hiệu quả."),
    ],
    "agency": [("noi-quy", "Có nội quy, quy chế bảo vệ cơ quan và được chấp hành nghiêm.")],
    "enterprise": [("noi-quy", "Có nội quy, quy chế bảo vệ doanh nghiệp; không để xảy ra "
                    "đình công trái pháp luật.")],
    "school": [("hoc-duong", "Không để học sinh, sinh viên vi phạm pháp luật nghiêm trọng; "
                "không có bạo lực học đường nghiêm trọng.")],
}
NAMES = {
    "residential_area": "Tiêu chuẩn khu dân cư \u201cAn toàn về ANTT\u201d",
    "commune": "Tiêu chuẩn xã, phường, đặc khu \u201cAn toàn về ANTT\u201d",
    "agency": "Tiêu chuẩn cơ quan \u201cAn toàn về ANTT\u201d",
    "enterprise": "Tiêu chuẩn doanh nghiệp \u201cAn toàn về ANTT\u201d",
    "school": "Tiêu chuẩn cơ sở giáo dục \u201cAn toàn về ANTT\u201d",
}


def load(apps, schema_editor):
    CriteriaSet = apps.get_model("certification", "CriteriaSet")
    Criterion = apps.get_model("certification", "Criterion")
    for subject, name in NAMES.items():
        criteria_set, _ = CriteriaSet.objects.get_or_create(
            subject_type=subject,
            province=None,
            effective_from=dt.date(2021, 12, 1),
            defaults={"name": name, "legal_basis": BASIS},
        )
        for order, (code, text) in enumerate(COMMON + OWN[subject], 1):
            Criterion.objects.get_or_create(
                criteria_set=criteria_set, code=code, defaults={"text": text, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_certification")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
