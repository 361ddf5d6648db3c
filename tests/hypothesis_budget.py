"""How many examples a property test draws: its full number in `make test`, a quarter in
`make test-fast` (NEWSCLAIMS_FAST_TESTS=1), the loop one iterates with. Same tests, same
strategies; only the search is shorter there."""

from __future__ import annotations

import os

FAST = os.environ.get("NEWSCLAIMS_FAST_TESTS") == "1"


def examples(n: int) -> int:
    return max(20, n // 4) if FAST else n
