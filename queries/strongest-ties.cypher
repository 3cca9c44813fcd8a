// Strongest ties
//
// The strongest ties between members as computed by `netlens analyse` (TIE relationships), strongest
// first, with the breakdown of each score. Empty until the analysis has been run.
//
// $level: str = city   the level of the analysis the ties come from: city or organisation
// $top: int = 20   how many ties to list
MATCH (a)-[t:TIE]->(b)
WHERE t.level = $level
RETURN a.id AS a_id, a.name AS a_name, b.id AS b_id, b.name AS b_name, t.strength AS strength,
       t.breakdown AS breakdown
ORDER BY strength DESC, a_name, b_name
LIMIT $top
