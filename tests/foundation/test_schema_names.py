"""Every API schema class has its own name: django-ninja files the OpenAPI components by class name, so two
apps' ``RiskOut`` made the risks list validate against the benefits' schema (the fuzzer caught it)."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import pmo


def test_api_schema_names_are_unique():
    owners = defaultdict(list)
    for module_info in pkgutil.iter_modules(pmo.__path__):
        try:
            module = importlib.import_module(f"pmo.{module_info.name}.api")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                owners[name].append(module.__name__)
    clashes = {name: modules for name, modules in owners.items() if len(modules) > 1}
    assert not clashes, f"schema classes with the same name in several apps: {clashes}"
    assert len(owners) > 50


def test_enum_names_are_unique():
    """Enums are OpenAPI components by class name too: communications' ``ActionStatus`` replaced the stakeholders'
    one and the fuzzer failed the engagement actions."""
    owners = defaultdict(set)
    for module_info in pkgutil.iter_modules(pmo.__path__):
        for part in ("models", "api"):
            try:
                module = importlib.import_module(f"pmo.{module_info.name}.{part}")
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, enum.Enum) and cls.__module__.startswith("pmo."):
                    owners[name].add(cls.__module__)
    clashes = {name: modules for name, modules in owners.items() if len(modules) > 1}
    assert not clashes, f"enums with the same name in several modules: {clashes}"
