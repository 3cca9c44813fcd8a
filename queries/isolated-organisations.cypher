// Isolated organisations
//
// Organisations that share no project or exchange with anyone and have no tandem or transfer: they
// are in the data but not (yet) in the network. `solo_activities` counts projects and exchanges
// where they were alone.
MATCH (o:Organisation)
WHERE NOT EXISTS { MATCH (o)-[:PARTICIPATES_IN|ATTENDED]->()<-[:PARTICIPATES_IN|ATTENDED]-(x) WHERE x <> o }
  AND NOT EXISTS { MATCH (o)-[:TANDEM|TRANSFERRED]-() }
OPTIONAL MATCH (o)-[:BASED_IN]->(c:City)
// the embedded store reports the label as `type` when an organisation has none: shown as empty
RETURN o.id AS id, o.name AS name, CASE o.type WHEN 'Organisation' THEN null ELSE o.type END AS type,
       o.country AS country, c.name AS city,
       COUNT { MATCH (o)-[:PARTICIPATES_IN|ATTENDED]->() } AS solo_activities
ORDER BY name
