"""The desktop application: Qt widgets only; every long computation runs on a worker thread.

`session.Session` holds the patient on screen and emits Qt signals; the views subscribe to it.
"""
