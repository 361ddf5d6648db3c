"""Exports of a release in the formats other claim-detection communities read (CheckThat!,
ClaimBuster, schema.org ClaimReview)."""
