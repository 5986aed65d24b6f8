"""The lead view: ECG paper at true physical scale, the traces, calipers and R-peak editing."""
