// Tandems of a city
//
// The declared pairings (peer-learning tandems, town twinning, mentoring pairs) a city takes part in,
// which side it is on, and how many exchanges the two partners attended together. A city's
// organisations (BASED_IN) count as the city: `member` names which one is paired.
//
// $city: city   the city's id or name, e.g. arnsberg
MATCH (c)
WHERE (c:City OR c:Organisation) AND (c.id = $city OR toLower(c.name) = toLower($city))
MATCH (c)<-[:BASED_IN*0..1]-(m)-[t:TANDEM]-(o)
RETURN m.name AS member, o.id AS partner_id, o.name AS partner, o.country AS country,
       CASE t.topic WHEN '' THEN null ELSE t.topic END AS topic, t.since AS since, t.until AS until,
       CASE WHEN startNode(t) = m THEN 'a' ELSE 'b' END AS side,
       COUNT { MATCH (m)-[:ATTENDED]->(:Exchange)<-[:ATTENDED]-(o) } AS joint_exchanges
ORDER BY partner, topic
