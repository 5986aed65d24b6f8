"""The networks: construction (network), weights with their model card (bundle), running them (inference).

torch is imported lazily inside these modules, so importing the package costs nothing.
"""
