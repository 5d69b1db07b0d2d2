"""What people do: load returns and public data, import the framework, record meetings,
commentary and actions, approve returns, send reminders, keep the reporting calendar, add
partnerships, and build the demo.

May import the board's queries, the store and the rules; never the outputs or the command line.
"""
