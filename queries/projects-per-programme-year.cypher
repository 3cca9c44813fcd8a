// Projects per programme and year
//
// How many projects each funding programme started per year (year of the project's start), with the
// number of participations, the sum of the known budgets and the project names.
MATCH (p:Project)
OPTIONAL MATCH (m)-[:PARTICIPATES_IN]->(p)
WITH p, count(m) AS members
RETURN coalesce(p.programme, '(no programme)') AS programme, p.start.year AS year, count(p) AS projects,
       sum(members) AS participations, sum(coalesce(p.budget_eur, 0.0)) AS budget_eur, collect(p.name) AS names
ORDER BY programme, year
