"""The side panels: beat spectrogram, prediction, guidelines."""
