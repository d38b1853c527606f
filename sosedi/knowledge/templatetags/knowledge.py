"""{% law_panel "quorum" "tos-charter" %}: the «Что говорит закон» panel of a page — published materials
linked to the legal topics the page names."""

from django import template

from ..selectors import law_panel as law_panel_items

register = template.Library()


@register.inclusion_tag("knowledge/_law_panel.html")
def law_panel(*codes):
    return {"items": law_panel_items(tuple(sorted(codes))), "codes": codes}
