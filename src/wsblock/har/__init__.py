"""HAR files (browser DevTools exports): their WebSocket entries read (:mod:`.read`) and
turned into a ``.void`` file with its ``.env`` of secrets (:mod:`.tovoid`)."""
