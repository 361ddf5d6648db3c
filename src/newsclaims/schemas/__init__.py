"""The label taxonomy and everything generated from it (Label Studio XML, pandera schemas, Features)."""
