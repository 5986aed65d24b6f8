"""Colours: the Okabe-Ito colour-blind-safe palette for beat classes; colour maps for images."""

from __future__ import annotations

from PySide6.QtGui import QColor

# AAMI EC57 beat classes (Okabe & Ito 2008, distinguishable with every common colour-vision deficiency).
AAMI_COLOURS = {
    "N": QColor("#0072B2"),  # blue: normal / bundle branch block beats
    "S": QColor("#E69F00"),  # orange: supraventricular ectopic
    "V": QColor("#D55E00"),  # vermillion: ventricular ectopic
    "F": QColor("#CC79A7"),  # reddish purple: fusion
    "Q": QColor("#7f7f7f"),  # grey: unclassifiable / paced
}
AAMI_NAMES = {
    "N": "normal or bundle-branch-block beat",
    "S": "supraventricular ectopic beat",
    "V": "ventricular ectopic beat",
    "F": "fusion beat",
    "Q": "unclassifiable or paced beat",
}
UNCLASSIFIED = QColor("#000000")
NOT_CLASSIFIED_TIP = (
    "Not classified: {sure}. Black where the classifier is not sure of the beat, where a paced record's beat shows "
    "no pacemaker artefact (the classifier never saw paced rhythms), where the beat's window runs past the record's "
    "edge, where the classifier is unavailable, or while an edit of the R-peaks is being analysed. Not-classified "
    "beats are left out of the QRS-duration median."
)
QRS_SHADE = QColor(86, 180, 233, 55)       # sky blue, translucent: QRS onset to offset
SELECTED_SHADE = QColor(240, 228, 66, 60)  # yellow, translucent: the selected beat
SELECTED_OUTLINE = QColor("#b8a800")
CALIPER = QColor("#009E73")                # bluish green
TRACE = QColor("#111111")
IMAGE_COLORMAP = "viridis"                 # perceptually uniform and colour-blind safe
# Attribution overlay (Okabe-Ito): vermillion where the beat pushed P(response) up, blue where down.
ATTRIBUTION_UP = (213, 94, 0)
ATTRIBUTION_DOWN = (0, 114, 178)
