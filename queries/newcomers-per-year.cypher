// Newcomers per year
//
// How the network grows: for each year, the members that took part in their first project (counted
// from its start) or exchange.
MATCH (m)-[:PARTICIPATES_IN|ATTENDED]->(a)
WHERE m:City OR m:Organisation
WITH m, min(coalesce(a.start, a.date)) AS first_seen
WITH first_seen.year AS year, m ORDER BY m.name
RETURN year, count(m) AS newcomers, collect(m.name) AS names
ORDER BY year
