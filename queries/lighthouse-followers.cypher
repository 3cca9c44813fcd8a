// Lighthouse → follower links
//
// In every project, each lighthouse paired with each follower (their roles in the project), with
// the exchanges the two attended together and the solutions transferred from the lighthouse to the
// follower.
MATCH (l)-[rl:PARTICIPATES_IN]->(p:Project)<-[rf:PARTICIPATES_IN]-(f)
WHERE toLower(rl.role) = 'lighthouse' AND toLower(rf.role) = 'follower'
OPTIONAL MATCH (l)-[t:TRANSFERRED]->(f)
WITH p, l, f, collect(t.solution) AS solutions
RETURN p.name AS project, l.id AS lighthouse_id, l.name AS lighthouse, f.id AS follower_id, f.name AS follower,
       COUNT { MATCH (l)-[:ATTENDED]->(:Exchange)<-[:ATTENDED]-(f) } AS joint_exchanges, solutions
ORDER BY project, lighthouse, follower
