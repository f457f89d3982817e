"""The servers of this project: the embedded echo server (:mod:`.echo`)."""
