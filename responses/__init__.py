"""Response shaping beyond the native answer: the Scaleflex and InsightFace
formats, and templates with their FAR/FRR calibration."""
