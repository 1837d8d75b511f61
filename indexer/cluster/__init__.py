"""The OpenSearch store: the same product on a cluster (``--opensearch URL``).

``layout`` names the cluster's indices and maps their fields, ``connection`` opens a
client (credentials, TLS, one-line errors), ``publish`` writes a local index's commit
into a new generation and switches the aliases to it, ``search`` answers the query
interface of ``indexer.api.PolicyIndex`` from the cluster.
"""
