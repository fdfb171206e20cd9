"""Measurements on a detected face and its mesh, without a model of their own:
head pose, eye / mouth state, colours, quality checks, the mask check, beauty
heuristics, and which face is the most prominent."""
