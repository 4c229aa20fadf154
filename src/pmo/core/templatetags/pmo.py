from urllib.parse import urlencode

from django import template

register = template.Library()


@register.inclusion_tag("core/sort_header.html")
def sort_header(listing, key: str, label: str):
    """A column heading that sorts by ``key``, toggling the direction, keeping search and filters."""
    params = {**listing.filters, "sort": listing.sort_link(key)}
    if listing.query:
        params["q"] = listing.query
    direction = "asc" if listing.sort == key else "desc" if listing.sort == f"-{key}" else ""
    return {"href": "?" + urlencode(params), "label": label, "direction": direction}
