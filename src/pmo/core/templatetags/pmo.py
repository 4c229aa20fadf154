from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("core/sort_header.html")
def sort_header(listing, key: str, label: str, css: str = ""):
    """A column heading (the whole ``<th>``) that sorts by ``key``, toggling the direction, keeping search and
    filters; the sorted column carries ``aria-sort``, which ARIA allows on the header cell only."""
    params = {**listing.filters, "sort": listing.sort_link(key)}
    if listing.query:
        params["q"] = listing.query
    direction = "asc" if listing.sort == key else "desc" if listing.sort == f"-{key}" else ""
    return {"href": "?" + urlencode(params), "label": label, "direction": direction, "css": css}


@register.filter
def seed(value):
    """A run's seed for reading: up to six digits as they are (what a run draws); longer ones in
    groups of three, and a very long one (old runs drew 128-bit seeds) as its first and last digits
    with the whole of it in the tooltip."""
    if value in (None, ""):
        return "random"
    digits = str(value)
    if len(digits) <= 6:
        return digits
    if len(digits) <= 12:
        return f"{int(digits):,}".replace(",", "\u202f")
    return format_html('<span title="{}">{}…{}</span>', digits, digits[:4], digits[-4:])


#: context names a page's object goes by, looked at in this order by ``read_only_notice``
PAGE_OBJECTS = ("object", "task", "project", "program", "target")


@register.inclusion_tag("core/_read_only.html", takes_context=True)
def read_only_notice(context):
    """The banner of a page whose object is read-only (``policies.write_refusal``: its project or program is
    archived), drawn once in base.html for every app's pages."""
    from ..policies import write_refusal

    for name in PAGE_OBJECTS:
        obj = context.get(name)
        if obj is not None and hasattr(obj, "_meta"):
            return {"refusal": write_refusal(obj)}
    return {"refusal": None}


@register.inclusion_tag("core/_nav_item.html", takes_context=True)
def nav_item(context, url: str, label: str, section: str = ""):
    """A main-menu link, marked current on the pages under ``section`` (default: its own address). A prefix, not
    a substring: /communications/programs/… is under Communications, not Programs."""
    return {"url": url, "label": label, "current": context["request"].path.startswith(section or url)}
