"""What the product hands out: the board pack (PDF, slides, workbook), the public view, exports,
charts, the force-wide view and calendar feeds.

May import everything below it: workflows, queries, store and rules; never the command line.
"""
