"""Network analysis: one module per algorithm family (networkx style); import the functions from their modules.

Graph metrics (take a networkx graph from :mod:`netlens.model.projection`, return DataFrames/dicts):

- :mod:`netlens.analysis.centrality` — :func:`~netlens.analysis.centrality.centrality` (degree, strength,
  betweenness, closeness, harmonic, eigenvector, PageRank, k-core; exact or sampled), ``PATH_MODES``,
  ``DEFAULT_SAMPLES`` (machinery in the private :mod:`netlens.analysis._pathsums`);
- :mod:`netlens.analysis.communities` — :func:`~netlens.analysis.communities.communities` (Leiden/Louvain),
  ``COMMUNITY_METHODS``;
- :mod:`netlens.analysis.brokerage` — :func:`~netlens.analysis.brokerage.brokers` (Burt, Gould-Fernandez, cut
  vertices), :func:`~netlens.analysis.brokerage.bridges`;
- :mod:`netlens.analysis.structure` — :func:`~netlens.analysis.structure.structure` (size, components, diameter,
  clustering, degree distribution);
- :mod:`netlens.analysis.backbone` — :func:`~netlens.analysis.backbone.disparity_filter` (significant ties).

Tie strength and what builds on it (take a :class:`~netlens.model.network.Network` or any mapping of its tables):

- :mod:`netlens.analysis.weights` — :class:`~netlens.analysis.weights.TandemWeights`,
  :func:`~netlens.analysis.weights.load_weights`, ``CHANNELS``;
- :mod:`netlens.analysis.names` — :func:`~netlens.analysis.names.resolve_member`, the one name resolver;
- :mod:`netlens.analysis.evidence` — :class:`~netlens.analysis.evidence.TieEvidence` and
  :func:`~netlens.analysis.evidence.collect_evidence` (every pair × shared activity), ``pair_numbers``,
  ``pair_activities``, ``all_topics``; :mod:`netlens.analysis.labels` — ``activity_label`` and other text helpers;
- :mod:`netlens.analysis.strength` — :func:`~netlens.analysis.strength.tandem_strength`,
  :func:`~netlens.analysis.strength.ties_for_store`;
- :mod:`netlens.analysis.explain` — :func:`~netlens.analysis.explain.explain_pair`, ``PairExplanation``,
  ``ActivityContribution`` and the sentence builders;
- :mod:`netlens.analysis.recommend` — :func:`~netlens.analysis.recommend.recommend` (pairs that should be tandems);
- :mod:`netlens.analysis.paths` — :func:`~netlens.analysis.paths.transfer_paths`, ``Route``, ``Hop``,
  :func:`~netlens.analysis.paths.tie_graph`, :func:`~netlens.analysis.paths.routes_frame`, ``MODES`` (searches in
  :mod:`netlens.analysis.paths_search` and :mod:`netlens.analysis.paths_timed`).

Nothing is re-exported here: several functions share their module's name (``centrality``, ``communities``,
``structure``, ``recommend``), and ``netlens.analysis.<name>`` must stay the module.
"""

__all__: list[str] = []
