"""Helpers of the end-to-end suite: the daemon under test, a recording TCP
printer, HTTP clients, log-file parsing and network namespaces."""
