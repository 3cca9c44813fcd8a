// Communities
//
// The communities found by `netlens analyse` on the cooperation network: how many members each has,
// its most central members (by PageRank) and its countries. Empty until the analysis has been run.
MATCH (n)
WHERE (n:City OR n:Organisation) AND n.community IS NOT NULL
WITH n ORDER BY coalesce(n.pagerank, 0.0) DESC, n.name
RETURN n.community AS community, count(n) AS members, collect(n.name)[..5] AS leading_members,
       collect(DISTINCT n.country) AS countries
ORDER BY members DESC, community
