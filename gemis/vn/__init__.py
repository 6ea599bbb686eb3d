"""Vietnamese language and documents, without Django.

The ground floor of GEMIS: text folding and normalisation (:mod:`.text`), the deadline
language of plans (:mod:`.deadlines`), the keying of agency names (:mod:`.agency_names`)
and the reader of plan documents (:mod:`.parser`). Nothing here imports Django or another
GEMIS package, so each part is usable and testable on its own (``gemis/vn/tests``
proves it).
"""
