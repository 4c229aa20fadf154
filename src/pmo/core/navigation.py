"""Breadcrumbs: Portfolio > Program > Project > Plan/RAID > object, built from the objects themselves.

Each model names its place with ``crumb_parent`` (the object or :class:`Crumb` section above it, or
None at the top) and its link with ``get_absolute_url()``; a page passes its object (and, for a form,
its own label) to :func:`breadcrumbs`, and ``base.html`` draws the trail. A crumb the user may not
open is shown as text, never as a link to a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .policies import policy_for


@dataclass(frozen=True)
class Crumb:
    """A section page on the way (the "Plan" of a project, its "RAID" log), under ``parent``."""

    label: str
    url: str = ""
    parent: object = None

    @property
    def crumb_parent(self):
        return self.parent


def _label(node) -> str:
    return getattr(node, "crumb_label", None) or str(node)


def breadcrumbs(user, *trail) -> list[Crumb]:
    """The trail from the portfolio overview to the last of ``trail`` (objects, Crumbs or plain labels).

    The first item of ``trail`` brings its ancestors along; the last item is the current page.
    """
    if not trail:
        return [Crumb("Portfolio")]
    ancestors = []
    node = getattr(trail[0], "crumb_parent", None)
    while node is not None:
        ancestors.append(node)
        node = node.crumb_parent
    nodes = [*reversed(ancestors), *trail]
    crumbs = [Crumb("Portfolio", reverse("portfolio:overview"))]
    hidden: set[int] = set()  # ids of objects the user may not open; sections under them are text too
    for node in nodes:
        if isinstance(node, str):
            crumbs.append(Crumb(node))
        elif isinstance(node, Crumb):
            crumbs.append(Crumb(node.label, "" if id(node.parent) in hidden else node.url))
        else:
            policy = policy_for(node)
            if policy is not None and not policy.can(user, "view", node):
                hidden.add(id(node))
                crumbs.append(Crumb(_label(node)))
            else:
                crumbs.append(Crumb(_label(node), node.get_absolute_url()))
    return crumbs
