"""One row per learner and block (or course): the latest grade and completion."""
from django.db import models


class LearnerResult(models.Model):
    """``user_key`` is the host's learner id (workbench student id, LTI ``sub`` scoped to its platform)."""
    user_key = models.CharField(max_length=255)
    usage_key = models.CharField(max_length=255, help_text='Usage key of the block, or a course key.')
    course_key = models.CharField(max_length=255, blank=True, default='')
    earned = models.FloatField(null=True, blank=True)
    possible = models.FloatField(null=True, blank=True)
    completion = models.FloatField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['user_key', 'usage_key'], name='one_result_per_learner_block')]
        indexes = [models.Index(fields=['usage_key']), models.Index(fields=['course_key', 'user_key'])]

    def __str__(self):
        return f'{self.user_key} {self.usage_key}: {self.earned}/{self.possible}, completion {self.completion}'
