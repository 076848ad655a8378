"""The gateway's JSON encoder: orjson where it can, the standard library where orjson refuses."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from lambdaworks.local import jsonio

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_what_it_writes_reads_back_as_the_same_value(value: object) -> None:
    assert json.loads(jsonio.dumps(value)) == value


def test_what_orjson_refuses_is_written_by_the_standard_library() -> None:
    big = {"id": 2**70, "n": [1, 2]}
    assert jsonio.dumps(big) == b'{"id": 1180591620717411303424, "n": [1, 2]}'
    assert json.loads(jsonio.dumps({1: "one"})) == {"1": "one"}  # json's own rule: keys become strings
