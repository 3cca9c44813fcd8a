// Cities that never hosted an exchange
//
// Cities that have not (yet) hosted a study visit, workshop, webinar or any other exchange themselves,
// with how active they are otherwise: candidates to invite as the next host.
MATCH (c:City)
WHERE NOT EXISTS { MATCH (c)-[:ATTENDED {role: 'host'}]->(:Exchange) }
RETURN c.id AS id, c.name AS name, c.country AS country,
       COUNT { MATCH (c)-[:PARTICIPATES_IN]->(:Project) } AS projects,
       COUNT { MATCH (c)-[:ATTENDED]->(:Exchange) } AS exchanges_attended
ORDER BY exchanges_attended DESC, projects DESC, name
