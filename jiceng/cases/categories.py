"""The seeded category tree (B2), in the spirit of GB/T 30428.2 (digital city management: events and
components) plus social governance. Each leaf: (code, name, default level, deadline hours, deadline
kind, response hours, line). Editable afterwards in the admin; the seed only adds missing codes."""

# (code, name, group, children)
TREE = [
    ("E01", "市容环境", "event", [
        ("E0101", "暴露垃圾", "grid", 4, "calendar", 1, "urban"),
        ("E0102", "积存垃圾渣土", "grid", 24, "calendar", 2, "urban"),
        ("E0103", "道路不洁", "grid", 8, "calendar", 2, "urban"),
        ("E0104", "违章接坡", "community", 40, "working", 4, "urban"),
    ]),
    ("E02", "宣传广告", "event", [
        ("E0201", "非法小广告", "grid", 8, "calendar", 2, "urban"),
        ("E0202", "违规户外广告", "street", 40, "working", 4, "urban"),
    ]),
    ("E03", "施工管理", "event", [
        ("E0301", "施工扰民", "street", 16, "working", 2, "urban"),
        ("E0302", "道路遗撒", "community", 8, "calendar", 2, "urban"),
    ]),
    ("E04", "街面秩序", "event", [
        ("E0401", "占道经营", "grid", 8, "calendar", 2, "urban"),
        ("E0402", "乱堆物料", "grid", 24, "calendar", 2, "urban"),
        ("E0403", "非机动车乱停放", "grid", 8, "calendar", 2, "urban"),
    ]),
    ("E05", "突发事件", "event", [
        ("E0501", "路面塌陷", "street", 4, "calendar", 1, "emergency"),
        ("E0502", "自来水管破裂", "community", 4, "calendar", 1, "emergency"),
    ]),
    ("E06", "扩展事件", "event", [
        ("E0601", "其他事件", "grid", 72, "calendar", 24, "governance"),
    ]),
    ("C01", "公用设施", "component", [
        ("C0101", "井盖破损", "community", 24, "calendar", 2, "urban"),
        ("C0102", "路灯故障", "community", 40, "working", 4, "urban"),
    ]),
    ("C02", "道路交通", "component", [
        ("C0201", "交通标志损坏", "street", 40, "working", 4, "urban"),
        ("C0202", "护栏损坏", "street", 40, "working", 4, "urban"),
    ]),
    ("C03", "市容环境", "component", [
        ("C0301", "垃圾箱破损", "grid", 48, "calendar", 4, "urban"),
        ("C0302", "公厕问题", "community", 24, "working", 4, "urban"),
    ]),
    ("C04", "园林绿化", "component", [
        ("C0401", "绿地破坏", "community", 40, "working", 4, "urban"),
        ("C0402", "树木倒伏", "community", 8, "calendar", 2, "emergency"),
    ]),
    ("C05", "房屋土地", "component", [
        ("C0501", "违法建设", "street", 80, "working", 8, "urban"),
    ]),
    ("C06", "其他设施", "component", [
        ("C0601", "其他设施损坏", "community", 72, "calendar", 24, "urban"),
    ]),
    ("S01", "矛盾纠纷", "social", [
        ("S0101", "邻里纠纷", "grid", 72, "calendar", 24, "governance"),
        ("S0102", "家庭纠纷", "grid", 72, "calendar", 24, "governance"),
        ("S0103", "劳资纠纷", "street", 80, "working", 8, "governance"),
    ]),
    ("S02", "民生服务", "social", [
        ("S0201", "困难帮扶", "community", 80, "working", 8, "civil"),
        ("S0202", "养老服务", "community", 80, "working", 8, "civil"),
        ("S0203", "证明办理", "community", 16, "working", 4, "civil"),
    ]),
    ("S03", "安全隐患", "social", [
        ("S0301", "消防隐患", "grid", 24, "calendar", 2, "emergency"),
        ("S0302", "电动车违规充电", "grid", 24, "calendar", 2, "emergency"),
        ("S0303", "危房隐患", "street", 48, "calendar", 4, "emergency"),
    ]),
    ("S04", "物业管理", "social", [
        ("S0401", "物业服务不到位", "community", 80, "working", 8, "governance"),
        ("S0402", "电梯故障", "community", 24, "calendar", 2, "emergency"),
        ("S0403", "停车管理", "grid", 72, "calendar", 24, "governance"),
    ]),
]

# Open311 service code = the leaf code.

# Groups whose cases are never published, whatever the channel: disputes between people, personal help
# (hardship, elderly care, certificates), safety hazards (they point at a household) and illegal
# building (it accuses a neighbour). Every other leaf is publishable (FixMyStreet-like street problems).
PRIVATE_GROUPS = {"S01", "S02", "S03", "C05"}


def publishable(leaf_code: str) -> bool:
    return leaf_code[:3] not in PRIVATE_GROUPS


def seed_categories(Category) -> int:
    """Create the missing categories; `Category` is the model (real or historical)."""
    made = 0
    existing = set(Category.objects.values_list("code", flat=True))
    has_publishable = any(f.name == "publishable" for f in Category._meta.get_fields())
    for code, name, group, leaves in TREE:
        parent = Category.objects.filter(code=code).first()
        if parent is None:
            parent = Category.objects.create(code=code, name=name, group=group, default_level="grid")
            made += 1
        for leaf in leaves:
            lcode, lname, level, hours, kind, response, line = leaf
            if lcode in existing:
                continue
            extra = {"publishable": publishable(lcode)} if has_publishable else {}
            Category.objects.create(code=lcode, name=lname, group=group, parent=parent, default_level=level,
                                    deadline_hours=hours, deadline_kind=kind, response_hours=response,
                                    business_line=line, **extra)
            made += 1
    return made
