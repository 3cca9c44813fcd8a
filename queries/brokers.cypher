// Brokers
//
// Members that link groups which would otherwise not meet. Ranked by betweenness (from `netlens
// analyse`), then by how many different projects they connect, directly or through the exchanges they
// attended. `burt_constraint` and `effective_size` also come from `netlens analyse`: a low constraint
// and a high effective size mark a broker. Before the analysis only `projects` and `activities` are
// filled in. Analysis values show only when they come from a run at `$level`.
//
// $level: str = city   the level of the analysis the values come from: city or organisation
// $top: int = 10   how many members to list
MATCH (m)-[:PARTICIPATES_IN|ATTENDED]->(a)
WHERE m:City OR m:Organisation
OPTIONAL MATCH (a)-[:PART_OF]->(via:Project)
WITH m, collect(DISTINCT CASE WHEN a:Project THEN a.id ELSE via.id END) AS project_ids, count(DISTINCT a) AS activities
RETURN m.id AS id, m.name AS name, labels(m)[0] AS kind, size(project_ids) AS projects, activities,
       CASE WHEN m.centrality_scope STARTS WITH $level + ';' THEN m.betweenness END AS betweenness,
       CASE WHEN m.brokers_scope STARTS WITH $level + ';' THEN m.`constraint` END AS burt_constraint,
       CASE WHEN m.brokers_scope STARTS WITH $level + ';' THEN m.effective_size END AS effective_size
ORDER BY coalesce(betweenness, -1.0) DESC, projects DESC, activities DESC, id
LIMIT $top
