"""The morphology labels, one vocabulary for the classifier, the guideline engine, the GUI and the reports.

A module of its own so that the guideline engine and the GUI can name the labels without loading the
signal-processing stack.
"""

LABELS = ("LBBB", "RBBB", "IVCD", "paced", "normal", "undetermined")
