import signal
import sys

from outcomes.cli import main

# `python -m outcomes status | head` should stop quietly, not with a broken-pipe traceback.
if hasattr(signal, "SIGPIPE"):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.exit(main())
