"""Who may see and manage documents (README "Roles", docs/architecture.md section 4).

A user sees a document when they see its scope (the portfolio-wide roles everything; program roles their
programs' documents, also those of the programs' projects; project roles their projects' documents, not the
parent program's) **and** the object it belongs to (through that object's own policy, unless the registry
says the object is seen exactly by its scope). Everything else is 404: the page, the file, the API and the
search results.

Managing (upload, new version, metadata, delete) belongs to the PMO Director everywhere, the PMO Coordinator
within their scope (portfolio or programs), the Program Manager in their programs and the Project Manager in
their projects. The Analyst and the Steering Committee read.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy, policy_for

from .models import Document, DocumentVersion
from .registry import ATTACHABLES, for_model


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def sees_scope(user, program_id: int, project_id: int | None) -> bool:
    scopes = scopes_of(user)
    return (scopes.sees_everything or program_id in scopes.program_ids()
            or (project_id is not None and project_id in scopes.project_roles))


def manages_scope(user, program_id: int, project_id: int | None) -> bool:
    scopes = scopes_of(user)
    if scopes.is_director or Role.PMO_COORDINATOR in scopes.portfolio_roles:
        return True
    return (scopes.has_program_role(program_id, Role.PMO_COORDINATOR, Role.PROGRAM_MANAGER)
            or (project_id is not None and scopes.has_project_role(project_id, Role.PROJECT_MANAGER)))


def sees_target(user, target) -> bool:
    """May the user see the object a document belongs to (its policy, or its scope for scoped models)?"""
    attachable = for_model(target)
    if attachable is None:
        return False
    program, project = attachable.scope(target)
    if not sees_scope(user, program.pk, project.pk if project else None):
        return False
    if attachable.scoped:
        return True
    policy = policy_for(target)
    return policy is not None and policy.can(user, "view", target)


def target_visible(user, target) -> bool:
    """Does the user see ``target`` itself (its own policy)? Decides 404/422 against 403 when attaching."""
    policy = policy_for(target)
    return for_model(target) is not None and policy is not None and policy.can(user, "view", target)


def manages_target(user, target) -> bool:
    """May the user attach documents to ``target`` (seen, and in a scope they manage documents in)?"""
    if not _active(user) or not sees_target(user, target):
        return False
    program, project = for_model(target).scope(target)
    return manages_scope(user, program.pk, project.pk if project else None)


def _targets_q(user) -> Q:
    """Documents whose object the user sees: registered scoped types as they are, others through their policy."""
    q = Q(pk__in=[])
    for attachable in ATTACHABLES.values():
        content_type = ContentType.objects.get_for_model(attachable.model)
        if attachable.scoped:
            q |= Q(content_type_id=content_type.pk)
        else:
            policy = policy_for(attachable.model)
            if policy is not None:
                q |= Q(content_type_id=content_type.pk, object_id__in=policy.visible(user).values("pk"))
    return q


class DocumentPolicy(Policy):
    model = Document
    actions = ("view", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = Document.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        if not scopes.sees_everything:
            queryset = queryset.filter(Q(program_id__in=scopes.program_ids())
                                       | Q(project_id__in=list(scopes.project_roles)))
        return queryset.filter(_targets_q(user))

    def can_view(self, user, document):
        return sees_scope(user, document.program_id, document.project_id) and document.target is not None \
            and sees_target(user, document.target)

    def can_change(self, user, document):
        return self.can_view(user, document) and manages_scope(user, document.program_id, document.project_id)

    can_delete = can_change


class DocumentVersionPolicy(Policy):
    model = DocumentVersion
    actions = ("view",)

    def visible(self, user, queryset=None):
        queryset = DocumentVersion.objects.all() if queryset is None else queryset
        return queryset.filter(document__in=document_policy.visible(user))

    def can_view(self, user, version):
        return document_policy.can(user, "view", version.document)


document_policy = DocumentPolicy()
version_policy = DocumentVersionPolicy()
