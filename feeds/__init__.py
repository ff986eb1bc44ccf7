"""CSV feeds from the prison and probation systems, and COM replies recorded by hand.

`import_feed(engine_or_session, kind, path, actor)` imports one file and returns an
ImportReport; `record_receipt(...)` records MAPPA information a COM sent by e-mail.
The rules every feed follows are in feeds/README.md.
"""

from feeds.importer import import_feed
from feeds.kinds import FEEDS
from feeds.report import ImportReport, Rejection

__all__ = ["FEEDS", "ImportReport", "Rejection", "import_feed"]
