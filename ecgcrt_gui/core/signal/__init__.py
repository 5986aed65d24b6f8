"""Signal stages of the pipeline, in order: preprocess, rpeaks, beats, delineate, spectrogram (the model's input).

Plain functions on numpy arrays with the sampling rate passed in; no Qt, no torch.
"""
