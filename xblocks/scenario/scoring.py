"""Grades for the scenario block: Open edX's scorable protocol, only-if-higher, server-side only."""
from xblock.scorable import ScorableXBlockMixin, Score


class ScenarioScoringMixin(ScorableXBlockMixin):
    """Publishes the best finished attempt's score; the browser never sends a score.

    ``raw_possible`` is 1 and the platform applies the block's ``weight``; ``practice`` mode
    is ungraded (``has_score`` is False, so the gradebook ignores the block).
    """

    @property
    def has_score(self):
        return self.scoring_mode != 'practice'

    def max_score(self):
        return 1.0 if self.has_score else None

    def has_submitted_answer(self):
        return self.best_score is not None

    def get_score(self):
        return Score(raw_earned=self.best_score or 0.0, raw_possible=1.0)

    def set_score(self, score):
        self.best_score = score.raw_earned

    def calculate_score(self):
        """Rescoring uses the current scenario but the learner's recorded choices."""
        fraction = self.playthrough().score(self.scenario(), self.scoring_mode)
        if fraction is None:
            return self.get_score()
        return Score(raw_earned=fraction, raw_possible=1.0)

    def record_finished_attempt(self, fraction):
        """Publish the grade of an attempt that just reached an ending, if it beats the best."""
        if fraction is None:
            return
        if self.best_score is None or fraction > self.best_score:
            self._publish_grade(Score(raw_earned=fraction, raw_possible=1.0), only_if_higher=True)
            self.best_score = fraction
