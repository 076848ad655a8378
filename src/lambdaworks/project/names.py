"""CloudFormation logical IDs for the names a native config uses (``hello-world`` -> ``HelloWorld``)."""

from __future__ import annotations

import re


def pascal(name: str) -> str:
    """``name`` as an alphanumeric PascalCase identifier."""
    words = [word for word in re.split(r"[^A-Za-z0-9]+", name) if word]
    text = "".join(word[:1].upper() + word[1:] for word in words)
    if not text or not text[0].isalpha():
        text = f"X{text}"
    return text
