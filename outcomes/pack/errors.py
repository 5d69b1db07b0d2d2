"""The one error the board pack raises."""


class PackError(ValueError):
    """A pack that cannot be made, said in plain English."""
