"""Writes of service positions (G2): each is one service that checks scope, validates, writes in a
transaction, appends an audit event and queues the coverage recomputation after commit."""

import functools
import io
import secrets

import shapely
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import ValidationFailed
from jiceng.core.excel import RowErrors
from jiceng.core.geo import coords
from jiceng.core.scope import common_path, require_scope  # noqa: F401 (views use services.require_scope)
from jiceng.core.scope import user_can as can
from jiceng.orgs.models import Unit, UnitKind
from jiceng.stations import hours as hours_mod
from jiceng.stations.models import (
    LEVEL_UNIT_KIND,
    Amenity,
    Level,
    OpeningHours,
    PositionPhoto,
    ServicePosition,
    State,
)
from jiceng.stations.tasks import coverage_recompute

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
LIMITS = {"name": 120, "address": 200, "contact_name": 60, "contact_phone": 20, "services": 2000}


# --- validation helpers ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _city_outline(stamp):
    rows = [bytes(g) for g in Unit.objects.filter(kind="city").exclude(geom=None).values_list("geom", flat=True)]
    if not rows:
        return None
    geom = shapely.union_all([shapely.from_wkb(g) for g in rows]).buffer(0.005)  # ~500 m of slack
    shapely.prepare(geom)
    return geom


def city_outline():
    stamp = tuple(Unit.objects.filter(kind="city").order_by("id").values_list("id", "updated_at"))
    return _city_outline(stamp)


def to_city_point(lat, lng, crs: str = "wgs84", *, field: str = "lat") -> tuple[float, float]:
    """(lat, lng) in WGS-84 from a point in `crs`; refused when it is not a point inside the city."""
    try:
        wlat, wlng = coords.to_wgs84(lat, lng, crs or "wgs84")
    except ValueError:
        if str(crs or "wgs84").lower().replace("-", "") not in coords.CRS_CHOICES:
            raise ValidationFailed(_("The coordinate system must be WGS-84, GCJ-02 or BD-09."), field="crs") from None
        raise ValidationFailed(_("Latitude is -90 to 90 and longitude -180 to 180 degrees."), field=field) from None
    outline = city_outline()
    if outline is not None and not shapely.contains_xy(outline, wlng, wlat):
        raise ValidationFailed(_("This location is outside the city."), field=field, code="outside_city")
    return wlat, wlng


