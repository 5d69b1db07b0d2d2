"""The store and who may use it: the database (DuckDB or PostgreSQL), its migrations, the one
function every write goes through, people and their roles, and moving a whole database.

May import the rules below it; never the board's queries, the workflows or the outputs.
"""
