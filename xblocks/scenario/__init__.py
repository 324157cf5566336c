"""The MAGIX scenario exercise: plain-Python domain modules under a thin XBlock shell (``block``)."""
