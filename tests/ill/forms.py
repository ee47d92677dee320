"""What a librarian's browser posts from the request form."""

import uuid

from tests.factories import ill_request_details


def form_data(library, action="review", **overrides):
    data = ill_request_details(requesting_library=library)
    data.update(
        requesting_library=library.pk,
        new_library_name="",
        new_library_kind="academic",
        new_library_country="",
        new_library_city="",
        referrer_code="",
        submission_key=str(uuid.uuid4()),
        action=action,
    )
    data.update(overrides)
    # A browser sends nothing for an unticked box and "on" for a ticked one.
    return {k: ("on" if v is True else "" if v is None else v) for k, v in data.items() if v is not False}
