"""Annotation stage: Label Studio sync (push, pull), pre-annotation and agreement."""
