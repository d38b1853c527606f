"""Survey permissions. docs/permissions.md has their role × state table; tests/test_permissions.py checks every
cell of it."""

import rules

from sosedi.accounts.predicates import is_administrator
from sosedi.meetings.predicates import in_meeting_tos_body, official_for_meeting

from .predicates import (
    in_audience,
    is_region_staff,
    manages_survey,
    may_create_here,
    meeting_takes_surveys,
    results_are_public,
    survey_is_draft,
    survey_is_open,
)

rules.add_perm("surveys.add_survey", is_administrator | may_create_here)
# A draft is its authors' working copy; a published survey is seen by anyone (its audience decides who answers).
rules.add_perm("surveys.view_survey", ~survey_is_draft | manages_survey)
# Structure changes are further limited by the service once answers exist (they would corrupt them).
rules.add_perm("surveys.change_survey", manages_survey)
rules.add_perm("surveys.answer_survey", survey_is_open & in_audience)
rules.add_perm("surveys.view_results", manages_survey | results_are_public)
# Raw answers leave the platform only with those who run the survey.
rules.add_perm("surveys.export_responses", manages_survey)
# Addressing a survey to a meeting's participants: those who see its registration list (meetings.view_participants);
# selectors.meetings_for_audience lists the same meetings for the builder's field.
rules.add_perm(
    "surveys.address_meeting", meeting_takes_surveys & (is_administrator | in_meeting_tos_body | official_for_meeting)
)
# The problem field's classifier is the association's research tool.
rules.add_perm("surveys.train_classifier", is_region_staff)
