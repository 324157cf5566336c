"""Stackable micro-credentials: pathway model, learner progress, verifiable exports (OB 3.0, ELM v3)."""
