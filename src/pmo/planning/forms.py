from __future__ import annotations

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .models import Dependency, Interface, Task
from .selectors import task_calendars
from .services import INTERFACE_FIELDS

TASK_FORM_FIELDS = ("name", "code", "parent", "is_milestone", "duration", "elapsed", "constraint_type",
                    "constraint_date", "deadline", "calendar", "actual_start", "actual_finish", "percent_complete",
                    "remaining", "owner")


class TaskForm(VersionedForm):
    class Meta:
        model = Task
        fields = list(TASK_FORM_FIELDS)
        widgets = {name: DATE for name in ("constraint_date", "deadline", "calendar", "actual_start", "actual_finish")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Task.objects.filter(project=project).order_by("order", "pk")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["owner"].queryset = users_for_choice()
        self.fields["calendar"].queryset = task_calendars(project)
        self.fields["calendar"].empty_label = "the project's calendar"


class QuickTaskForm(forms.Form):
    """The one-line "add a task" row under the task table."""

    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "form-control",
                                                                          "placeholder": "New task name"}))
    duration = forms.DecimalField(min_value=0, max_digits=9, decimal_places=2, initial=1,
                                  widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    is_milestone = forms.BooleanField(required=False, label="Milestone")


class InlineTaskForm(forms.Form):
    """The fields a task row edits in place (htmx)."""

    version = forms.IntegerField()
    name = forms.CharField(max_length=200)
    duration = forms.DecimalField(min_value=0, max_value=100000, max_digits=9, decimal_places=2, required=False)
    percent_complete = forms.DecimalField(min_value=0, max_value=100, max_digits=5, decimal_places=2,
                                          required=False)


class DependencyForm(forms.ModelForm):
    """A link made from one project's plan: both ends are offered grouped by project (this project
    first) and one end must be in this project. The API may link any two projects whose plans the
    caller may change; this page keeps a project's links where its manager looks for them."""

    class Meta:
        model = Dependency
        fields = ["predecessor", "successor", "type", "lag", "elapsed"]

    def __init__(self, *args, tasks, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        groups: dict[int, tuple[str, list]] = {}
        for t in tasks:
            title = f"{t.project.code} " + ("(this project)" if t.project_id == project.pk else t.project.name)
            groups.setdefault(t.project_id, (title, []))[1].append((t.pk, f"{t.wbs} {t.name}".strip()))
        choices = list(groups.values())  # a list box: nothing chosen until a task is picked
        for name in ("predecessor", "successor"):
            self.fields[name].queryset = tasks
            self.fields[name].widget.choices = choices
            self.fields[name].widget.attrs.update({"data-filter": f"{name}-search", "size": 10})
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        ends = [data.get("predecessor"), data.get("successor")]
        if all(ends) and all(t.project_id != self.project.pk for t in ends):
            where = f"{self.project.code} {self.project.name}"
            self.add_error("predecessor", f"Neither the predecessor nor the successor is a task of {where}.")
            self.add_error("successor", f"Pick one end from {where}: a link between two other projects is "
                                        "made from one of their plans.")
        return data

    def _post_clean(self):
        """The service validates (both ends' scopes, cycles)."""


class InterfaceForm(VersionedForm):
    class Meta:
        model = Interface
        fields = list(INTERFACE_FIELDS)
        widgets = {"need_by": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, projects, providers, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].help_text = "the provider's side owns the interface and its delivery"
        self.fields["consumer"].queryset = projects
        for name in ("provider_task", "consumer_task"):
            self.fields[name].queryset = tasks
            self.fields[name].label_from_instance = lambda t: f"{t.project.code} {t.wbs} {t.name}"
        self.fields["owner"].queryset = users_for_choice()


class ImportForm(forms.Form):
    file = forms.FileField(help_text="MS Project XML (File > Save As > XML), at most 20 MB")
    replace = forms.BooleanField(required=False, help_text="delete the current plan of the project first")
