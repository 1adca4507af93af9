"""Model backends: transformers (default), ctranslate2 (fast), pseudo (no model).

`base` holds what they share (decoding settings, the identity, the generation loop), `lazy` the
backend the command line builds (identity first, model on first use), `summarizer` the
abstractive summary model.
"""
