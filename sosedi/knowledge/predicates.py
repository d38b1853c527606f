"""Who may do what in the knowledge base. Association staff write (editors); experts and administrators check
a material against the law and publish it (reviewers), so nobody publishes unchecked law alone; everyone reads
what is published; any signed-in person asks a question."""

import rules

from sosedi.accounts.predicates import is_administrator, is_association_staff, is_expert

from .models import MaterialState


def _state(material):
    return getattr(material, "state", None)


@rules.predicate
def material_is_draft(user, material) -> bool:
    return _state(material) == MaterialState.DRAFT


@rules.predicate
def material_in_review(user, material) -> bool:
    return _state(material) == MaterialState.REVIEW


@rules.predicate
def material_is_public(user, material) -> bool:
    return getattr(material, "published_version_id", None) is not None


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


is_editor = is_association_staff | is_administrator
is_reviewer = is_expert | is_administrator
works_on_knowledge = is_association_staff | is_expert | is_administrator
