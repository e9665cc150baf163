from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from organisation.access import admin_entes
from organisation.models import Assignment, Ente, Membership, OrgUnit, Person


def _scoped_choices(queryset, request):
    """Limit a form field's choices to what belongs to the user's entes."""
    if request.user.is_superuser:
        return queryset
    model = queryset.model
    entes = admin_entes(request.user)
    if model is Ente:
        return queryset.filter(pk__in=entes)
    if model is get_user_model():
        return queryset.filter(memberships__ente__in=entes).distinct()
    if any(field.name == "ente" for field in model._meta.fields):
        return queryset.filter(ente__in=entes)
    return queryset


class EnteScopedFieldsMixin:
    """Every related-object choice in the form is limited to the user's entes."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped_choices(field.queryset, request)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped_choices(field.queryset, request)
        return field


class EnteScopedAdmin(EnteScopedFieldsMixin, admin.ModelAdmin):
    """A model admin whose rows, choices and object permissions stop at the user's entes."""

    ente_lookup = "ente"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.ente_lookup}__in": admin_entes(request.user)})

    def _in_scope(self, request, obj: Model | None) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        ente_id = obj.pk if self.ente_lookup == "pk" else getattr(obj, "ente_id", None)
        if not hasattr(request, "_admin_ente_ids"):  # one query per request, however many checks
            request._admin_ente_ids = set(admin_entes(request.user).values_list("pk", flat=True))
        return ente_id is None or ente_id in request._admin_ente_ids

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        # The history of another ente's row is as unreachable as the row itself.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is shown, never written back: simple-history's form view saves a POST
        # even with revert disabled, and a revert would write around the workflow's services.
        if request.method != "GET":
            raise PermissionDenied
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        request.piao_history_readonly = True  # every field shown as text, none as an input
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, "piao_history_readonly", False):
            readonly += [
                field.name
                for field in self.model._meta.get_fields()
                if field.concrete and not field.auto_created and field.name not in readonly
            ]
        return readonly


class LabelledTabularMixin:
    """A tabular inline names its columns only in the heading row; each input gets its own
    accessible name, so that a screen reader says what it is (axe: label, select-name)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = _("Elimina")

        Labelled.__name__ = formset.__name__
        return Labelled


class ReadOnlyAdminMixin:
    """Shown in the admin, written only by the app's services: no add, change or delete for
    anyone, superusers included."""

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ente)
class EnteAdmin(EnteScopedAdmin):
    ente_lookup = "pk"
    list_display = ["name", "slug", "istat_code", "ipa_code"]
    search_fields = ["name", "slug", "istat_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OrgUnit)
class OrgUnitAdmin(EnteScopedAdmin):
    list_display = ["name", "code", "kind", "parent", "ente", "valid_from_year", "valid_to_year"]
    list_filter = [("ente", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["parent", "ente"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    ordering = ["ente", "kind", "code", "name"]


class AssignmentInline(LabelledTabularMixin, EnteScopedFieldsMixin, admin.TabularInline):
    model = Assignment
    fk_name = "person"
    extra = 0
    fields = ["role", "unit", "start_date", "end_date"]
    autocomplete_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(EnteScopedAdmin):
    list_display = ["full_name", "email", "ente", "user"]
    list_filter = [("ente", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["ente", "user"]
    search_fields = ["full_name", "email"]
    inlines = [AssignmentInline]

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            inline_form.instance.ente_id = form.instance.ente_id
        formset.save()


@admin.register(Assignment)
class AssignmentAdmin(EnteScopedAdmin):
    list_display = ["person", "role", "unit", "start_date", "end_date"]
    list_filter = [("ente", admin.RelatedOnlyFieldListFilter), "role"]
    list_select_related = ["person", "unit"]
    search_fields = ["person__full_name", "unit__name"]
    autocomplete_fields = ["person", "unit"]
    exclude = ["ente"]


@admin.register(Membership)
class MembershipAdmin(EnteScopedAdmin):
    list_display = ["user", "ente", "role"]
    list_filter = [("ente", admin.RelatedOnlyFieldListFilter), "role"]
    list_select_related = ["user", "ente"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
