"""Headless training for ECG-CRT: datasets, pre-training, cross-validation, fine-tuning, export.

Every model input is built with the application's own functions (`ecgcrt_gui.core`), so the
bundled weights saw exactly what the app computes in the clinic. Run `python -m training --help`.
"""