def amenities_resolve(codes) -> list[Amenity]:
    codes = [c.strip() for c in (codes or []) if c and c.strip()]
    known = {a.code: a for a in Amenity.objects.filter(code__in=codes, active=True)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(_("Unknown amenity “%(code)s”.") % {"code": unknown[0][:40]}, field="amenities",
                               code="unknown_amenity")
    return [known[c] for c in dict.fromkeys(codes)]


def _text(value, field: str, *, required: bool = False, label: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": label or field}, field=field)
    if len(value) > LIMITS[field]:
        raise ValidationFailed(_("%(field)s is at most %(n)d characters.") % {"field": label or field,
                                                                               "n": LIMITS[field]}, field=field)
    return value


def _level_unit(level: str, unit: Unit):
    if level not in Level.values:
        raise ValidationFailed(_("Unknown level “%(v)s”.") % {"v": str(level)[:20]}, field="level")
    if unit.kind != LEVEL_UNIT_KIND[level]:
        raise ValidationFailed(_("A %(level)s belongs to a unit of kind %(kind)s.")
                               % {"level": Level(level).label, "kind": UnitKind(LEVEL_UNIT_KIND[level]).label}, field="unit")


def _state(state: str) -> str:
    if state not in State.values:
        raise ValidationFailed(_("Unknown state “%(v)s”.") % {"v": str(state)[:20]}, field="state")
    return state


def _hours_rows(hours) -> list:
    """Hours as {day: "08:00-12:00, …"} or {day: [(time, time), …]} -> validated (day, opens, closes) rows."""
    days = {}
    for day, value in (hours or {}).items():
        try:
            key = int(day)
        except (TypeError, ValueError):
            raise ValidationFailed(_("A day of the week is 0 (Monday) to 6 (Sunday), or 7 for public holidays."),
                                   field="hours") from None
        days[key] = hours_mod.parse_day(value) if isinstance(value, str) else list(value)
    return hours_mod.validate_periods(days)


def recompute_after_commit():
    transaction.on_commit(lambda: coverage_recompute.enqueue())


# --- positions -----------------------------------------------------------------------------------


def position_create(*, actor, unit: Unit, level: str, name: str, lat, lng, crs: str = "wgs84", address: str,
                    services: str = "", contact_name: str = "", contact_phone: str = "", state: str = State.OPEN,
                    amenities=(), hours=None) -> ServicePosition:
    require_scope(actor, unit.path, "write")
    _level_unit(level, unit)
    name = _text(name, "name", required=True, label=_("Name"))
    address = _text(address, "address", required=True, label=_("Address"))
    wlat, wlng = to_city_point(lat, lng, crs)
    chosen = amenities_resolve(amenities)
    rows = _hours_rows(hours)
    fields = dict(services=_text(services, "services"), contact_name=_text(contact_name, "contact_name"),
                  contact_phone=_text(contact_phone, "contact_phone"), state=_state(state))
    with transaction.atomic():
        position = ServicePosition.objects.create(level=level, unit=unit, unit_path=unit.path, name=name, lat=wlat,
                                                  lng=wlng, address=address, qr_token=secrets.token_urlsafe(12),
                                                  **fields)
        position.amenities.set(chosen)
        OpeningHours.objects.bulk_create([OpeningHours(position=position, day=d, opens=o, closes=c) for d, o, c in rows])
        if position.state == State.OPEN:
            recompute_after_commit()
        audit_record(actor=actor, action="position.create", obj=position,
                     changes={"level": level, "state": position.state, "amenities": [a.code for a in chosen]})
    return position


def position_update(*, actor, position: ServicePosition, name=None, lat=None, lng=None, crs: str = "wgs84",
                    address=None, services=None, contact_name=None, contact_phone=None, state=None, amenities=None,
                    hours=None) -> ServicePosition:
    """Change a position; a move (new lat/lng) or a change of state recomputes coverage after commit."""
    require_scope(actor, position.unit_path, "write")
    changes = {}
    updates = {}
    for field, value in (("name", name), ("address", address), ("services", services),
                         ("contact_name", contact_name), ("contact_phone", contact_phone)):
        if value is not None:
            updates[field] = _text(value, field, required=field in ("name", "address"),
                                   label=str(ServicePosition._meta.get_field(field).verbose_name))
    if (lat is None) != (lng is None):
        raise ValidationFailed(_("Give both latitude and longitude."), field="lat")
    if lat is not None:
        updates["lat"], updates["lng"] = to_city_point(lat, lng, crs)
    if state is not None:
        updates["state"] = _state(state)
    chosen = amenities_resolve(amenities) if amenities is not None else None
    rows = _hours_rows(hours) if hours is not None else None
    with transaction.atomic():
        current = ServicePosition.objects.select_for_update().get(pk=position.pk)
        for field, value in updates.items():
            if getattr(current, field) != value:
                changes[field] = [getattr(current, field), value]
                setattr(current, field, value)
        moved = "lat" in changes or "lng" in changes
        opened_or_closed = "state" in changes and State.OPEN in changes["state"]
        current.save()
        if chosen is not None:
            before = sorted(current.amenities.values_list("code", flat=True))
            after = sorted(a.code for a in chosen)
            if before != after:
                current.amenities.set(chosen)
                changes["amenities"] = [before, after]
        if rows is not None:
            OpeningHours.objects.filter(position=current).delete()
            OpeningHours.objects.bulk_create([OpeningHours(position=current, day=d, opens=o, closes=c)
                                              for d, o, c in rows])
            changes["hours"] = "(changed)"
        if (moved and current.state == State.OPEN) or opened_or_closed:
            recompute_after_commit()
        audit_record(actor=actor, action="position.update", obj=current, changes=changes)
    return current


def position_set_state(*, actor, position: ServicePosition, state: str) -> ServicePosition:
    return position_update(actor=actor, position=position, state=state)


def positions_bulk_create(*, actor, rows: list[dict], note: str = "", errors=None,
                          recompute: bool = True) -> list[ServicePosition]:
    """Create many positions, all or nothing (Excel import, demo). Each row as position_create's keywords
    (unit as a Unit); every row is validated first; one audit event for the batch. `errors`: row errors
    the caller already found (an import's own checks), reported together with these."""
    errors = errors or RowErrors()
    prepared = []
    amenity_by_code = {a.code: a for a in Amenity.objects.filter(active=True)}
    for i, row in enumerate(rows, start=2):  # Excel rows: the header is row 1
        i = row.get("_row", i)
        try:
            unit = row["unit"]
            require_scope(actor, unit.path, "write")
            _level_unit(row["level"], unit)
            wlat, wlng = to_city_point(row["lat"], row["lng"], row.get("crs", "wgs84"))
            codes = list(dict.fromkeys(row.get("amenities") or []))
            missing = [c for c in codes if c not in amenity_by_code]
            if missing:
                raise ValidationFailed(_("Unknown amenity “%(code)s”.") % {"code": missing[0][:40]}, field="amenities")
            prepared.append((row, unit, wlat, wlng, codes, _hours_rows(row.get("hours")),
                             _text(row.get("name"), "name", required=True, label=_("Name")),
                             _text(row.get("address"), "address", required=True, label=_("Address")),
                             _state(row.get("state", State.OPEN))))
        except ValidationFailed as exc:
            errors.add(i, exc.field or "", exc.message)
        except Exception as exc:  # a NotFound/Forbidden from scope: the row is outside the caller's area
            if not hasattr(exc, "status"):
                raise
            errors.add(i, "unit", exc.message)
    errors.errors.sort(key=lambda e: e["row"])
    errors.raise_if_any()
    with transaction.atomic():
        objs = [ServicePosition(level=row["level"], unit=unit, unit_path=unit.path, name=name, lat=wlat, lng=wlng,
                                address=address, services=_text(row.get("services"), "services"),
                                contact_name=_text(row.get("contact_name"), "contact_name"),
                                contact_phone=_text(row.get("contact_phone"), "contact_phone"), state=state,
                                qr_token=secrets.token_urlsafe(12))
                for row, unit, wlat, wlng, _codes, _rows, name, address, state in prepared]
        objs = ServicePosition.objects.bulk_create(objs, batch_size=1000)
        if not all(o.pk for o in objs):  # (SQLite before 3.35 gives no ids back)
            tokens = [o.qr_token for o in objs]
            ids = dict(ServicePosition.objects.filter(qr_token__in=tokens).values_list("qr_token", "id"))
            for o in objs:
                o.pk = o.id = ids[o.qr_token]
        through = ServicePosition.amenities.through
        through.objects.bulk_create([through(serviceposition_id=o.pk, amenity_id=amenity_by_code[c].pk)
                                     for o, p in zip(objs, prepared, strict=True) for c in p[4]], batch_size=5000)
        OpeningHours.objects.bulk_create([OpeningHours(position_id=o.pk, day=d, opens=op, closes=cl)
                                          for o, p in zip(objs, prepared, strict=True) for d, op, cl in p[5]],
                                         batch_size=5000)
        if recompute and any(o.state == State.OPEN for o in objs):
            recompute_after_commit()
        audit_record(actor=actor, action="position.bulk_create", object_type="stations.serviceposition",
                     unit_path=common_path([o.unit_path for o in objs]),
                     changes={"count": len(objs), "note": note})
    return objs


# --- photos ----------------------------------------------------------------------------------------


def _reencode(upload) -> tuple[bytes, int, int, str]:
    """Decode the upload with Pillow and re-encode it (JPEG, or PNG when it has transparency): whatever
    else the file held (scripts, metadata, a polyglot) is dropped. (A local use of Pillow until the
    shared jiceng.core.uploads lands in main.)"""
    from PIL import Image, UnidentifiedImageError

    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("A photo may be at most %(mb)d MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)},
                               field="photo", code="photo_too_large")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise ValidationFailed(_("The photo has too many pixels."), field="photo", code="photo_too_large")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            keep_alpha = image.mode in ("RGBA", "LA", "P") and "transparency" in image.info or image.mode == "RGBA"
            out = io.BytesIO()
            if keep_alpha:
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                ext = "png"
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85)
                ext = "jpg"
            return out.getvalue(), image.width, image.height, ext
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(_("The photo is not a readable image (JPEG, PNG, GIF or WebP)."), field="photo",
                               code="photo_not_image") from None


def position_photo_add(*, actor, position: ServicePosition, upload) -> PositionPhoto:
    require_scope(actor, position.unit_path, "write")
    if upload is None:
        raise ValidationFailed(_("Choose a photo."), field="photo")
    data, width, height, ext = _reencode(upload)
    with transaction.atomic():
        if PositionPhoto.objects.filter(position=position).count() >= MAX_PHOTOS:
            raise ValidationFailed(_("At most %(n)d photos per position.") % {"n": MAX_PHOTOS}, field="photo")
        photo = PositionPhoto(position=position, unit_path=position.unit_path, width=width, height=height)
        photo.file.save(f"{secrets.token_hex(8)}.{ext}", ContentFile(data), save=False)
        photo.save()
        audit_record(actor=actor, action="position.photo_add", obj=position, changes={"photo": photo.pk})
    return photo


def position_photo_delete(*, actor, photo: PositionPhoto) -> None:
    require_scope(actor, photo.unit_path, "write")
    with transaction.atomic():
        pk = photo.pk
        photo.delete()
        audit_record(actor=actor, action="position.photo_delete", object_type="stations.serviceposition",
                     object_id=photo.position_id, unit_path=photo.unit_path, changes={"photo": pk})
    transaction.on_commit(lambda: photo.file.storage.delete(photo.file.name))


def user_can(user, path: str, capability: str) -> bool:
    return can(user, path, capability)
