"""What users get, built on the interfaces: one folder per feature, each declared once in
`registry.py` (see `spec.FeatureSpec` for the modules a feature may hold)."""
