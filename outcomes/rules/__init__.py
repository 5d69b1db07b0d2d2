"""The pure rules: statuses, SPC, comparisons, small numbers, and the words figures are read in.

The floor of the product: nothing here reads the database or knows a person; every rule is a
function of its arguments, documented and tested with worked examples (doctests). May import
``loaders`` and ``outcomes.errors`` only.
"""
