"""Release stage: validate annotations, measure agreement, build the dataset and its card."""
