// Who attended exchanges on a topic
//
// The members that attended, hosted or spoke at exchanges tagged with a topic: how many such
// exchanges, how many they hosted, the first and the last date.
//
// $topic: str   the topic, e.g. smart-city or open-data (case does not matter)
MATCH (e:Exchange)-[:ABOUT]->(t:Topic)
WHERE toLower(t.name) = toLower($topic)
MATCH (m)-[r:ATTENDED]->(e)
RETURN m.id AS id, m.name AS name, labels(m)[0] AS kind, count(e) AS exchanges,
       sum(CASE WHEN r.role = 'host' THEN 1 ELSE 0 END) AS hosted,
       min(e.date) AS first_date, max(e.date) AS last_date
ORDER BY exchanges DESC, name
