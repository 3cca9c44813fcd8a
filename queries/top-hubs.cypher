// Top hubs
//
// The cities and organisations with the most distinct partners: everyone they share a project or an
// exchange with. `shared_activities` counts the projects and exchanges they share with at least one
// partner. `degree` and `pagerank` come from `netlens analyse` at `$level` (empty before, and for
// members of the other level).
//
// $level: str = city   the level of the analysis `degree` and `pagerank` come from: city or organisation
// $top: int = 10   how many members to list
MATCH (m)-[:PARTICIPATES_IN|ATTENDED]->(a)<-[:PARTICIPATES_IN|ATTENDED]-(p)
WHERE (m:City OR m:Organisation) AND p <> m
WITH m, count(DISTINCT p) AS partners, count(DISTINCT a) AS shared_activities
RETURN m.id AS id, m.name AS name, labels(m)[0] AS kind, m.country AS country,
       partners, shared_activities,
       CASE WHEN m.centrality_scope STARTS WITH $level + ';' THEN m.degree END AS degree,
       CASE WHEN m.centrality_scope STARTS WITH $level + ';' THEN m.pagerank END AS pagerank
ORDER BY partners DESC, shared_activities DESC, id
LIMIT $top
