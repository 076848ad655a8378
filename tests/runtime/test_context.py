"""The Lambda context stand-in's request ids."""

from __future__ import annotations

import uuid
from collections import Counter

from lambdaworks.runtime.context import LambdaContext, new_request_id


def test_request_ids_are_random_uuid4s_in_their_canonical_form() -> None:
    """Lambda's request ids are UUID4s in lower-case 8-4-4-4-12 form: version digit 4, variant
    10xx, every other bit random (each variant digit 8, 9, a and b turns up)."""
    ids = [new_request_id() for _ in range(4000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
    variants = Counter(value[19] for value in ids)
    assert set(variants) == set("89ab")
    assert min(variants.values()) > 800  # about 1,000 each
    assert LambdaContext().aws_request_id != LambdaContext().aws_request_id
