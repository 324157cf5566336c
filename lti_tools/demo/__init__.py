"""The demo host (``make demo``): the xblock-sdk workbench with our runtime, learner switching
(``?student=``), a confirmed reset, and the LTI tool beside it for trying launches locally.
"""
