from django import forms
from django.contrib import admin, messages

from jiceng.core.errors import ServiceError
from jiceng.core.scope import scope_filter
from jiceng.people import services
from jiceng.people.models import Person


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(required=False, label="身份证号码 / identity number")
    phone = forms.CharField(required=False, label="电话 / phone")

    class Meta:
        model = Person
        fields = ["name", "gender", "birth_date", "household", "is_resident"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """People with masked numbers; saves go through person_create / person_update."""

    form = PersonForm
    list_display = ["name", "gender", "age", "id_number_masked", "phone_masked", "household"]
    search_fields = ["name"]
    raw_id_fields = ["household"]
    show_full_result_count = False

    def get_queryset(self, request):
        return scope_filter(super().get_queryset(request), request.user, "unit_path").select_related("household")

    def get_fields(self, request, obj=None):
        """The birth date is asked when a person is added, never shown again (it and the masked number
        together would rebuild the identity number)."""
        fields = list(super().get_fields(request, obj))
        return [f for f in fields if f != "birth_date"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                services.person_update(actor=request.user, person=obj, name=data["name"],
                                       phone=data["phone"] or None, household=data["household"],
                                       is_resident=data["is_resident"])
            else:
                created = services.person_create(actor=request.user, household=data["household"], name=data["name"],
                                                 gender=data["gender"], birth_date=data["birth_date"],
                                                 id_number=data["id_number"], phone=data["phone"],
                                                 is_resident=data["is_resident"])
                obj.pk = created.pk
        except ServiceError as exc:
            messages.error(request, exc.message)
