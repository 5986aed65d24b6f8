"""The analysis pipeline: no Qt here; torch only in model, bundle and inference, imported lazily."""
