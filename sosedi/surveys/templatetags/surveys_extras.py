from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Look a key up in a dict (a chart by question id, a label by dimension)."""
    return mapping.get(key, "") if mapping else ""
