"""The course player: the demo course played as learners play it in Open edX (outline, units, progress)."""
