from jiceng.core.matrix import SEE_COMMUNITY, SEE_GRID, Check, statuses


def _photo_url(c):
    """A case photo reported in grid G1, through the cases service; its URL under /media/."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit
    from jiceng.core.testing import image_bytes

    png = image_bytes("PNG")
    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), description="路灯不亮",
                          source="api", lat=36.05, lng=111.42,
                          photos=[SimpleUploadedFile("p.png", png, content_type="image/png")])
    return case.attachments.get().file.url


CHECKS = {
    "core:media": [
        Check("GET", _photo_url, statuses(200, allowed=SEE_GRID, others={"anonymous": 302}),
              note="a case photo: only for people whose area holds the case"),
        Check("GET", lambda c: "/media/does/not/exist.png", statuses(404, allowed=[], others={"anonymous": 302})),
    ],
}


# H5: every registry's Excel, at the community (the policy framework at the city, where it is issued).
# Export: whoever holds the registry's read capability on the unit; import: whoever holds its import
# capability there. Inside the community a persona without it gets 403 (the party member reads the
# community but may not write it; only the county's recruiters, the city admin here, recruit workers and
# only staff see the roster of people's records), outside 404; an export-only registry has no import (404).
_STAFF = ["city_admin", "street_official", "community_worker"]
_BY_CAPABILITY = {  # capability -> (allowed, 403 inside the community)
    "read": (SEE_COMMUNITY, {}),
    "write": (_STAFF, {"party_member": 403}),
    "structure": (_STAFF, {"party_member": 403}),
    "reveal_pii": (_STAFF, {"party_member": 403}),
    "manage_users": (["city_admin"], {"street_official": 403, "community_worker": 403, "party_member": 403}),
}


def _excel_checks():
    from jiceng.core.excel import registries

    export, imports = [], []
    for name, registry in sorted(registries().items()):
        at_city = registry.capability == "supervise"

        def url(kind, name=name, at_city=at_city):
            return lambda c: f"/excel/{name}/{kind}?unit={(c.city if at_city else c.community).code}"

        readers, read_denied = (["city_admin"], {}) if at_city else _BY_CAPABILITY[registry.read_capability]
        export.append(Check("GET", url("export"), statuses(200, allowed=readers, anonymous=302, others=read_denied),
                            note=name))
        if not registry.imports:
            imports.append(Check("GET", url("import"), statuses(404, allowed=[], anonymous=302), note=name))
        elif at_city:
            imports.append(Check("GET", url("import"), statuses(200, allowed=["city_admin"], anonymous=302),
                                 note=name))
        else:
            writers, denied = _BY_CAPABILITY[registry.capability]
            imports.append(Check("GET", url("import"), statuses(200, allowed=writers, anonymous=302, others=denied),
                                 note=name))
    return export, imports


def _needs_sheet(c):
    from jiceng.core.testing import xlsx_upload

    return {"file": xlsx_upload([["社区代码", "需求", "类别", "需要开始", "需要结束"],
                                 [c.community.code, "助餐", "elderly", "2026-03-01", "2026-04-01"]])}


_EXPORT, _IMPORT = _excel_checks()
CHECKS["core:excel_export"] = _EXPORT
CHECKS["core:excel_import"] = [
    *_IMPORT,
    Check("POST", lambda c: f"/excel/needs/import?unit={c.community.code}",
          statuses(302, allowed=["city_admin", "street_official", "community_worker"], anonymous=302,
                   others={"party_member": 403}), data=_needs_sheet, json=False,
          note="an import is written by those who may write the community's lists"),
]
