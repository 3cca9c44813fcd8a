// Top hubs
//
// The cities and organisations with the most distinct partners: everyone they share a project or an
// exchange with. `shared_activities` counts the projects and exchanges they share with at least one
// partner. `degree` and `pagerank` are filled in by `netlens analyse` (empty before).
//
// $top: int = 10   how many members to list
MATCH (m)-[:PARTICIPATES_IN|ATTENDED]->(a)<-[:PARTICIPATES_IN|ATTENDED]-(p)
WHERE (m:City OR m:Organisation) AND p <> m
WITH m, count(DISTINCT p) AS partners, count(DISTINCT a) AS shared_activities
RETURN m.id AS id, m.name AS name, labels(m)[0] AS kind, m.country AS country,
       partners, shared_activities, m.degree AS degree, m.pagerank AS pagerank
ORDER BY partners DESC, shared_activities DESC, id
LIMIT $top
