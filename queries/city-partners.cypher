// Partners of a city
//
// Everyone a city (or an organisation) shares a project or an exchange with, how many of each they
// share, the shared projects, and since when they cooperate (the earliest project start or exchange
// date). A city takes part itself and through its organisations (BASED_IN); its own organisations
// are not counted as its partners.
//
// $city: city   the city's id or name, e.g. nantes or Plzeň
MATCH (c)
WHERE (c:City OR c:Organisation) AND (c.id = $city OR toLower(c.name) = toLower($city))
MATCH (c)<-[:BASED_IN*0..1]-(m)-[:PARTICIPATES_IN|ATTENDED]->(a)<-[:PARTICIPATES_IN|ATTENDED]-(p)
WHERE p <> c AND NOT EXISTS { MATCH (p)-[:BASED_IN]->(c) }
WITH p, collect(DISTINCT a) AS shared, min(coalesce(a.start, a.date)) AS since
RETURN p.id AS partner_id, p.name AS partner, labels(p)[0] AS kind, p.country AS country,
       size([x IN shared WHERE x:Project]) AS projects, size([x IN shared WHERE x:Exchange]) AS exchanges,
       [x IN shared WHERE x:Project | x.name] AS shared_projects, since
ORDER BY projects + exchanges DESC, partner
