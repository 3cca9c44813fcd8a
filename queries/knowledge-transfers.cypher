// Knowledge transfers
//
// Observed replications of a solution from one member to another, with the projects the two took
// part in together (a transfer between project partners is the programme working as intended).
// Filter by a word of the topic, or leave it empty for all transfers.
//
// $topic: str = ""   a word of the transfer's topic, e.g. lighting (empty: all transfers)
MATCH (a)-[t:TRANSFERRED]->(b)
WHERE $topic = '' OR toLower(coalesce(t.topic, '')) CONTAINS toLower($topic)
OPTIONAL MATCH (a)-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(b)
WITH a, b, t, collect(p.name) AS shared_projects
RETURN a.id AS source_id, a.name AS source, b.id AS target_id, b.name AS target, t.solution AS solution,
       t.topic AS topic, t.date AS transferred_on, shared_projects
ORDER BY transferred_on, source, target, solution
