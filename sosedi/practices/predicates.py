"""Who may propose a practice and who decides: the project's leaders (its initiators, the ТОС chair or council)
for a project whose final report is published; the association's staff for the decision."""

import rules

from sosedi.accounts.predicates import is_administrator, is_association_staff, is_tos_body
from sosedi.initiatives.models import ProjectStatus
from sosedi.initiatives.predicates import is_project_initiator


@rules.predicate
def project_is_reported(user, project) -> bool:
    """Built, with the final report of ч. 14 ст. 26.1 131-ФЗ published: only then are results known."""
    return getattr(project, "status", None) == ProjectStatus.REPORTED


@rules.predicate
def is_project_tos_body(user, project) -> bool:
    return project is not None and project.tos_id is not None and is_tos_body(user, project.tos)


@rules.predicate
def practice_is_proposed(user, practice) -> bool:
    return getattr(practice, "state", None) == "proposed"


@rules.predicate
def practice_is_accepted(user, practice) -> bool:
    return getattr(practice, "state", None) == "accepted"


@rules.predicate
def practice_is_declined(user, practice) -> bool:
    return getattr(practice, "state", None) == "declined"


decides_practices = is_association_staff | is_administrator
proposes_practice = project_is_reported & (is_project_initiator | is_project_tos_body | is_administrator)


@rules.predicate
def proposes_its_project(user, practice) -> bool:
    """Whoever may propose the practice's project may send the proposal again: the same people, the same rule."""
    project = getattr(practice, "project", None)
    return project is not None and proposes_practice.test(user, project)
