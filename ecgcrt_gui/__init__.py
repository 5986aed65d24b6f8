"""ECG-CRT: predicts response to cardiac resynchronization therapy from an ECG.

For research use; not a medical device.
"""

__version__ = "0.1.0"
