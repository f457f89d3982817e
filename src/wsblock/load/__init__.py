"""``wsblock load``: a request's conversation as a load test on Locust.

* :mod:`wsblock.load.config` -- the command's settings, passed to Locust's process
  as JSON (Locust monkey-patches at import: it runs in a process of its own);
* :mod:`wsblock.load.thresholds` -- ``--fail-if`` expressions, parsed before
  anything is sent;
* :mod:`wsblock.load.conversation` -- one conversation on ``websocket-client`` (which
  gevent makes cooperative), judged by :mod:`wsblock.conversation.matching` as ``wsblock run`` is;
* :mod:`wsblock.load.latency` -- latencies to the microsecond (HDR histograms), which
  workers send to the master with their reports;
* :mod:`wsblock.load.report` -- the summary (table, ``load-summary`` event, JUnit);
* :mod:`wsblock.load.process` -- Locust's side: the user class, local, master and
  worker runners, the live line, Locust's CSV and HTML reports.

Only :mod:`wsblock.load.process` and :mod:`wsblock.load.conversation` import gevent
or Locust; nothing else of wsblock imports them.
"""
