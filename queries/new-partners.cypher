// New partners of a city over time
//
// For each year, the partners a city (or organisation) cooperated with for the first time, in a
// project (counted from its start) or an exchange. A city takes part itself and through its
// organisations (BASED_IN); its own organisations are not counted as its partners.
//
// $city: city   the city's id or name, e.g. arnsberg
MATCH (c)
WHERE (c:City OR c:Organisation) AND (c.id = $city OR toLower(c.name) = toLower($city))
MATCH (c)<-[:BASED_IN*0..1]-(m)-[:PARTICIPATES_IN|ATTENDED]->(a)<-[:PARTICIPATES_IN|ATTENDED]-(p)
WHERE p <> c AND NOT EXISTS { MATCH (p)-[:BASED_IN]->(c) }
WITH p, min(coalesce(a.start, a.date)) AS first_met
WITH first_met.year AS year, p ORDER BY p.name
RETURN year, count(p) AS new_partners, collect(p.name) AS names
ORDER BY year
