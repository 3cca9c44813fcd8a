// New partnerships per year
//
// For each year, how many pairs of members cooperated for the first time (first shared project,
// counted from its start, or first shared exchange), and how many of them cross a border.
MATCH (m)-[:PARTICIPATES_IN|ATTENDED]->(a)<-[:PARTICIPATES_IN|ATTENDED]-(p)
WHERE (m:City OR m:Organisation) AND m.id < p.id
WITH m, p, min(coalesce(a.start, a.date)) AS first_met
RETURN first_met.year AS year, count(*) AS new_partnerships,
       sum(CASE WHEN m.country <> p.country THEN 1 ELSE 0 END) AS cross_border
ORDER BY year
