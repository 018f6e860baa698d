"""The starting scheme-type catalogue: the national types named in the movement's
guidance, with their labels, hosts and, for composite types, components. Provincial
officers edit and extend it in the app. The data lives here (migrations never import
app code); re-running adds nothing that exists."""

from django.db import migrations

LABELS = [
    ("security-order", "An ninh, trật tự", "Security and order"),
    ("fire-prevention", "Phòng cháy, chữa cháy", "Fire prevention"),
    ("drugs", "Phòng, chống ma túy", "Drugs"),
    ("traffic", "Trật tự an toàn giao thông", "Traffic"),
    ("religion", "Tôn giáo", "Religion"),
    ("ethnic-minority", "Dân tộc thiểu số", "Ethnic minority"),
    ("border", "Biên giới", "Border"),
    ("trafficking", "Phòng, chống mua bán người", "Human trafficking"),
    ("social-evils", "Tệ nạn xã hội", "Social evils"),
    ("cybersecurity", "An ninh mạng", "Cybersecurity"),
    ("self-management", "Tự quản", "Self-management"),
    ("mediation", "Hòa giải", "Mediation"),
]

AREA, COMMUNE, AGENCY, ENTERPRISE = "residential_area", "commune", "agency", "enterprise"
SCHOOL, HOSPITAL, RELIGIOUS, CLAN, MASS = (
    "school", "hospital", "religious", "clan", "mass_organisation",
)

# code, Vietnamese name, English name, labels, hosts, has groups, components
TYPES = [
    ("to-lien-gia-tu-quan", "Tổ liên gia tự quản", "Inter-household self-management group",
     ["security-order", "self-management"], [AREA], True, []),
    ("4-an-toan", "Mô hình “4 an toàn”", "“4 safeties” scheme",
     ["security-order", "fire-prevention"], [AGENCY, ENTERPRISE, SCHOOL, HOSPITAL], False,
     [("premises", "An toàn về trụ sở", "Safety of premises"),
      ("people", "An toàn về con người", "Safety of people"),
      ("property", "An toàn về tài sản", "Safety of property"),
      ("activities", "An toàn về hoạt động thường xuyên", "Safety of regular activities")]),
    ("5-tu-quan", "Mô hình “5 tự quản”", "“5 self-managements” scheme",
     ["security-order", "self-management", "social-evils"], [AREA], True, []),
    ("to-tu-quan-antt", "Tổ tự quản về an ninh, trật tự", "Self-management group on security and order",
     ["security-order", "self-management"], [AREA], True, []),
    ("camera-an-ninh", "Camera an ninh", "Security camera",
     ["security-order", "traffic"], [AREA, COMMUNE, AGENCY, ENTERPRISE, RELIGIOUS], False, []),
    ("keng-an-ninh", "Kẻng an ninh, “Tiếng kẻng bình yên”", "Security gong, “peaceful gong”",
     ["security-order"], [AREA, COMMUNE], False, []),
    ("dong-ho-tu-quan", "Dòng họ tự quản về ANTT, dòng họ gương mẫu",
     "Self-managing clan, exemplary clan", ["security-order", "self-management"], [CLAN], False, []),
    ("giao-xu-binh-yen", "Giáo xứ bình yên", "Safe parish",
     ["religion", "security-order"], [RELIGIOUS], False, []),
    ("cum-lien-ket-tu-quan", "Cụm liên kết tự quản về ANTT", "Linked self-management cluster",
     ["security-order", "self-management"], [COMMUNE, AREA], False, []),
    ("khong-ma-tuy", "Thôn, bản không ma túy; xã biên giới không ma túy",
     "Drug-free village, drug-free border commune", ["drugs", "border"], [AREA, COMMUNE], False, []),
    ("khong-toi-pham", "Thôn, tổ dân phố không có tội phạm", "Crime-free village",
     ["security-order"], [AREA], False, []),
    ("cuu-chien-binh", "Cựu chiến binh tham gia bảo vệ ANTT", "Veterans in security work",
     ["security-order"], [MASS], False, []),
    ("tuan-tra-nhan-dan", "Tổ, đội tuần tra nhân dân", "People's patrol team",
     ["security-order", "traffic"], [AREA, COMMUNE, MASS], False, []),
    ("lien-gia-pccc", "Tổ liên gia an toàn phòng cháy, chữa cháy",
     "Fire-safety inter-household group", ["fire-prevention", "self-management"], [AREA], True, []),
    ("to-hoa-giai", "Tổ hòa giải ở cơ sở", "Mediation group",
     ["mediation", "security-order"], [AREA], False, []),
    ("duong-co-to-quoc", "Con đường cờ Tổ quốc tại cơ sở tôn giáo",
     "Flag road at religious sites", ["religion"], [RELIGIOUS], False, []),
    ("nguoi-co-uy-tin", "Già làng, người có uy tín tham gia giữ gìn ANTT",
     "Village elders and respected people in security work",
     ["ethnic-minority", "security-order"], [AREA], False, []),
    ("phong-chong-mua-ban-nguoi", "Tổ phòng, chống mua bán người ở khu vực biên giới",
     "Anti-trafficking group in border areas", ["trafficking", "border"], [AREA, COMMUNE], False, []),
    ("nhom-mang-an-ninh", "Nhóm Zalo, mạng xã hội an ninh khu dân cư",
     "Neighbourhood security chat group", ["cybersecurity", "security-order"], [AREA], False, []),
]  # fmt: skip


def load(apps, schema_editor):
    Label = apps.get_model("schemes", "Label")
    SchemeType = apps.get_model("schemes", "SchemeType")
    SchemeComponent = apps.get_model("schemes", "SchemeComponent")
    labels = {}
    for code, name, name_en in LABELS:
        labels[code], _ = Label.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    for code, name, name_en, label_codes, hosts, has_groups, components in TYPES:
        scheme_type, created = SchemeType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "host_kinds": hosts,
                "origin": "ministry",
                "has_groups": has_groups,
            },
        )
        if not created:
            continue
        scheme_type.labels.set([labels[c] for c in label_codes])
        for order, (ccode, cname, cname_en) in enumerate(components, start=1):
            SchemeComponent.objects.create(
                scheme_type=scheme_type, code=ccode, name=cname, name_en=cname_en, order=order
            )


class Migration(migrations.Migration):
    dependencies = [("schemes", "0001_registry")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
