"""The morphology vocabulary, one for the classifier, the guideline engine, the GUI and the reports:
the labels of a record and the status of a criterion.

A module of its own so that the guideline engine and the GUI can name the labels without loading the
signal-processing stack.
"""

LABELS = ("LBBB", "RBBB", "IVCD", "paced", "normal", "undetermined")

# A criterion is met, not met, or not assessable with the leads and beats the record has.
MET, NOT_MET, NOT_ASSESSABLE = "met", "not_met", "not_assessable"
STATUS_WORDS = {MET: "met", NOT_MET: "not met", NOT_ASSESSABLE: "not assessable"}
