"""The board's queries: the plan on a page, a priority, an indicator, the figures recorded, the
public series, SPC applied to a history, the audit trail as people read it.

Each reads one partnership's rows and shapes them for a page; may import the store and the rules.
"""
