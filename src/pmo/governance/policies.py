"""Who may see and do what in governance (README "Roles", docs/architecture.md section 4).

- Gates, criteria, reviews and the decision log of a program are read by everyone who sees the program.
- Lifecycles, criteria evidence and review dates are kept by the PMO Director, the PMO Coordinator
  (portfolio-wide or of the program) and the program's Program Manager; a project's gate criteria also by the
  project's Project Manager (the evidence is theirs).
- Gate decisions, and decisions on what waits for the committee (budget changes beyond tolerance), are the
  Steering Committee's: a member with the role ``steering_committee`` on the program. Nobody else, not even the
  PMO Director, records them: they get a 403 that says so.
- The audit trail of an object is shown to whoever may see the object; the chain verification and the history
  of deleted objects to the PMO Director.
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.stakeholders.policies import manages_program, sees_program

from .models import ChainVerification, Decision, Gate, GateCriterion, GateReview, GovernanceSettings


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def on_committee(user, program_id: int) -> bool:
    """A member of the program's Steering Committee."""
    return _active(user) and scopes_of(user).has_program_role(program_id, Role.STEERING_COMMITTEE)


def not_on_committee(program) -> str:
    return (f"only a member of the Steering Committee of {program.code} records this decision "
            "(role steering_committee on the program)")


def is_director(user) -> bool:
    return _active(user) and scopes_of(user).is_director


class _ProgramScoped(Policy):
    actions = ("view", "change")
    prefix = ""

    def _ids(self, obj) -> tuple[int, int | None]:
        return obj.program_id, getattr(obj, "project_id", None)

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        return queryset.filter(**{f"{self.prefix}program_id__in": scopes.visible_program_ids()})

    def can_view(self, user, obj):
        return sees_program(user, self._ids(obj)[0])

    def can_change(self, user, obj):
        program_id, project_id = self._ids(obj)
        return manages_program(user, program_id) or (
            project_id is not None and _active(user)
            and scopes_of(user).has_project_role(project_id, Role.PROJECT_MANAGER))


class GatePolicy(_ProgramScoped):
    model = Gate
    actions = ("view", "change", "schedule")

    def can_schedule(self, user, gate):
        return manages_program(user, gate.program_id)


class CriterionPolicy(_ProgramScoped):
    model = GateCriterion
    prefix = "gate__"

    def _ids(self, obj):
        return obj.gate.program_id, obj.gate.project_id


class ReviewPolicy(_ProgramScoped):
    model = GateReview
    prefix = "gate__"
    actions = ("view", "change", "decide")

    def _ids(self, obj):
        return obj.gate.program_id, obj.gate.project_id

    def can_change(self, user, review):
        return manages_program(user, review.gate.program_id)

    def can_decide(self, user, review):
        return on_committee(user, review.gate.program_id)


class DecisionPolicy(_ProgramScoped):
    model = Decision
    actions = ("view",)


class SettingsPolicy(_ProgramScoped):
    model = GovernanceSettings

    def can_change(self, user, obj):
        return manages_program(user, obj.program_id)


gate_policy = GatePolicy()
criterion_policy = CriterionPolicy()
review_policy = ReviewPolicy()
decision_policy = DecisionPolicy()
settings_policy = SettingsPolicy()


class VerificationPolicy(Policy):
    model = ChainVerification
    actions = ("view",)

    def visible(self, user, queryset=None):
        queryset = ChainVerification.objects.all() if queryset is None else queryset
        return queryset if is_director(user) else queryset.none()

    def can_view(self, user, obj):
        return is_director(user)


verification_policy = VerificationPolicy()
