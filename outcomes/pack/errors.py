"""The one error the board pack raises."""

from outcomes.errors import Refused


class PackError(Refused, ValueError):
    """A pack that cannot be made, said in plain English.

    A refusal like any other (pages catch :class:`Refused` alone); still a ValueError for
    callers that caught it as one."""

    code = "pack-unavailable"
