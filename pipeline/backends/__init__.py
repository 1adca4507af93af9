"""Model backends: transformers (default), ctranslate2 (fast), pseudo (no model)."""
