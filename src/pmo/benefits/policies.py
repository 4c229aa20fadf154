"""Who may see and change objectives, benefits, the benefits map and portfolio selection (DESIGN.md section 5).

- Objectives and the valuation settings: everyone signed in reads them; the PMO Director keeps them.
- Benefits, measurements and the map belong to a program: whoever holds a role on the program (or reads the
  whole portfolio) sees them, a Project Manager sees the benefits their projects' milestones enable. The
  Director and the program's Program Manager change them and record the handover; measurements are recorded
  by those, by PMO Analysts, and by the Project Managers of an enabling project.
- Portfolio selection (candidates, scenarios) is a portfolio question: the portfolio-wide roles and Steering
  Committee members and Coordinators see it; the Director and Analysts keep the candidates; the Director,
  Analysts and the Steering Committee run what-if scenarios (the decision goes to governance).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy

from .models import Benefit, BenefitSettings, Candidate, MapEdge, MapNode, Measurement, Objective, SelectionScenario


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def manages_program(user, program_id: int) -> bool:
    scopes = scopes_of(user)
    return scopes.is_director or scopes.has_program_role(program_id, Role.PROGRAM_MANAGER)


def sees_program(user, program_id: int) -> bool:
    scopes = scopes_of(user)
    return scopes.sees_everything or program_id in scopes.program_ids()


def on_steering(user) -> bool:
    return any(Role.STEERING_COMMITTEE in roles for roles in scopes_of(user).program_roles.values())


class SettingsPolicy(Policy):
    model = BenefitSettings
    actions = ("view", "change")

    def visible(self, user, queryset=None):
        queryset = BenefitSettings.objects.all() if queryset is None else queryset
        return queryset if _active(user) else queryset.none()

    def can_view(self, user, obj):
        return True

    def can_change(self, user, obj):
        return scopes_of(user).is_director


class ObjectivePolicy(Policy):
    model = Objective

    def visible(self, user, queryset=None):
        queryset = Objective.objects.all() if queryset is None else queryset
        return queryset if _active(user) else queryset.none()

    def can_view(self, user, obj):
        return True

    def can_create(self, user, obj):
        return scopes_of(user).is_director

    can_change = can_create
    can_delete = can_create


class BenefitPolicy(Policy):
    model = Benefit
    actions = ("view", "create", "change", "delete", "measure", "handover")

    def visible(self, user, queryset=None):
        queryset = Benefit.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        enabled = Benefit.milestones.through.objects.filter(
            benefit_id=OuterRef("pk"), task__project_id__in=list(scopes.project_roles))
        return queryset.filter(Q(program_id__in=scopes.program_ids()) | Exists(enabled))

    def can_view(self, user, obj):
        return sees_program(user, obj.program_id) or self.enabled_by_own_project(user, obj)

    @staticmethod
    def enabled_by_own_project(user, obj, role=None) -> bool:
        scopes = scopes_of(user)
        projects = [pk for pk, roles in scopes.project_roles.items() if role is None or role in roles]
        return bool(projects) and obj.milestones.filter(project_id__in=projects).exists()

    def can_create(self, user, program):
        """``program`` is the program the benefit would belong to."""
        return manages_program(user, program.pk)

    def can_change(self, user, obj):
        return manages_program(user, obj.program_id)

    can_delete = can_change
    can_handover = can_change

    def can_measure(self, user, obj):
        return (manages_program(user, obj.program_id) or Role.PMO_ANALYST in scopes_of(user).portfolio_roles
                or self.enabled_by_own_project(user, obj, Role.PROJECT_MANAGER))


class MeasurementPolicy(Policy):
    model = Measurement
    actions = ("view",)

    def visible(self, user, queryset=None):
        queryset = Measurement.objects.all() if queryset is None else queryset
        return queryset.filter(benefit__in=benefit_policy.visible(user))

    def can_view(self, user, obj):
        return benefit_policy.can_view(user, obj.benefit)


class MapPolicy(Policy):
    actions = ("view", "create", "delete")

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        return queryset if scopes.sees_everything else queryset.filter(program_id__in=scopes.program_ids())

    def can_view(self, user, obj):
        return sees_program(user, obj.program_id)

    def can_create(self, user, program):
        return manages_program(user, program.pk)

    def can_delete(self, user, obj):
        return manages_program(user, obj.program_id)


class MapNodePolicy(MapPolicy):
    model = MapNode


class MapEdgePolicy(MapPolicy):
    model = MapEdge


def sees_selection(user) -> bool:
    """Portfolio-wide roles, and Steering Committee members and PMO Coordinators of any program."""
    if not _active(user):
        return False
    scopes = scopes_of(user)
    return scopes.sees_everything or any(roles & {Role.STEERING_COMMITTEE, Role.PMO_COORDINATOR}
                                         for roles in scopes.program_roles.values())


class CandidatePolicy(Policy):
    model = Candidate

    def visible(self, user, queryset=None):
        queryset = Candidate.objects.all() if queryset is None else queryset
        return queryset if sees_selection(user) else queryset.none()

    def can_view(self, user, obj):
        return sees_selection(user)

    def can_create(self, user, obj):
        scopes = scopes_of(user)
        return scopes.is_director or Role.PMO_ANALYST in scopes.portfolio_roles

    can_change = can_create
    can_delete = can_create


class ScenarioPolicy(Policy):
    model = SelectionScenario
    actions = ("view", "start")

    def visible(self, user, queryset=None):
        queryset = SelectionScenario.objects.all() if queryset is None else queryset
        return queryset if sees_selection(user) else queryset.none()

    def can_view(self, user, obj):
        return sees_selection(user)

    def can_start(self, user, obj):
        scopes = scopes_of(user)
        return scopes.is_director or Role.PMO_ANALYST in scopes.portfolio_roles or on_steering(user)


settings_policy = SettingsPolicy()
objective_policy = ObjectivePolicy()
benefit_policy = BenefitPolicy()
measurement_policy = MeasurementPolicy()
node_policy = MapNodePolicy()
edge_policy = MapEdgePolicy()
candidate_policy = CandidatePolicy()
scenario_policy = ScenarioPolicy()
