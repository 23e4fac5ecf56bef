"""Adding papers from where researchers find them: arXiv, DOIs, OpenReview, ACL Anthology, web pages.

No Qt here: the window, the command line and the tests call the same functions.
:mod:`identifiers` reads what was pasted, :mod:`services` asks the service that owns
it for the paper's metadata, :mod:`http` is the one careful HTTP client (time-outs,
retries, rate limits, size caps), and :mod:`adding` puts the paper and its PDF into
the library, or marks it to fetch later when the network fails.
"""
