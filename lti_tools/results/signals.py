"""``result_recorded``: sent after a learner result is stored (``sender=LearnerResult``).

Arguments: ``result`` (the ``LearnerResult`` row as now stored) and ``created`` (bool).
The LTI tool connects here to pass scores back to the platform.
"""
from django.dispatch import Signal

result_recorded = Signal()
