"""`newsclaims bench`: each stage timed against a floor measured in the same run (issue 5)."""
