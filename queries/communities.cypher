// Communities
//
// The communities found by `netlens analyse` on the cooperation network: how many members each has,
// its most central members (by PageRank, when it comes from a run at the same level) and its
// countries. Empty until the analysis has been run at `$level`.
//
// $level: str = city   the level of the analysis: city or organisation
MATCH (n)
WHERE (n:City OR n:Organisation) AND n.community IS NOT NULL AND n.communities_scope STARTS WITH $level + ';'
WITH n, CASE WHEN n.centrality_scope STARTS WITH $level + ';' THEN n.pagerank END AS pagerank
ORDER BY coalesce(pagerank, 0.0) DESC, n.name
RETURN n.community AS community, count(n) AS members, collect(n.name)[..5] AS leading_members,
       collect(DISTINCT n.country) AS countries
ORDER BY members DESC, community
