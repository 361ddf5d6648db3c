"""The entity labels the rule-based pre-annotator (`newsclaims.annotation.preannotate`) proposes.

Its rules are written for these taxonomy labels (a money pattern means MONEY), so the names sit
here, with the taxonomy code, rather than in the rules. The label config check of every
prediction (`PredictionBuilder`) fails loudly if the taxonomy ever drops one of them.
"""

from __future__ import annotations

MONEY = "MONEY"
DATE = "DATE"
QUANTITY = "QUANTITY"
