"""Back-office editing of units and party organizations; every save goes through the services."""

from django import forms
from django.contrib import admin, messages

from jiceng.core.errors import ServiceError
from jiceng.core.scope import scope_filter
from jiceng.orgs import services
from jiceng.orgs.models import BigCommittee, PartTimeMember, PartyOrg, Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["kind", "code", "name", "parent", "address"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            try:
                services.validate_unit_fields(parent=data.get("parent"), kind=data.get("kind"),
                                              code=data.get("code"), name=data.get("name"))
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from None
        return data


class ScopedAdmin(admin.ModelAdmin):
    scope_field = "unit_path"

    def get_queryset(self, request):
        return scope_filter(super().get_queryset(request), request.user, self.scope_field)

    def has_delete_permission(self, request, obj=None):
        return False  # deletions are not part of the record; units are moved or renamed


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    form = UnitForm
    scope_field = "path"
    list_display = ["code", "name", "kind", "address"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "code", "parent"] if obj else []

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.unit_update(actor=request.user, unit=obj, name=obj.name, address=obj.address)
            else:
                created = services.unit_create(actor=request.user, parent=obj.parent, kind=obj.kind, code=obj.code,
                                               name=obj.name, address=obj.address)
                obj.pk = created.pk
        except ServiceError as exc:
            messages.error(request, exc.message)


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["unit", "parent", "secretary"]
    fields = ["kind", "name", "unit", "parent", "secretary", "established_on"]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.party_org_set_secretary(actor=request.user, org=obj, secretary=obj.secretary)
            else:
                created = services.party_org_create(actor=request.user, unit=obj.unit, kind=obj.kind, name=obj.name,
                                                    parent=obj.parent, secretary=obj.secretary,
                                                    established_on=obj.established_on)
                obj.pk = created.pk
        except ServiceError as exc:
            messages.error(request, exc.message)


@admin.register(BigCommittee)
class BigCommitteeAdmin(ScopedAdmin):
    list_display = ["unit", "level", "term_start", "term_end"]
    list_filter = ["level"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(PartTimeMember)
class PartTimeMemberAdmin(BigCommitteeAdmin):
    list_display = ["name", "source", "source_org", "committee"]
    list_filter = ["source"]
