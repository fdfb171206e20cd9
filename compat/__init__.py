"""Drop-in compatibility with the five systems this service replaces (README,
"Replacing ..."): one module per source system shapes its documented contract from
the native results; compat/scales.py holds every value mapping that changes a
scale or a spelling, one function each."""
