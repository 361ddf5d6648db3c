"""The label taxonomy and everything generated from it (Label Studio XML, pandera schemas, Features)."""

from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy

__all__ = ["Taxonomy", "load_taxonomy"]
