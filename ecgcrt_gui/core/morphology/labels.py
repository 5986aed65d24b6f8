"""The morphology vocabulary, one for the classifier, the guideline engine, the GUI and the reports:
the labels of a record and the status of a criterion.

A module of its own so that the guideline engine and the GUI can name the labels without loading the
signal-processing stack.
"""

LABELS = ("LBBB", "RBBB", "IVCD", "paced", "normal", "undetermined")

# A criterion is met, not met, or not assessable with the leads and beats the record has.
MET, NOT_MET, NOT_ASSESSABLE = "met", "not_met", "not_assessable"
STATUS_WORDS = {MET: "met", NOT_MET: "not met", NOT_ASSESSABLE: "not assessable"}

# The criteria every reading reports (Morphology.criteria keys, in this order): the batch table has
# a column per criterion, so a criterion added here is a new column set version (core/batch/columns.py).
CRITERIA = (
    "pacing_spikes",
    "strauss_qrs", "strauss_qs_rs_v1_v2", "strauss_mid_qrs_notching",
    "aha_qrs", "aha_broad_notched_r", "aha_absent_q", "aha_r_peak_time_v5_v6", "aha_st_t_discordant",
    "rbbb_qrs", "rbbb_rsr_v1_v2", "rbbb_wide_s_i_v6", "rbbb_r_peak_time_v1",
    "ivcd_qrs",
)
