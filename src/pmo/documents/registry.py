"""The objects documents may belong to, registered by the app that owns each (so this app never imports upward).

``register("contract", Contract, scope=lambda c: (c.program, c.project))`` in an app's ``ready()`` lets
documents attach to contracts: ``scope`` names the program (and project, or None) of an object, which the
document keeps. ``scoped=True`` says the model's own policy shows an object exactly to those who see its
scope (programs, projects); otherwise documents are shown only to those who also see the object through
``pmo.core.policies.policy_for(model).visible(user)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Attachable:
    key: str
    model: type[models.Model]
    scope: Callable
    scoped: bool = False

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


ATTACHABLES: dict[str, Attachable] = {}


def register(key: str, model: type[models.Model], *, scope: Callable, scoped: bool = False) -> None:
    ATTACHABLES[key] = Attachable(key, model, scope, scoped)


def for_model(model) -> Attachable | None:
    model = model if isinstance(model, type) else type(model)
    return next((a for a in ATTACHABLES.values() if a.model is model), None)
